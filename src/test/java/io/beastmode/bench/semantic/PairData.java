package io.beastmode.bench.semantic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Labelled question pairs from gzipped JSON lines {@code {"text_a", "text_b", "label"[, "kind"]}}.
 * Texts are numbered in order of first appearance; two texts have the same answer exactly when they
 * are in one group of the transitive closure of the label-1 pairs.
 */
record PairData(List<String> texts, List<Pair> pairs, int[] group) {

  /** One line: indices into {@link #texts()}. */
  record Pair(int a, int b, boolean same, String kind) {}

  boolean sameAnswer(int text, int otherText) {
    return group[text] == group[otherText];
  }

  static PairData read(List<Path> files) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Integer> index = new LinkedHashMap<>();
    List<Pair> pairs = new ArrayList<>();
    for (Path file : files) {
      String fileKind = defaultKind(file);
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(
                  new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode node = json.readTree(line);
          int a = index.computeIfAbsent(node.get("text_a").asText(), t -> index.size());
          int b = index.computeIfAbsent(node.get("text_b").asText(), t -> index.size());
          String kind = node.hasNonNull("kind") ? node.get("kind").asText() : fileKind;
          pairs.add(new Pair(a, b, node.get("label").asInt() == 1, kind));
        }
      }
    }
    return of(new ArrayList<>(index.keySet()), pairs);
  }

  static PairData of(List<String> texts, List<Pair> pairs) {
    int[] parent = new int[texts.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    for (Pair pair : pairs) {
      if (pair.same()) {
        parent[root(parent, pair.a())] = root(parent, pair.b());
      }
    }
    int[] group = new int[texts.size()];
    Map<Integer, Integer> ids = new HashMap<>();
    for (int i = 0; i < group.length; i++) {
      group[i] = ids.computeIfAbsent(root(parent, i), r -> ids.size());
    }
    return new PairData(List.copyOf(texts), List.copyOf(pairs), group);
  }

  private static int root(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  /** A file without {@code kind} fields is one slice, named after the file. */
  private static String defaultKind(Path file) {
    String name = file.getFileName().toString();
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
