package io.beastmode.operator.recovery.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A snapshot as JSON, the plaintext of format version 1. Field by field rather than by reflection,
 * so renaming a Java accessor never changes the format:
 *
 * <pre>
 * {"manifest": {"formatVersion": 1, "operatorVersion", "sourceCluster", "takenAt": RFC 3339,
 *               "policy": {"namespace", "name"},
 *               "resourceVersions": {kind: resourceVersion}, "redisCuts": {region: RFC 3339},
 *               "redisUnreached": [region], "objectCount", "redisEntryCount",
 *               "objects": [{"kind", "namespace" (null when cluster-scoped), "name", "sha256"}],
 *               "redisEntries": [{"region", "key", "sha256"}],
 *               "baseSnapshot" (only in a change set), "removed": [{"kind", "namespace", "name"}]},
 *  "objects": [{"apiVersion", "kind", "namespace", "name", "json": base64}],
 *  "redisEntries": [{"region", "key", "dump": base64, "pttlMillis"}]}
 * </pre>
 */
public final class SnapshotJson {

  /** The JSON is not a snapshot; the message names the field, never its value. */
  public static final class Malformed extends Exception {
    public Malformed(String message) {
      super(message);
    }
  }

  // Objects and Redis payloads are long base64 strings: lift Jackson's default 20 MB string cap.
  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private SnapshotJson() {}

  public static byte[] write(Snapshot snapshot) {
    ObjectNode root = MAPPER.createObjectNode();
    root.set("manifest", manifest(snapshot.manifest()));
    ArrayNode objects = root.putArray("objects");
    for (var o : snapshot.objects()) {
      objects
          .addObject()
          .put("apiVersion", o.apiVersion())
          .put("kind", o.kind())
          .put("namespace", o.namespace())
          .put("name", o.name())
          .put("json", Base64.getEncoder().encodeToString(o.json()));
    }
    ArrayNode entries = root.putArray("redisEntries");
    for (var e : snapshot.redisEntries()) {
      entries
          .addObject()
          .put("region", e.region())
          .put("key", e.key())
          .put("dump", Base64.getEncoder().encodeToString(e.dump()))
          .put("pttlMillis", e.pttlMillis());
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always writes", e);
    }
  }

