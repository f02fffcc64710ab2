package io.beastmode.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Argo CD and Flux examples parse and point at paths this repository has. */
class GitOpsManifestsTest {
  static final Path GITOPS = Path.of("k8s", "gitops");
  static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void everyPathTheyNameExists() throws IOException {
    var paths = new ArrayList<String>();
    for (JsonNode object : objects()) {
      assertThat(object.path("apiVersion").asText()).as(object.toString()).isNotBlank();
      JsonNode spec = object.path("spec");
      switch (object.path("kind").asText()) {
        case "Application" -> paths.add(spec.path("source").path("path").asText());
        case "Kustomization" -> paths.add(spec.path("path").asText());
        case "HelmRelease" -> paths.add(spec.path("chart").path("spec").path("chart").asText());
        case "GitRepository" ->
            spec.path("ignore").asText().lines().filter(l -> !l.isBlank()).forEach(paths::add);
        case "ConfigMap" -> {}
        default ->
            throw new AssertionError("unexpected kind in " + GITOPS + ": " + object.path("kind"));
      }
    }
    assertThat(paths)
        .hasSize(7)
        .allSatisfy(path -> assertThat(Path.of(path.replaceFirst("^\\.?/", ""))).isDirectory());
  }

  private static List<JsonNode> objects() throws IOException {
    var objects = new ArrayList<JsonNode>();
    try (Stream<Path> files = Files.walk(GITOPS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (var parser = YAML.createParser(file.toFile())) {
          objects.addAll(YAML.readValues(parser, JsonNode.class).readAll());
        }
      }
    }
    return objects;
  }
}
