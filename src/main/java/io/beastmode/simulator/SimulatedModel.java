package io.beastmode.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One model the simulator serves and how it behaves. Missing fields take the defaults below.
 *
 * @param name model id clients send
 * @param answer fixed answer text; null echoes the last user message (chat) or the prompt
 * @param latencyMs median time before the first byte, in milliseconds (default 0)
 * @param latencyP99Ms 99th percentile of that time (default latencyMs); when larger, the latency is
 *     drawn from a lognormal distribution with this median and p99
 * @param tokensPerSecond pace of streamed words; 0 sends them all at once (default 0)
 * @param errorRate share of requests answered with errorStatus, 0 to 1 (default 0)
 * @param errorStatus HTTP status of those answers, 400 to 599 (default 500)
 * @param outage how this model is down (default none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulatedModel(
    String name,
    String answer,
    long latencyMs,
    long latencyP99Ms,
    double tokensPerSecond,
    double errorRate,
    int errorStatus,
    Outage outage) {

  public SimulatedModel {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a simulated model needs a name");
    }
    if (latencyMs < 0) {
      throw new IllegalArgumentException(name + ": latencyMs must not be negative");
    }
    // Jackson leaves absent numbers at 0, which no valid p99 or status can be: 0 means "not set".
    if (latencyP99Ms == 0) {
      latencyP99Ms = latencyMs;
    }
    if (latencyP99Ms < latencyMs) {
      throw new IllegalArgumentException(name + ": latencyP99Ms must not be below latencyMs");
    }
    if (latencyMs == 0 && latencyP99Ms > 0) {
      throw new IllegalArgumentException(name + ": latencyP99Ms needs a latencyMs above 0");
    }
    if (tokensPerSecond < 0) {
      throw new IllegalArgumentException(name + ": tokensPerSecond must not be negative");
    }
    if (errorRate < 0 || errorRate > 1) {
      throw new IllegalArgumentException(name + ": errorRate must be between 0 and 1");
    }
    if (errorStatus == 0) {
      errorStatus = 500;
    }
    if (errorStatus < 400 || errorStatus > 599) {
      throw new IllegalArgumentException(name + ": errorStatus must be an HTTP error status");
    }
    if (outage == null) {
      outage = Outage.none;
    }
  }

  /** A healthy model that echoes after a fixed latency. */
  public static SimulatedModel echo(String name, long latencyMs) {
    return new SimulatedModel(name, null, latencyMs, latencyMs, 0, 0, 500, Outage.none);
  }
}