  private static ObjectNode manifest(SnapshotManifest m) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("formatVersion", m.formatVersion())
        .put("operatorVersion", m.operatorVersion())
        .put("sourceCluster", m.sourceCluster())
        .put("takenAt", m.takenAt().toString());
    node.putObject("policy")
        .put("namespace", m.policy().namespace())
        .put("name", m.policy().name());
    ObjectNode versions = node.putObject("resourceVersions");
    m.resourceVersions().forEach(versions::put);
    ObjectNode cuts = node.putObject("redisCuts");
    m.redisCuts().forEach((region, at) -> cuts.put(region, at.toString()));
    ArrayNode unreached = node.putArray("redisUnreached");
    m.redisUnreached().forEach(unreached::add);
    node.put("objectCount", m.objectCount()).put("redisEntryCount", m.redisEntryCount());
    ArrayNode objects = node.putArray("objects");
    for (var d : m.objects()) {
      objects
          .addObject()
          .put("kind", d.kind())
          .put("namespace", d.namespace())
          .put("name", d.name())
          .put("sha256", d.sha256());
    }
    ArrayNode entries = node.putArray("redisEntries");
    for (var d : m.redisEntries()) {
      entries.addObject().put("region", d.region()).put("key", d.key()).put("sha256", d.sha256());
    }
    if (m.changeSet()) {
      node.put("baseSnapshot", m.baseSnapshot());
    }
    ArrayNode removed = node.putArray("removed");
    for (var r : m.removed()) {
      removed
          .addObject()
          .put("kind", r.kind())
          .put("namespace", r.namespace())
          .put("name", r.name());
    }
    return node;
  }

  /**
   * The snapshot the JSON holds.
   *
   * @throws Malformed when it is not JSON or a field is missing or of the wrong type
   * @throws Snapshot.Mismatch when the content does not match the manifest
   */
  public static Snapshot read(byte[] json) throws Malformed {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      // Jackson's message quotes the text it choked on, which may be secret: only say where.
      var at = e instanceof JsonProcessingException p ? p.getLocation() : null;
      throw new Malformed(
          "not JSON"
              + (at == null
                  ? ""
                  : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    }
    if (root == null || !root.isObject()) {
      throw new Malformed("not a JSON object");
    }
    try {
      var manifest = readManifest(object(root, "manifest"));
      var objects =
          list(
              root,
              "objects",
              o ->
                  new Snapshot.KubeObject(
                      text(o, "apiVersion"),
                      text(o, "kind"),
                      textOrNull(o, "namespace"),
                      text(o, "name"),
                      base64(o, "json")));
      var entries =
          list(
              root,
              "redisEntries",
              e ->
                  new Snapshot.RedisEntry(
                      text(e, "region"),
                      text(e, "key"),
                      base64(e, "dump"),
                      number(e, "pttlMillis")));
      return new Snapshot(manifest, objects, entries);
    } catch (Snapshot.Mismatch e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new Malformed(e.getMessage());
    }
  }

  private static SnapshotManifest readManifest(JsonNode m) {
    JsonNode policy = object(m, "policy");
    Map<String, String> versions = new LinkedHashMap<>();
    object(m, "resourceVersions").properties().forEach(f -> versions.put(f.getKey(), asText(f)));
    Map<String, Instant> cuts = new LinkedHashMap<>();
    object(m, "redisCuts")
        .properties()
        .forEach(f -> cuts.put(f.getKey(), instant(asText(f), "redisCuts." + f.getKey())));
    Set<String> unreached = new LinkedHashSet<>();
    for (JsonNode region : array(m, "redisUnreached")) {
      if (!region.isTextual()) {
        throw new IllegalArgumentException("redisUnreached holds a value that is not text");
      }
      unreached.add(region.textValue());
    }
    return new SnapshotManifest(
        (int) number(m, "formatVersion"),
        text(m, "operatorVersion"),
        text(m, "sourceCluster"),
        instant(text(m, "takenAt"), "takenAt"),
        new SnapshotManifest.Policy(text(policy, "namespace"), text(policy, "name")),
        versions,
        cuts,
        unreached,
        (int) number(m, "objectCount"),
        (int) number(m, "redisEntryCount"),
        list(
            m,
            "objects",
            d ->
                new SnapshotManifest.ObjectDigest(
                    text(d, "kind"),
                    textOrNull(d, "namespace"),
                    text(d, "name"),
                    text(d, "sha256"))),
        list(
            m,
            "redisEntries",
            d ->
                new SnapshotManifest.EntryDigest(
                    text(d, "region"), text(d, "key"), text(d, "sha256"))),
        textOrNull(m, "baseSnapshot"),
        // Snapshots written before change sets existed have no "removed".
        m.has("removed")
            ? list(
                m,
                "removed",
                r ->
                    new SnapshotManifest.ObjectId(
                        text(r, "kind"), textOrNull(r, "namespace"), text(r, "name")))
            : List.of());
  }

  private static <T> List<T> list(JsonNode node, String field, Function<JsonNode, T> each) {
    List<T> out = new ArrayList<>();
    for (JsonNode item : array(node, field)) {
      if (!item.isObject()) {
        throw new IllegalArgumentException(field + " holds a value that is not an object");
      }
      out.add(each.apply(item));
    }
    return out;
  }

  private static JsonNode object(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw new IllegalArgumentException(field + " is missing or not an object");
    }
    return value;
  }

  private static JsonNode array(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new IllegalArgumentException(field + " is missing or not an array");
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(field + " is missing or not text");
    }
    return value.textValue();
  }

  private static String textOrNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + " is not text");
    }
    return value.textValue();
  }

  private static String asText(Map.Entry<String, JsonNode> field) {
    if (!field.getValue().isTextual()) {
      throw new IllegalArgumentException(field.getKey() + " is not text");
    }
    return field.getValue().textValue();
  }

  private static long number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException(field + " is missing or not a whole number");
    }
    long n = value.longValue();
    if (!field.equals("pttlMillis") && (n < 0 || n > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException(field + " is out of range");
    }
    return n;
  }

  private static byte[] base64(JsonNode node, String field) {
    String text = text(node, field);
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not base64");
    }
  }

  private static Instant instant(String text, String field) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + " is not an RFC 3339 time");
    }
  }
}
