package io.beastmode.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names and label names a PromQL expression (as a Grafana panel holds it) refers to. A
 * small scanner, not a parser: strings, ranges, numbers, durations and Grafana variables are
 * skipped; an identifier followed by {@code (} is a function or aggregation; {@code by}, {@code
 * without}, {@code on}, {@code ignoring}, {@code group_left} and {@code group_right} lists are
 * grouping labels.
 */
public final class PromQl {
  /** One vector selector: its metric and the labels it matches on. */
  public record Selector(String metric, Set<String> labels) {}

  /**
   * @param selectors every vector selector @param grouping every label named in a grouping clause
   */
  public record Refs(List<Selector> selectors, Set<String> grouping) {}

  private static final Set<String> GROUPING =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");

  private PromQl() {}

  public static Refs refs(String expr) {
    var selectors = new ArrayList<Selector>();
    var grouping = new TreeSet<String>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
      } else if (c == '[') {
        i = expr.indexOf(']', i) + 1;
      } else if (c == '$') {
        i =
            i + 1 < expr.length() && expr.charAt(i + 1) == '{'
                ? expr.indexOf('}', i) + 1
                : identifierEnd(expr, i + 1);
      } else if (Character.isDigit(c)
          || c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1))) {
        i = numberEnd(expr, i);
      } else if (c == '{') {
        int end = matcherEnd(expr, i);
        selectors.add(new Selector(null, matcherLabels(expr.substring(i + 1, end - 1))));
        i = end;
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int end = identifierEnd(expr, i);
        String word = expr.substring(i, end);
        int next = skipSpaces(expr, end);
        boolean call = next < expr.length() && expr.charAt(next) == '(';
        if (call && GROUPING.contains(word)) {
          int close = expr.indexOf(')', next);
          for (String label : expr.substring(next + 1, close).split(",")) {
            if (!label.isBlank()) {
              grouping.add(label.trim());
            }
          }
          i = close + 1;
        } else if (call
            || GROUPING.contains(word)
            || KEYWORDS.contains(word)
            || aggregatesBy(expr, next)) {
          i = end;
        } else if (next < expr.length() && expr.charAt(next) == '{') {
          int close = matcherEnd(expr, next);
          selectors.add(new Selector(word, matcherLabels(expr.substring(next + 1, close - 1))));
          i = close;
        } else {
          selectors.add(new Selector(word, Set.of()));
          i = end;
        }
      } else {
        i++;
      }
    }
    return new Refs(selectors, grouping);
  }

  /** Whether every (, [ and { outside strings is closed in order. */
  public static boolean balanced(String expr) {
    var open = new StringBuilder();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
        continue;
      }
      int kind = "([{".indexOf(c);
      int close = ")]}".indexOf(c);
      if (kind >= 0) {
        open.append(c);
      } else if (close >= 0) {
        if (open.isEmpty() || open.charAt(open.length() - 1) != "([{".charAt(close)) {
          return false;
        }
        open.setLength(open.length() - 1);
      }
      i++;
    }
    return open.isEmpty();
  }

  /** {@code sum by (x) (...)}: the word before {@code by} or {@code without} is an aggregation. */
  private static boolean aggregatesBy(String expr, int next) {
    String following = expr.substring(next, identifierEnd(expr, next));
    return following.equals("by") || following.equals("without");
  }

  private static Set<String> matcherLabels(String matchers) {
    var labels = new TreeSet<String>();
    int i = 0;
    while (i < matchers.length()) {
      int op = indexOfAny(matchers, i, "=!");
      if (op < 0) {
        break;
      }
      String label = matchers.substring(i, op).trim().replaceFirst("^,", "").trim();
      if (!label.isEmpty()) {
        labels.add(label);
      }
      int quote = indexOfAny(matchers, op, "\"'`");
      i = skipString(matchers, quote);
    }
    return labels;
  }

  private static int matcherEnd(String expr, int open) {
    int i = open + 1;
    while (expr.charAt(i) != '}') {
      char c = expr.charAt(i);
      i = c == '"' || c == '\'' || c == '`' ? skipString(expr, i) : i + 1;
    }
    return i + 1;
  }

  private static int skipString(String text, int open) {
    char quote = text.charAt(open);
    int i = open + 1;
    while (i < text.length() && text.charAt(i) != quote) {
      i += text.charAt(i) == '\\' && quote != '`' ? 2 : 1;
    }
    return Math.min(i + 1, text.length() + 1);
  }

  private static int identifierEnd(String text, int i) {
    while (i < text.length()
        && (Character.isLetterOrDigit(text.charAt(i))
            || text.charAt(i) == '_'
            || text.charAt(i) == ':')) {
      i++;
    }
    return i;
  }

  /** A number, or a duration such as {@code 5m} or {@code 1h30m}. */
  private static int numberEnd(String text, int i) {
    while (i < text.length()
        && (Character.isLetterOrDigit(text.charAt(i))
            || text.charAt(i) == '.'
            || (text.charAt(i) == '+' || text.charAt(i) == '-')
                && (text.charAt(i - 1) == 'e' || text.charAt(i - 1) == 'E'))) {
      i++;
    }
    return i;
  }

  private static int skipSpaces(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int indexOfAny(String text, int from, String chars) {
    for (int i = from; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
