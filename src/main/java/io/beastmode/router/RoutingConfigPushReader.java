package io.beastmode.router;

import io.beastmode.wire.RoutingConfigPush;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.jboss.logging.Logger;

/**
 * Reads the routing config the operator pushes into the region's Redis ({@link RoutingConfigPush}):
 * asks for the revision every period (a few bytes) and fetches the files only when it is newer than
 * the one in force. When Redis does not answer, the mounted files keep the router current, only
 * later.
 */
final class RoutingConfigPushReader {
  private static final Logger LOG = Logger.getLogger(RoutingConfigPushReader.class);

  private final Vertx vertx;
  private final Redis redis;
  private final String key;
  private final RoutingConfigWatcher watcher;
  private long timer = -1;
  private boolean reading;
  private boolean failing;

  RoutingConfigPushReader(Vertx vertx, Redis redis, String key, RoutingConfigWatcher watcher) {
    this.vertx = vertx;
    this.redis = redis;
    this.key = key;
    this.watcher = watcher;
  }

  void start(long periodMillis) {
    timer = vertx.setPeriodic(periodMillis, id -> read());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void read() {
    if (reading) {
      return;
    }
    reading = true;
    redis
        .send(Request.cmd(Command.HGET).arg(key).arg(RoutingConfigPush.REVISION))
        .compose(
            stored ->
                stored == null || stored.toLong() <= watcher.revision()
                    ? Future.<Response>succeededFuture()
                    : redis.send(
                        Request.cmd(Command.HMGET)
                            .arg(key)
                            .arg(RoutingConfigPush.REVISION)
                            .arg(RoutingConfigPush.ROUTING)
                            .arg(RoutingConfigPush.TRAFFIC)
                            .arg(RoutingConfigPush.KEYS)))
        .compose(
            fields ->
                fields == null || fields.get(1) == null
                    ? Future.succeededFuture()
                    : vertx.executeBlocking(
                        () -> {
                          watcher.offer(copyOf(fields), RoutingConfigWatcher.Source.push);
                          return null;
                        },
                        false))
        .onComplete(
            done -> {
              reading = false;
              if (done.failed() && !failing) {
                failing = true;
                LOG.warnf(
                    "reading the pushed routing config failed, the mounted files keep the router"
                        + " current meanwhile: %s",
                    done.cause().getMessage());
              } else if (done.succeeded() && failing) {
                failing = false;
                LOG.info("reading the pushed routing config works again");
              }
            });
  }

  private static RoutingConfigWatcher.ConfigCopy copyOf(Response fields) {
    return new RoutingConfigWatcher.ConfigCopy(
        fields.get(0).toLong(), text(fields.get(1)), text(fields.get(2)), text(fields.get(3)));
  }

  private static String text(Response value) {
    return value == null ? null : value.toString();
  }
}
