package io.beastmode.router.cache.semantic;

import java.text.Normalizer;
import java.util.Locale;
import java.util.function.ToDoubleBiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a fresh model answer agrees with the cached one, which turns an exploration into a label.
 * Short answers (a number, a name, yes or no) are compared exactly after normalisation: a meaning
 * score cannot tell "42" from "24". Longer answers agree when their embeddings are at least {@value
 * #SAME_MEANING} similar and they state the same numbers. Pure and thread-safe.
 */
public final class AnswerAgreement {
  /** Up to this many characters (normalised), both answers are compared exactly. */
  public static final int SHORT_CHARS = 80;

  /** Cosine similarity from which two long answers of the all-MiniLM-L6-v2 encoder agree. */
  public static final double SAME_MEANING = 0.90;

  private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");

  private AnswerAgreement() {}

  /** Agreement given a similarity function over the two answers (e.g. the prompt encoder's). */
  public static boolean agree(
      String cachedAnswer, String freshAnswer, ToDoubleBiFunction<String, String> similarity) {
    String cached = normalise(cachedAnswer);
    String fresh = normalise(freshAnswer);
    if (cached.equals(fresh)) {
      return true;
    }
    if (cached.length() <= SHORT_CHARS || fresh.length() <= SHORT_CHARS) {
      return false;
    }
    if (!numbers(cached).equals(numbers(fresh))) {
      return false;
    }
    return similarity.applyAsDouble(cachedAnswer, freshAnswer) >= SAME_MEANING;
  }

  /** Agreement given the two answers' unit embeddings. */
  public static boolean agree(
      String cachedAnswer, float[] cachedVector, String freshAnswer, float[] freshVector) {
    return agree(cachedAnswer, freshAnswer, (a, b) -> cosine(cachedVector, freshVector));
  }

  /** Case, accents, punctuation and runs of white space do not count. */
  public static String normalise(String answer) {
    String folded = Normalizer.normalize(answer, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
    return folded
        .toLowerCase(Locale.ROOT)
        .replaceAll("(?<!\\d)[\\p{P}\\p{S}]+|[\\p{P}\\p{S}]+(?!\\d)", " ")
        .replaceAll("\\s+", " ")
        .strip();
  }

  private static String numbers(String normalised) {
    StringBuilder found = new StringBuilder();
    Matcher m = NUMBER.matcher(normalised);
    while (m.find()) {
      found.append(m.group()).append(' ');
    }
    return found.toString();
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }
}
