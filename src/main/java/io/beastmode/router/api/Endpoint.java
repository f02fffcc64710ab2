package io.beastmode.router.api;

/**
 * The request formats a router serves, each with the path below an API base ({@code .../v1}) that
 * it is forwarded to when the upstream serves it as it is.
 */
public enum Endpoint {
  chat("/chat/completions"),
  completions("/completions"),
  responses("/responses"),
  messages("/messages"),
  embeddings("/embeddings");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  /** Path below the base URL ({@code .../v1}). */
  public String path() {
    return path;
  }
}
