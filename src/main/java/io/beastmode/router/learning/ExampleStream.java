package io.beastmode.router.learning;

import io.beastmode.wire.LearnedSelectionKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A router's place in its learned-examples stream, kept so that what a Redis failover does to the
 * stream is neither counted twice nor fatal. The new master may lack the last entries this router
 * read: the operator then copies other regions' entries in again (the cursor it wrote with them
 * went too), and a copy already read is skipped by the region and entry id it came from. The new
 * master's clock may also be behind the old one's, so its next entries may get ids below the last
 * one read: when the stream ends before this router's place, reading goes on from the stream's end.
 * Used by one reader at a time.
 */
public final class ExampleStream {
  /** One entry of the stream: its id and its fields by name. */
  public record Entry(String id, Map<String, Response> fields) {}

  /**
   * What one read found.
   *
   * @param entries the new ones, copies read before left out
   * @param full the page was full: more may be waiting
   */
  public record Page(List<Entry> entries, boolean full) {}

  /**
   * The ids of the entries read last that are kept, to find where a new master's stream goes on.
   */
  static final int IDS_KEPT = 1024;

  private final Redis redis;
  private final String stream;
  private final int pageSize;
  private String lastId = "0-0";

  /** The copies read, by origin and id there, as many as the stream keeps. */
  private final LinkedHashSet<String> copiesRead = new LinkedHashSet<>();

  private final LinkedHashSet<String> idsRead = new LinkedHashSet<>();

  public ExampleStream(Redis redis, String stream, int pageSize) {
    this.redis = redis;
    this.stream = stream;
    this.pageSize = pageSize;
  }

  /** The entries after this router's place, which moves past them. */
  public Future<Page> next() {
    return redis
        .send(
            Request.cmd(Command.XRANGE)
                .arg(stream)
                .arg("(" + lastId)
                .arg("+")
                .arg("COUNT")
                .arg(pageSize))
        .compose(
            entries ->
                entries == null || entries.size() == 0
                    ? checkTheEnd()
                    : Future.succeededFuture(
                        new Page(newEntries(entries), entries.size() == pageSize)));
  }

  /** The id of the last entry read. */
  public String position() {
    return lastId;
  }

  private List<Entry> newEntries(Response entries) {
    List<Entry> read = new ArrayList<>();
    for (Response entry : entries) {
      lastId = entry.get(0).toString();
      idsRead.add(lastId);
      if (idsRead.size() > IDS_KEPT) {
        idsRead.remove(idsRead.iterator().next());
      }
      Map<String, Response> fields = fieldsOf(entry.get(1));
      Response origin = fields.get(LearnedSelectionKeys.ORIGIN);
      Response originId = fields.get(LearnedSelectionKeys.ORIGIN_ID);
      if (origin != null && originId != null && !firstRead(origin + " " + originId)) {
        continue;
      }
      read.add(new Entry(lastId, fields));
    }
    return read;
  }

  private boolean firstRead(String copy) {
    if (!copiesRead.add(copy)) {
      return false;
    }
    if (copiesRead.size() > LearnedSelectionKeys.MAX_EXAMPLES) {
      copiesRead.remove(copiesRead.iterator().next());
    }
    return true;
  }

  /**
   * Nothing after this router's place: when the stream ends before it, go on after the newest of
   * its last entries this router has read, or from its start when it has read none of them.
   */
  private Future<Page> checkTheEnd() {
    return redis
        .send(
            Request.cmd(Command.XREVRANGE).arg(stream).arg("+").arg("-").arg("COUNT").arg(IDS_KEPT))
        .map(
            newestFirst -> {
              String end =
                  newestFirst == null || newestFirst.size() == 0
                      ? "0-0"
                      : newestFirst.get(0).get(0).toString();
              if (LearnedSelectionKeys.compareIds(end, lastId) >= 0) {
                return new Page(List.of(), false);
              }
              lastId = "0-0";
              for (Response entry : newestFirst) {
                String id = entry.get(0).toString();
                if (idsRead.contains(id)) {
                  lastId = id;
                  break;
                }
              }
              return new Page(List.of(), true);
            });
  }

  /** A reply's fields by name, whether Redis answered with a map (RESP3) or a flat list. */
  static Map<String, Response> fieldsOf(Response fields) {
    Map<String, Response> map = new HashMap<>();
    if (fields == null) {
      return map;
    }
    if (!fields.getKeys().isEmpty()) {
      for (String name : fields.getKeys()) {
        map.put(name, fields.get(name));
      }
      return map;
    }
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      map.put(fields.get(i).toString(), fields.get(i + 1));
    }
    return map;
  }
}
