package io.beastmode.router.api;

/** The OpenAI endpoints a router serves, with the path a request is forwarded to. */
public enum Endpoint {
  chat("/chat/completions"),
  completions("/completions");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  /** Path below the OpenAI base URL ({@code .../v1}). */
  public String path() {
    return path;
  }
}
