package io.beastmode.bench.semantic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompts edited to ask something else, made from the data's own questions: a negation added, a
 * number changed, a named entity swapped for another of its kind, a word swapped for its opposite.
 * The word lists here are the evaluation's own, not the guards' (some pairs are missing from the
 * guards on purpose: "easy/difficult", "safe/risky"), so the slice measures the guards rather than
 * repeating them.
 */
final class EditedPrompts {
  /** An edited prompt (a text id) and the cached question it was made from. */
  record Edit(int text, int original, String kind) {}

  static final int PER_KIND = 500;

  private static final Pattern AUXILIARY =
      Pattern.compile(
          "^(Is|Are|Can|Do|Does|Should|Will|Would|Could|Was|Were|Did|Has|Have)\\s+(\\S+)\\s");
  private static final Pattern INNER_AUXILIARY =
      Pattern.compile("\\b(should|can|do|does|will|would|could|is|are)\\s+(I|you|we|they|it)\\s");
  private static final Pattern NUMERAL = Pattern.compile("\\b\\d+\\b");

  private static final List<List<String>> ENTITY_KINDS =
      List.of(
          List.of(
              "India",
              "China",
              "Pakistan",
              "Canada",
              "Germany",
              "Japan",
              "Australia",
              "France",
              "Russia",
              "Brazil",
              "Italy",
              "Spain",
              "Mexico",
              "Nigeria",
              "Indonesia"),
          List.of("Python", "Java", "JavaScript", "Ruby", "PHP", "Swift", "Kotlin", "Perl"),
          List.of("Google", "Apple", "Microsoft", "Amazon", "Facebook", "Netflix", "Uber", "IBM"),
          List.of("Delhi", "Mumbai", "Bangalore", "London", "Paris", "Chicago", "Tokyo", "Dubai"),
          List.of("Trump", "Obama", "Modi", "Hillary", "Putin", "Gandhi", "Lincoln"),
          List.of("iPhone", "Android", "Windows", "Linux", "Mac", "Ubuntu"),
          List.of("Harvard", "Stanford", "MIT", "Oxford", "Cambridge", "Yale"));

  private static final String[][] OPPOSITES = {
    {"best", "worst"},
    {"increase", "decrease"},
    {"buy", "sell"},
    {"before", "after"},
    {"advantages", "disadvantages"},
    {"cheap", "expensive"},
    {"easy", "difficult"},
    {"rich", "poor"},
    {"good", "bad"},
    {"more", "less"},
    {"start", "stop"},
    {"men", "women"},
    {"male", "female"},
    {"love", "hate"},
    {"first", "last"},
    {"high", "low"},
    {"fast", "slow"},
    {"win", "lose"},
    {"positive", "negative"},
    {"legal", "illegal"},
    {"happy", "sad"},
    {"strong", "weak"},
    {"safe", "risky"},
    {"online", "offline"},
    {"true", "false"},
    {"biggest", "smallest"},
    {"hardest", "easiest"},
    {"gain", "lose"},
    {"pros", "cons"}
  };

  private EditedPrompts() {}

  /**
   * Up to {@value #PER_KIND} edits of each kind, made from {@code originals} (texts in the data);
   * the edited texts are appended to {@code texts}.
   */
  static List<Edit> make(List<String> texts, List<Integer> originals, long seed) {
    Map<String, UnaryOperator<String>> editors = new LinkedHashMap<>();
    editors.put("negation", EditedPrompts::negate);
    editors.put("number", EditedPrompts::changeNumber);
    editors.put("entity", EditedPrompts::swapEntity);
    editors.put("antonym", EditedPrompts::swapOpposite);
    List<Integer> shuffled = new ArrayList<>(originals);
    Collections.shuffle(shuffled, new Random(seed));
    Map<String, Integer> known = new java.util.HashMap<>();
    for (int i = 0; i < texts.size(); i++) {
      known.put(texts.get(i), i);
    }
    List<Edit> edits = new ArrayList<>();
    for (var editor : editors.entrySet()) {
      int made = 0;
      for (int original : shuffled) {
        if (made == PER_KIND) {
          break;
        }
        String edited = editor.getValue().apply(texts.get(original));
        if (edited == null || known.containsKey(edited)) {
          continue;
        }
        known.put(edited, texts.size());
        texts.add(edited);
        edits.add(new Edit(texts.size() - 1, original, editor.getKey()));
        made++;
      }
    }
    return edits;
  }

  static String negate(String question) {
    Matcher m = AUXILIARY.matcher(question);
    if (m.find() && !question.contains(" not ")) {
      return question.substring(0, m.end(2)) + " not" + question.substring(m.end(2));
    }
    m = INNER_AUXILIARY.matcher(question);
    if (m.find() && !question.contains(" not ")) {
      return question.substring(0, m.end(2)) + " not" + question.substring(m.end(2));
    }
    return null;
  }

  static String changeNumber(String question) {
    Matcher m = NUMERAL.matcher(question);
    if (!m.find() || m.group().length() > 6) {
      return null;
    }
    long n = Long.parseLong(m.group());
    long other = n < 10 ? n + 3 : n * 2;
    return question.substring(0, m.start()) + other + question.substring(m.end());
  }

  static String swapEntity(String question) {
    for (List<String> kind : ENTITY_KINDS) {
      for (int i = 0; i < kind.size(); i++) {
        Matcher m = Pattern.compile("\\b" + Pattern.quote(kind.get(i)) + "\\b").matcher(question);
        if (m.find()) {
          String other = kind.get((i + 1 + question.length() % (kind.size() - 1)) % kind.size());
          if (question.contains(other)) {
            return null;
          }
          return question.substring(0, m.start()) + other + question.substring(m.end());
        }
      }
    }
    return null;
  }

  static String swapOpposite(String question) {
    for (String[] pair : OPPOSITES) {
      for (int side = 0; side < 2; side++) {
        Matcher m =
            Pattern.compile("\\b" + pair[side] + "\\b", Pattern.CASE_INSENSITIVE).matcher(question);
        if (m.find() && !question.toLowerCase().contains(pair[1 - side])) {
          String replacement = pair[1 - side];
          if (Character.isUpperCase(m.group().charAt(0))) {
            replacement = Character.toUpperCase(replacement.charAt(0)) + replacement.substring(1);
          }
          return question.substring(0, m.start()) + replacement + question.substring(m.end());
        }
      }
    }
    return null;
  }
}
