package io.beastmode.router.upstream;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One HTTP call to an OpenAI-compatible upstream (a model backend or a peer region's router). Keeps
 * pooled keep-alive connections; never blocks. Each event loop has its own pool: a connection opened
 * on another loop would hand every response across threads (measured by make bench-router).
 */
public final class UpstreamClient {
  private final Vertx vertx;
  private final HttpClientOptions clientOptions =
      new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(2000).setDecompressionSupported(false);
  private final PoolOptions pool;
  private final Map<Thread, HttpClient> byEventLoop = new ConcurrentHashMap<>();
  private final HttpClient shared;

  public UpstreamClient(Vertx vertx, int maxConnectionsPerHost) {
    this.vertx = vertx;
    this.pool = new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1);
    this.shared = vertx.createHttpClient(clientOptions, pool);
  }

  private HttpClient http() {
    if (!Context.isOnEventLoopThread()) {
      return shared;
    }
    return byEventLoop.computeIfAbsent(Thread.currentThread(), loop -> vertx.createHttpClient(clientOptions, pool));
  }

  /**
   * Sends one request. The future completes at the upstream's headers for a streamed 2xx (the
   * response paused), after the whole body otherwise; 429, 5xx, connection failures and timeouts
   * fail it with an {@link UpstreamFailure}. {@code call} receives the request so it can be reset.
   */
  public Future<UpstreamReply> send(
      String url, MultiMap headers, Buffer body, boolean stream, long timeoutMillis, UpstreamCall call) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .setHeaders(headers)
            .setIdleTimeout(timeoutMillis);
    return http().request(options)
        .compose(request -> {
          call.started(request);
          return request.send(body);
        })
        .recover(error -> Future.failedFuture(
            error instanceof UpstreamFailure ? error : classify(error)))
        .compose(response -> reply(response, stream));
  }

  private static Future<UpstreamReply> reply(HttpClientResponse response, boolean stream) {
    int status = response.statusCode();
    if (status / 100 == 2 && stream) {
      response.pause();
      return Future.succeededFuture(new UpstreamReply(status, response.headers(), null, response));
    }
    return response
        .body()
        .recover(error -> Future.failedFuture(classify(error)))
        .compose(body -> status == 429 || status >= 500
            ? Future.failedFuture(UpstreamFailure.ofStatus(status, body))
            : Future.succeededFuture(new UpstreamReply(status, response.headers(), body, null)));
  }

  private static UpstreamFailure classify(Throwable error) {
    if (error instanceof java.util.concurrent.TimeoutException
        || error instanceof io.netty.handler.timeout.TimeoutException
        || String.valueOf(error.getMessage()).contains("timeout")) {
      return UpstreamFailure.timeout("upstream timed out: " + error.getMessage());
    }
    return UpstreamFailure.connection(error);
  }

  public void close() {
    shared.close();
    byEventLoop.values().forEach(HttpClient::close);
  }

  /** The request of one attempt, kept so the attempt can be abandoned when a timeout fires first. */
  public static final class UpstreamCall {
    private volatile HttpClientRequest request;
    private volatile boolean done;

    void started(HttpClientRequest request) {
      this.request = request;
      if (done) {
        request.reset();
      }
    }

    /** Abandons the call if it is still running: frees its connection. */
    public void cancel() {
      done = true;
      HttpClientRequest current = request;
      if (current != null) {
        current.reset();
      }
    }
  }
}
