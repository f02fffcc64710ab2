package io.beastmode.router.upstream;

import io.beastmode.router.PerEventLoop;
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

/**
 * One HTTP call to an OpenAI-compatible upstream (a model backend or a peer region's router). Keeps
 * pooled keep-alive connections, a pool per event loop (see {@link PerEventLoop}); never blocks.
 */
public final class UpstreamClient {
  private final PerEventLoop<HttpClient> http;

  public UpstreamClient(Vertx vertx, int maxConnectionsPerHost) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setConnectTimeout(2000)
            .setDecompressionSupported(false);
    PoolOptions pool =
        new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1);
    this.http = new PerEventLoop<>(() -> vertx.createHttpClient(options, pool));
  }

  /**
   * Sends one request. The future completes at the upstream's headers for a streamed 2xx (the
   * response paused), after the whole body otherwise; 429, 5xx, connection failures and timeouts
   * fail it with an {@link UpstreamFailure}. {@code call} receives the request so it can be reset.
   */
  public Future<UpstreamReply> send(
      String url,
      MultiMap headers,
      Buffer body,
      boolean stream,
      long timeoutMillis,
      UpstreamCall call) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .setHeaders(headers)
            .setIdleTimeout(timeoutMillis);
    return http.get()
        .request(options)
        .compose(
            request -> {
              call.started(request);
              return request.send(body);
            })
        .recover(
            error ->
                Future.failedFuture(error instanceof UpstreamFailure ? error : classify(error)))
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
        .compose(
            body ->
                status == 429 || status >= 500
                    ? Future.failedFuture(UpstreamFailure.ofStatus(status, body))
                    : Future.succeededFuture(
                        new UpstreamReply(status, response.headers(), body, null)));
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
    http.forEach(HttpClient::close);
  }

  /**
   * The request of one attempt, kept so the attempt can be abandoned when a timeout fires first.
   */
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
