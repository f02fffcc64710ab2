package io.beastmode.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** What every benchmark leaves: its figures as JSON and a short Markdown summary beside them. */
public final class BenchResults {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchResults() {}

  /** Writes {@code base}.json (the figures, indented) and {@code base}.md. */
  public static void write(Path base, Object figures, CharSequence markdown) throws IOException {
    Files.createDirectories(base.toAbsolutePath().getParent());
    Files.writeString(Path.of(base + ".json"), JSON.writeValueAsString(figures) + "\n");
    Files.writeString(Path.of(base + ".md"), markdown);
  }

  /** A Markdown table: the header, its rule, one line per row. */
  public static String table(List<String> header, List<List<?>> rows) {
    var lines = new StringBuilder(line(header));
    lines.append(line(header.stream().map(h -> "---").toList()));
    rows.forEach(row -> lines.append(line(row)));
    return lines.toString();
  }

  private static String line(List<?> cells) {
    return cells.stream().map(String::valueOf).collect(Collectors.joining(" | ", "| ", " |\n"));
  }
}
