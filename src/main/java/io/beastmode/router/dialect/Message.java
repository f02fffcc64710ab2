package io.beastmode.router.dialect;

import java.util.List;

/** One turn of the conversation. System text is not a message: it is the request's own field. */
public record Message(Role role, List<Block> content) {

  /** Who wrote a turn: tool results come back in user turns, as Anthropic has them. */
  public enum Role {
    user,
    assistant
  }

  public static Message user(Block... content) {
    return new Message(Role.user, List.of(content));
  }

  public static Message assistant(Block... content) {
    return new Message(Role.assistant, List.of(content));
  }
}
