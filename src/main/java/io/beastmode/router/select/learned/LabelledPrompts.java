package io.beastmode.router.select.learned;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prompts with, per model, whether its answer was good: the RouteLLM CSV format, a header {@code
 * prompt,<model>,<model>...} then one row per prompt with {@code True} or {@code False} per model
 * (an empty cell: not known). Quoted fields may span lines and double their quotes.
 *
 * @param source where the rows came from, for messages
 * @param models the model columns, in file order
 * @param rows the prompts
 */
public record LabelledPrompts(String source, List<String> models, List<Row> rows) {

  /**
   * One prompt and its outcomes.
   *
   * @param outcomes per model column: 1 good, 0 bad, NaN unknown
   */
  public record Row(String prompt, double[] outcomes) {}

  /** Parses CSV text; a broken file fails with its source, line and what is wrong. */
  public static LabelledPrompts parse(String source, String csv) {
    List<List<String>> records = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    CsvReader reader = new CsvReader(source, csv);
    while (reader.hasMore()) {
      lines.add(reader.line());
      records.add(reader.record());
    }
    if (records.isEmpty()) {
      throw new IllegalArgumentException(source + ": empty, expected a header prompt,<model>...");
    }
    List<String> header = records.get(0);
    if (header.size() < 2 || !header.get(0).trim().equals("prompt")) {
      throw new IllegalArgumentException(
          source + " line 1: the header must be prompt,<model>[,<model>...], found " + header);
    }
    List<String> models = new ArrayList<>();
    for (String name : header.subList(1, header.size())) {
      String model = name.trim();
      if (model.isEmpty() || models.contains(model)) {
        throw new IllegalArgumentException(
            source + " line 1: model column '" + model + "' is empty or repeated");
      }
      models.add(model);
    }
    List<Row> rows = new ArrayList<>();
    for (int r = 1; r < records.size(); r++) {
      List<String> record = records.get(r);
      if (record.size() == 1 && record.get(0).isEmpty()) {
        continue;
      }
      if (record.size() != header.size()) {
        throw new IllegalArgumentException(
            source
                + " line "
                + lines.get(r)
                + ": "
                + record.size()
                + " fields, the header has "
                + header.size());
      }
      if (record.get(0).isBlank()) {
        throw new IllegalArgumentException(source + " line " + lines.get(r) + ": empty prompt");
      }
      double[] outcomes = new double[models.size()];
      for (int m = 0; m < models.size(); m++) {
        outcomes[m] = outcome(record.get(m + 1), source, lines.get(r), models.get(m));
      }
      rows.add(new Row(record.get(0), outcomes));
    }
    return new LabelledPrompts(source, List.copyOf(models), List.copyOf(rows));
  }

  private static double outcome(String cell, String source, int line, String model) {
    return switch (cell.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> 1;
      case "false", "0" -> 0;
      case "" -> Double.NaN;
      default ->
          throw new IllegalArgumentException(
              source
                  + " line "
                  + line
                  + ": "
                  + model
                  + " is '"
                  + cell
                  + "', expected True, False or empty");
    };
  }

  /** RFC 4180 records: commas, quoted fields with doubled quotes and line breaks. */
  private static final class CsvReader {
    private final String source;
    private final String text;
    private int at;
    private int line = 1;

    CsvReader(String source, String text) {
      this.source = source;
      this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    boolean hasMore() {
      return at < text.length();
    }

    int line() {
      return line;
    }

    List<String> record() {
      int startLine = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (quoted) {
          if (c == '"') {
            if (at < text.length() && text.charAt(at) == '"') {
              field.append('"');
              at++;
            } else {
              quoted = false;
            }
          } else {
            if (c == '\n') {
              line++;
            }
            field.append(c);
          }
        } else if (c == '"' && field.isEmpty() && !wasQuoted) {
          quoted = true;
          wasQuoted = true;
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
        } else if (c == '\n' || c == '\r') {
          if (c == '\r' && at < text.length() && text.charAt(at) == '\n') {
            at++;
          }
          line++;
          fields.add(field.toString());
          return fields;
        } else if (wasQuoted) {
          throw new IllegalArgumentException(
              source + " line " + line + ": text after a closing quote");
        } else {
          field.append(c);
        }
      }
      if (quoted) {
        throw new IllegalArgumentException(
            source + " line " + startLine + ": a quoted field is never closed");
      }
      fields.add(field.toString());
      return fields;
    }
  }
}
