package io.beastmode.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;

/**
 * The one YAML form of routing and traffic configs: stable key order, so equal configs hash equal.
 */
public final class ConfigYaml {
  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private ConfigYaml() {}

  public static String write(Object config) {
    try {
      return MAPPER.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T read(String yaml, Class<T> type) throws JsonProcessingException {
    return MAPPER.readValue(yaml, type);
  }

  /**
   * The version of a config file: the first 16 hex digits of the SHA-256 of its text. The operator
   * and the routers compute it alike, so heartbeats show which version each router runs.
   */
  public static String version(String text) {
    return Digests.sha256Hex(text == null ? "" : text).substring(0, 16);
  }
}
