package io.beastmode.bench.router;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The least a Java reverse proxy can do on Vert.x: every request is passed to one upstream as it
 * came (method, path, headers, body streamed) and the answer back the same way, on as many event
 * loops as the router's HTTP server uses. The benchmark's ceiling for a Java gateway on this
 * machine; not used by the product.
 *
 * <p>Arguments: the port to listen on, then the upstream's host and port.
 */
public final class MinimalProxy extends AbstractVerticle {
  private final int port;
  private final String upstreamHost;
  private final int upstreamPort;
  private HttpClient upstream;

  MinimalProxy(int port, String upstreamHost, int upstreamPort) {
    this.port = port;
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String host = args[1];
    int upstreamPort = Integer.parseInt(args[2]);
    // Quarkus runs its HTTP server on twice as many event loops as cores; so does this.
    int loops = 2 * Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    vertx
        .deployVerticle(
            () -> new MinimalProxy(port, host, upstreamPort),
            new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("minimal proxy listening on " + port))
        .onFailure(
            error -> {
              error.printStackTrace();
              System.exit(1);
            });
  }

  @Override
  public void start(Promise<Void> started) {
    upstream =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(1000).setMaxWaitQueueSize(-1));
    vertx
        .createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(this::forward)
        .listen(port)
        .<Void>mapEmpty()
        .onComplete(started);
  }

  private void forward(HttpServerRequest in) {
    in.pause();
    RequestOptions options =
        new RequestOptions()
            .setMethod(in.method())
            .setHost(upstreamHost)
            .setPort(upstreamPort)
            .setURI(in.uri())
            .setHeaders(
                MultiMap.caseInsensitiveMultiMap()
                    .addAll(in.headers())
                    .remove(HttpHeaders.HOST)
                    .remove(HttpHeaders.CONNECTION));
    upstream
        .request(options)
        .compose(out -> out.send(in))
        .onSuccess(
            answer -> {
              in.response().setStatusCode(answer.statusCode());
              // Without a content-length, send() picks chunked encoding itself.
              in.response()
                  .headers()
                  .addAll(answer.headers())
                  .remove(HttpHeaders.CONNECTION)
                  .remove(HttpHeaders.TRANSFER_ENCODING);
              in.response().send(answer);
            })
        .onFailure(
            error -> {
              if (!in.response().headWritten()) {
                in.response().setStatusCode(502).end();
              }
            });
  }
}
