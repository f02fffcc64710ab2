package io.beastmode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script of the test resources with an official SDK from the virtualenv {@code
 * .ci/provision-tools.sh} made, and reads the JSON line it prints for each case.
 */
public final class PythonClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PythonClient() {}

  /** Each case's line by its "case" field; fails when the script does not end well. */
  public static Map<String, JsonNode> run(String virtualenv, String script, String... arguments)
      throws Exception {
    Path python =
        Path.of(
            System.getProperty("user.home"), ".kubeapitest", "tools", virtualenv, "bin", "python");
    assertThat(python).as("run make tools: .ci/provision-tools.sh installs " + virtualenv).exists();
    var command = new ArrayList<>(List.of(python.toString(), script));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    var cases = new HashMap<String, JsonNode>();
    for (String line : output.lines().toList()) {
      JsonNode seen = JSON.readTree(line);
      cases.put(seen.path("case").asText(), seen);
    }
    return cases;
  }
}
