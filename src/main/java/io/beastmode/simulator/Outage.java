package io.beastmode.simulator;

/** How a simulated backend fails as a whole, for one model or for every model. */
public enum Outage {
  /** Answers normally. */
  none,
  /** Answers every request at once with 503 and an OpenAI error body. */
  error,
  /** Never answers; the client has to time out. */
  hang,
  /** Closes the connection (HTTP/2: resets the stream) without answering. */
  reset
}
