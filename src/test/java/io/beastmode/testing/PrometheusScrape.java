package io.beastmode.testing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a Prometheus text-format scrape holds: each metric family with its type, and each series
 * name (a family's {@code _bucket}, {@code _count}, ... included) with the label names it carries.
 */
public final class PrometheusScrape {
  /** Family name to its TYPE. */
  public final Map<String, String> types = new TreeMap<>();

  /** Family name to the label names of its series. */
  public final Map<String, Set<String>> familyLabels = new TreeMap<>();

  /** Series name to the label names it carries. */
  public final Map<String, Set<String>> seriesLabels = new TreeMap<>();

  /**
   * A process's meter, read now from its Quarkus management origin ({@code /q/metrics}): the sum of
   * its series whose line contains every one of {@code labels} (such as {@code verdict="serve"}).
   */
  public static double sum(String managementOrigin, String name, String... labels) {
    try {
      String text =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(managementOrigin + "/q/metrics"))
                      // A response that never comes must not stall the caller for ever (seen once
                      // in bench-scale: a router's answer lost, the bench waiting on it).
                      .timeout(java.time.Duration.ofSeconds(10))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      double sum = 0;
      for (String line : text.split("\n")) {
        if ((line.startsWith(name + "{") || line.startsWith(name + " "))
            && java.util.Arrays.stream(labels).allMatch(line::contains)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static PrometheusScrape parse(String text) {
    var scrape = new PrometheusScrape();
    String family = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        family = parts[2];
        scrape.types.put(family, parts[3]);
        scrape.familyLabels.putIfAbsent(family, new TreeSet<>());
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        boolean labelled = brace >= 0 && brace < space;
        String series = line.substring(0, labelled ? brace : space);
        var labels = labelled ? labelNames(line, brace + 1) : Set.<String>of();
        scrape.seriesLabels.computeIfAbsent(series, k -> new TreeSet<>()).addAll(labels);
        if (family != null) {
          scrape.familyLabels.get(family).addAll(labels);
        }
      }
    }
    return scrape;
  }

  /** Label names from {@code a="x",b="y\"z"}: values are skipped with their escapes. */
  private static Set<String> labelNames(String line, int start) {
    var names = new TreeSet<String>();
    int i = start;
    while (i < line.length() && line.charAt(i) != '}') {
      int equals = line.indexOf('=', i);
      names.add(line.substring(i, equals).trim());
      i = equals + 2;
      while (line.charAt(i) != '"') {
        i += line.charAt(i) == '\\' ? 2 : 1;
      }
      i++;
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    return names;
  }
}
