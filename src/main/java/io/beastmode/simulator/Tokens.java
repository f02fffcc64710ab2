package io.beastmode.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The simulator's notion of tokens: whitespace-separated words out, four characters in. */
final class Tokens {
  // Each word keeps the whitespace before it, so the words of a text concatenate back to it.
  private static final Pattern WORD = Pattern.compile("\\s*\\S+");

  private Tokens() {}

  static List<String> words(String text) {
    var words = new ArrayList<String>();
    Matcher matcher = WORD.matcher(text.strip());
    while (matcher.find()) {
      words.add(matcher.group());
    }
    return words;
  }

  /** Prompt tokens for so many characters of message content: one per four, rounded up. */
  static int promptTokens(int characters) {
    return (characters + 3) / 4;
  }
}
