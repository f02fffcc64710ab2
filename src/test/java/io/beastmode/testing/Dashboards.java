package io.beastmode.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards in k8s/dashboards and the PromQL each of them runs. */
public final class Dashboards {
  public static final Path DIRECTORY = Path.of("k8s", "dashboards");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\((.*),\\s*(\\w+)\\s*\\)\\s*$", Pattern.DOTALL);

  /**
   * One PromQL query: where it is ({@code file: panel title / refId} or {@code file: $variable})
   * and its text.
   */
  public record Query(String where, String expr) {}

  /** A template variable's {@code label_values(selector, label)} query. */
  public record LabelValues(String where, String selector, String label) {
    /** The variable's name, as queries refer to it after {@code $}. */
    public String name() {
      return where.substring(where.lastIndexOf('$') + 1);
    }
  }

  private Dashboards() {}

  public static List<Path> files() {
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Every panel, those inside collapsed rows included. */
  public static List<JsonNode> panels(JsonNode dashboard) {
    var panels = new ArrayList<JsonNode>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      panel.path("panels").forEach(panels::add);
    }
    return panels;
  }

  /** Every panel target's expression in every dashboard. */
  public static List<Query> queries() {
    return files().stream().flatMap(file -> queries(file).stream()).toList();
  }

  /** Every panel target's expression in {@code file}. */
  public static List<Query> queries(Path file) {
    var queries = new ArrayList<Query>();
    for (JsonNode panel : panels(read(file))) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(
            new Query(
                file.getFileName()
                    + ": "
                    + panel.path("title").asText()
                    + " / "
                    + target.path("refId").asText(),
                target.path("expr").asText()));
      }
    }
    return queries;
  }

  /** Every query variable's {@code label_values} in every dashboard. */
  public static List<LabelValues> variables() {
    return files().stream().flatMap(file -> variables(file).stream()).toList();
  }

  /**
   * Every query variable's {@code label_values} in {@code file}, in the dashboard's order (a
   * variable's selector may name those before it).
   */
  public static List<LabelValues> variables(Path file) {
    var variables = new ArrayList<LabelValues>();
    for (JsonNode variable : read(file).path("templating").path("list")) {
      if (!"query".equals(variable.path("type").asText())) {
        continue;
      }
      JsonNode query = variable.path("query");
      String text = query.isTextual() ? query.asText() : query.path("query").asText();
      var matcher = LABEL_VALUES.matcher(text);
      String where = file.getFileName() + ": $" + variable.path("name").asText();
      if (!matcher.matches()) {
        throw new AssertionError(where + ": expected label_values(selector, label), got " + text);
      }
      variables.add(new LabelValues(where, matcher.group(1), matcher.group(2)));
    }
    return variables;
  }
}
