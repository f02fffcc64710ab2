package io.beastmode.router.cache.semantic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What sentence embeddings are blind to: two prompts a few characters apart that ask opposite
 * things ("turn on dark mode" and "turn off dark mode" score above 0.9). A candidate that differs
 * from the asked prompt by a negation, a number, a named entity swapped for another or a word
 * swapped for its antonym is refused whatever its similarity. Pure and thread-safe.
 */
public final class PromptGuards {
  public static final String NEGATION = "negation";
  public static final String NUMBER = "number";
  public static final String ENTITY = "entity";
  public static final String ANTONYM = "antonym";

  private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:['’.,][\\p{L}\\p{N}]+)*");
  // digits anywhere, also inside words: "802.11s", "'70s", "5'2"
  private static final Pattern NUMERAL = Pattern.compile("\\d+(?:[.,]\\d+)*");
  private static final List<String> NEGATING_PREFIXES =
      List.of("un", "in", "im", "il", "ir", "dis", "non");

  private static final Set<String> NEGATIONS =
      Set.of(
          "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot",
          "nowhere", "n't");

  private static final Map<String, String> NUMBER_WORDS = numberWords();

  /** Pairs a paraphrase never swaps; a word and its opposite in either prompt is a conflict. */
  private static final Map<String, Set<String>> OPPOSITES =
      opposites(
          "on off",
          "up down",
          "in out",
          "increase decrease",
          "increasing decreasing",
          "best worst",
          "better worse",
          "buy sell",
          "buying selling",
          "open close",
          "before after",
          "more less",
          "most least",
          "max min",
          "maximum minimum",
          "enable disable",
          "enabled disabled",
          "true false",
          "start stop",
          "add remove",
          "cheap expensive",
          "cheapest costliest",
          "hot cold",
          "high low",
          "higher lower",
          "highest lowest",
          "fast slow",
          "faster slower",
          "good bad",
          "long short",
          "longer shorter",
          "old new",
          "older newer",
          "oldest newest",
          "young old",
          "first last",
          "win lose",
          "winning losing",
          "love hate",
          "pros cons",
          "advantages disadvantages",
          "male female",
          "men women",
          "man woman",
          "boy girl",
          "boys girls",
          "positive negative",
          "rich poor",
          "easy hard",
          "easiest hardest",
          "big small",
          "bigger smaller",
          "large small",
          "light dark",
          "import export",
          "input output",
          "inside outside",
          "early late",
          "above below",
          "accept reject",
          "allow deny",
          "allowed forbidden",
          "ascending descending",
          "north south",
          "east west",
          "left right",
          "top bottom",
          "private public",
          "legal illegal",
          "possible impossible",
          "happy sad",
          "success failure",
          "strong weak",
          "stronger weaker",
          "safe dangerous",
          "safe unsafe",
          "healthy unhealthy",
          "gain lose",
          "gain loss",
          "profit loss",
          "maximize minimize",
          "encrypt decrypt",
          "upload download",
          "install uninstall",
          "connect disconnect",
          "lock unlock",
          "show hide",
          "push pull",
          "send receive",
          "sender receiver",
          "client server",
          "always never",
          "all none",
          "everyone nobody",
          "include exclude",
          "inner outer",
          "upper lower",
          "wet dry",
          "heavy light",
          "thick thin",
          "wide narrow",
          "deep shallow",
          "past future",
          "yesterday tomorrow",
          "morning evening",
          "day night",
          "summer winter",
          "friend enemy",
          "import export",
          "min max",
          "asc desc",
          "uppercase lowercase",
          "horizontal vertical",
          "introvert extrovert",
          "like dislike",
          "agree disagree",
          "arrive leave",
          "entry exit",
          "employer employee",
          "teacher student",
          "parent child",
          "husband wife",
          "father mother",
          "son daughter",
          "brother sister",
          "democrat republican",
          "liberal conservative",
          "capitalism socialism",
          "pro anti",
          "online offline",
          "safe risky",
          "easy difficult",
          "simple difficult",
          "simple complex",
          "biggest smallest",
          "largest smallest",
          "greatest least",
          "big little",
          "more fewer",
          "increase reduce",
          "rise fall",
          "remember forget",
          "pass fail",
          "succeed fail",
          "internal external",
          "inbound outbound",
          "good evil",
          "like hate",
          "best poorest");

  private static final Set<String> STOPWORDS =
      words(
          "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does",
          "did", "doing", "done", "have", "has", "had", "i", "me", "my", "mine", "we", "us", "our",
          "you", "your", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their",
          "this", "that", "these", "those", "what", "which", "who", "whom", "whose", "when",
          "where", "why", "how", "to", "of", "for", "with", "at", "by", "from", "as", "into",
          "about", "and", "or", "but", "if", "so", "than", "then", "there", "here", "can", "could",
          "should", "would", "will", "shall", "may", "might", "must", "some", "any", "one", "ones",
          "way", "ways", "get", "go", "make", "should", "also", "just", "very", "really", "much",
          "many", "other", "such", "own", "same", "own", "s", "vs", "versus");

  private PromptGuards() {}

  /**
   * Null when the two prompts may share an answer as far as these checks can tell, else why not:
   * {@link #NEGATION}, {@link #NUMBER}, {@link #ENTITY} or {@link #ANTONYM}.
   */
  public static String conflict(String cachedPrompt, String askedPrompt) {
    Words cached = Words.of(cachedPrompt);
    Words asked = Words.of(askedPrompt);
    if (cached.negations != asked.negations) {
      return NEGATION;
    }
    if (!cached.numbers.equals(asked.numbers)) {
      return NUMBER;
    }
    if (antonymSwapped(cached, asked) || antonymSwapped(asked, cached)) {
      return ANTONYM;
    }
    if (entitySwapped(cached, asked) || entitySwapped(asked, cached)) {
      return ENTITY;
    }
    return null;
  }

  /**
   * The content words (no stop words, plurals folded) one prompt has and the other lacks, both
   * ways: the lexical part of how far apart two prompts are.
   */
  public static Set<String> contentDifference(String oneText, String otherText) {
    Words one = Words.of(oneText);
    Words other = Words.of(otherText);
    Set<String> difference = new TreeSet<>();
    for (String word : one.content) {
      if (!other.stems.containsKey(word)) {
        difference.add(word);
      }
    }
    for (String word : other.content) {
      if (!one.stems.containsKey(word)) {
        difference.add(word);
      }
    }
    return difference;
  }

  /**
   * {@code a} uses a word more often than {@code b} and {@code b} uses its opposite more often than
   * {@code a}: counted, so "start ... if I start" against "stop ... if I start" shows.
   */
  private static boolean antonymSwapped(Words a, Words b) {
    for (var entry : a.stems.entrySet()) {
      String word = entry.getKey();
      if (entry.getValue() <= b.count(word)) {
        continue;
      }
      for (String opposite : opposites(word)) {
        if (b.count(opposite) > a.count(opposite)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The listed opposites, and the word with or without a negating prefix (likely, unlikely). */
  private static Set<String> opposites(String word) {
    Set<String> found = new HashSet<>(OPPOSITES.getOrDefault(word, Set.of()));
    for (String prefix : NEGATING_PREFIXES) {
      if (word.length() > 3) {
        found.add(prefix + word);
      }
      if (word.startsWith(prefix) && word.length() - prefix.length() > 3) {
        found.add(word.substring(prefix.length()));
      }
    }
    return found;
  }

  /**
   * {@code a} names something more often than {@code b} does, and {@code b} says something else
   * instead (a content word more often than {@code a}).
   */
  private static boolean entitySwapped(Words a, Words b) {
    boolean named = false;
    for (var entity : a.entities.entrySet()) {
      if (entity.getValue() > b.count(entity.getKey())) {
        named = true;
        break;
      }
    }
    if (!named) {
      return false;
    }
    for (String word : b.content) {
      if (b.count(word) > a.count(word)) {
        return true;
      }
    }
    return false;
  }

  /** A prompt's words as the checks see them: stems and entities with how often they occur. */
  private record Words(
      int negations,
      List<String> numbers,
      Map<String, Integer> stems,
      Set<String> content,
      Map<String, Integer> entities) {

    int count(String stem) {
      return stems.getOrDefault(stem, 0);
    }

    static Words of(String text) {
      String flat = text.replace('’', '\'');
      List<String> numbers = new ArrayList<>();
      Matcher digits = NUMERAL.matcher(flat);
      while (digits.find()) {
        numbers.add(normaliseNumeral(digits.group()));
      }
      Matcher m = TOKEN.matcher(flat);
      int negations = 0;
      Map<String, Integer> stems = new HashMap<>();
      Set<String> content = new HashSet<>();
      Map<String, Integer> entities = new HashMap<>();
      boolean sentenceStart = true;
      int lastEnd = 0;
      while (m.find()) {
        String between = flat.substring(lastEnd, m.start());
        if (between.indexOf('.') >= 0 || between.indexOf('?') >= 0 || between.indexOf('!') >= 0) {
          sentenceStart = true;
        }
        lastEnd = m.end();
        String raw = m.group();
        String word = raw.toLowerCase(Locale.ROOT);
        if (word.endsWith("n't") || word.endsWith("n'") || NEGATIONS.contains(word)) {
          negations++;
        }
        if (NUMBER_WORDS.containsKey(word)) {
          numbers.add(NUMBER_WORDS.get(word));
        }
        String stem = stem(word);
        stems.merge(stem, 1, Integer::sum);
        if (!STOPWORDS.contains(word) && !NEGATIONS.contains(word)) {
          content.add(stem);
        }
        if (looksNamed(raw, sentenceStart) && !STOPWORDS.contains(word)) {
          entities.merge(stem, 1, Integer::sum);
        }
        sentenceStart = false;
      }
      numbers.sort(null);
      return new Words(negations, numbers, stems, content, entities);
    }

    private static boolean looksNamed(String raw, boolean sentenceStart) {
      if (raw.length() < 2) {
        return false;
      }
      boolean upperInside = false;
      boolean letters = false;
      for (int i = 1; i < raw.length(); i++) {
        char c = raw.charAt(i);
        upperInside |= Character.isUpperCase(c);
        letters |= Character.isLetter(c);
      }
      if (upperInside && letters) {
        return true; // iPhone, McDonald, AWS
      }
      return !sentenceStart && Character.isUpperCase(raw.charAt(0));
    }
  }

  /** Plurals and possessives folded, so "cars" and "car's" match "car". */
  static String stem(String word) {
    String w = word;
    if (w.endsWith("'s")) {
      w = w.substring(0, w.length() - 2);
    }
    if (w.length() > 4 && w.endsWith("ies")) {
      return w.substring(0, w.length() - 3) + "y";
    }
    if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) {
      return w.substring(0, w.length() - 1);
    }
    return w;
  }

  private static String normaliseNumeral(String numeral) {
    String plain = numeral.replace(",", "");
    if (plain.contains(".")) {
      plain = plain.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return plain.replaceFirst("^0+(?=\\d)", "");
  }

  private static Map<String, String> numberWords() {
    String[] small = {
      "zero",
      null,
      "two",
      "three",
      "four",
      "five",
      "six",
      "seven",
      "eight",
      "nine",
      "ten",
      "eleven",
      "twelve",
      "thirteen",
      "fourteen",
      "fifteen",
      "sixteen",
      "seventeen",
      "eighteen",
      "nineteen",
      "twenty"
    };
    Map<String, String> words = new HashMap<>();
    for (int i = 0; i < small.length; i++) {
      if (small[i] != null) { // "one" is a pronoun as often as a number
        words.put(small[i], Integer.toString(i));
      }
    }
    String[] tens = {"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    for (int i = 0; i < tens.length; i++) {
      words.put(tens[i], Integer.toString(30 + 10 * i));
    }
    words.put("hundred", "100");
    words.put("thousand", "1000");
    words.put("million", "1000000");
    words.put("billion", "1000000000");
    return Map.copyOf(words);
  }

  private static Map<String, Set<String>> opposites(String... pairs) {
    Map<String, Set<String>> map = new HashMap<>();
    for (String pair : pairs) {
      String[] two = pair.split(" ");
      map.computeIfAbsent(stem(two[0]), w -> new HashSet<>()).add(stem(two[1]));
      map.computeIfAbsent(stem(two[1]), w -> new HashSet<>()).add(stem(two[0]));
    }
    return Map.copyOf(map);
  }

  private static Set<String> words(String... words) {
    return Set.copyOf(java.util.Arrays.asList(words));
  }
}
