package io.beastmode.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.testing.Dashboards;
import io.beastmode.testing.PromQl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboards import as they are: valid JSON, a Prometheus {@code datasource} variable every
 * query uses, unique panel ids, and a query in every panel. Which metrics they name is checked
 * against a real scrape by {@code RouterOperationsIT}, through {@link MetricsContract}.
 */
class DashboardsTest {
  static final String DATASOURCE = "${datasource}";

  @Test
  void theRouterAndFleetDashboardsAreThere() {
    assertThat(Dashboards.files())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("fleet.json", "router.json");
  }

  @Test
  void everyDashboardImportsAsItIs() {
    var problems = new ArrayList<String>();
    var uids = new HashSet<String>();
    for (Path file : Dashboards.files()) {
      JsonNode dashboard = Dashboards.read(file);
      String name = file.getFileName().toString();
      if (dashboard.path("title").asText().isBlank() || !uids.add(dashboard.path("uid").asText())) {
        problems.add(name + ": needs a title and a uid of its own");
      }
      if (dashboard.path("schemaVersion").asInt() < 36) {
        problems.add(
            name
                + ": schemaVersion "
                + dashboard.path("schemaVersion")
                + " is older than Grafana 9");
      }
      problems.addAll(variableProblems(name, dashboard.path("templating").path("list")));
      problems.addAll(panelProblems(name, Dashboards.panels(dashboard)));
    }
    assertThat(problems).isEmpty();
  }

  private static List<String> variableProblems(String name, JsonNode variables) {
    var problems = new ArrayList<String>();
    boolean datasource = false;
    for (JsonNode variable : variables) {
      String type = variable.path("type").asText();
      datasource |=
          type.equals("datasource")
              && variable.path("name").asText().equals("datasource")
              && variable.path("query").asText().equals("prometheus");
      if (type.equals("query")
          && !DATASOURCE.equals(variable.path("datasource").path("uid").asText())) {
        problems.add(
            name
                + ": variable "
                + variable.path("name").asText()
                + " does not query "
                + DATASOURCE);
      }
    }
    if (!datasource) {
      problems.add(name + ": no datasource variable of type prometheus");
    }
    return problems;
  }

  private static List<String> panelProblems(String name, List<JsonNode> panels) {
    var problems = new ArrayList<String>();
    var ids = new HashSet<Integer>();
    for (JsonNode panel : panels) {
      String where =
          name + ": panel " + panel.path("id") + " \"" + panel.path("title").asText() + "\"";
      if (!panel.path("id").isInt() || !ids.add(panel.path("id").asInt())) {
        problems.add(where + ": id missing or used twice");
      }
      var grid = panel.path("gridPos");
      if (grid.path("w").asInt() < 1
          || grid.path("x").asInt() + grid.path("w").asInt() > 24
          || grid.path("h").asInt() < 1) {
        problems.add(where + ": gridPos outside the 24 columns");
      }
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      if (!DATASOURCE.equals(panel.path("datasource").path("uid").asText())) {
        problems.add(where + ": datasource is not " + DATASOURCE);
      }
      if (panel.path("targets").isEmpty()) {
        problems.add(where + ": no target");
      }
      var refIds = new HashSet<String>();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        if (!refIds.add(target.path("refId").asText())
            || !DATASOURCE.equals(target.path("datasource").path("uid").asText())) {
          problems.add(
              where
                  + ": target "
                  + target.path("refId")
                  + " needs a refId of its own and datasource "
                  + DATASOURCE);
        }
        if (!PromQl.balanced(expr) || PromQl.refs(expr).selectors().isEmpty()) {
          problems.add(
              where
                  + ": target "
                  + target.path("refId")
                  + " is not a PromQL query over a metric: "
                  + expr);
        }
      }
    }
    return problems;
  }
}
