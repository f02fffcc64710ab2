package io.beastmode.router.cache.semantic;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The semantic cache of one router in its region's Redis, shared by the region's routers. Entries
 * live in one hash per partition, loaded by a router when the partition is first asked for; every
 * change (an entry added or removed, a label learned) also goes on one stream that every router
 * follows, so a router's index and learned state follow the others' within a poll. Every command
 * names one key, so the store works with Redis Cluster too.
 */
public final class SemanticStore {
  /** Changes kept on the stream: labels older than this are forgotten after a restart. */
  static final int MAX_EVENTS = 200_000;

  private static final String TYPE = "t";
  private static final String ADD = "a";
  private static final String LABEL = "l";
  private static final String REMOVE = "r";

  /** A change read from the stream. */
  public sealed interface Event {
    /** The stream id, to read on after. */
    String streamId();
  }

  public record Added(String streamId, SemanticEntry entry) implements Event {}

  public record Removed(String streamId, String partition, long entryId) implements Event {}

  /** What a request showed: the entry's answer was right (or wrong) at this similarity. */
  public record Labelled(String streamId, long entryId, float similarity, boolean correct)
      implements Event {}

  /** The entry that answered a request, and how similar its prompt was. */
  public record Served(long entryId, float similarity) {}

  private final Redis redis;
  private final Function<Request, Future<Response>> commands;
  private final String prefix;

  /**
   * @param redis the pooled client, for what is read now and then (a partition, the stream)
   * @param commands sends one command of a request's path (an entry added, a label), on a
   *     connection of the caller's event loop
   */
  public SemanticStore(Redis redis, Function<Request, Future<Response>> commands, String router) {
    this.redis = redis;
    this.commands = commands;
    this.prefix = "beastmode:semantic:" + router + ":";
  }

  /**
   * The region's counter, raised to the caller's floor first: after a failover to a replica that
   * had not yet seen the last increments, or a Redis that lost its data, the counter would hand out
   * ids the routers still hold, and a label or removal meant for one entry would reach another.
   */
  private static final String NEXT_ID =
      "local id = redis.call('INCR', KEYS[1])\n"
          + "local floor = tonumber(ARGV[1])\n"
          + "if id < floor then\n"
          + "  id = floor\n"
          + "  redis.call('SET', KEYS[1], id)\n"
          + "end\n"
          + "return id";

  /**
   * A new entry id, unique across the region's routers.
   *
   * @param atLeast above every id the caller has issued or seen
   */
  public Future<Long> nextId(long atLeast) {
    return commands
        .apply(Request.cmd(Command.EVAL).arg(NEXT_ID).arg(1).arg(prefix + "seq").arg(atLeast))
        .map(Response::toLong);
  }

  /** Keeps the entry in its partition until its answer expires, and tells the other routers. */
  public Future<Void> add(SemanticEntry entry, int ttlSeconds) {
    Buffer bytes = entry.encode();
    String partition = partitionKey(entry.partition());
    // Pipelined on one connection, in this order: once the change is on the stream, the entry is
    // in its partition for a router that loads it.
    Future<Response> stored =
        commands.apply(Request.cmd(Command.HSET).arg(partition).arg(entry.id()).arg(bytes));
    // The hash lives as long as its newest entry; older ones are skipped when read.
    commands.apply(Request.cmd(Command.EXPIRE).arg(partition).arg(ttlSeconds));
    Future<Response> told = commands.apply(event().arg(TYPE).arg(ADD).arg("e").arg(bytes));
    return Future.all(stored, told).mapEmpty();
  }

  public Future<Void> remove(String partition, long entryId) {
    Future<Response> removed =
        commands.apply(Request.cmd(Command.HDEL).arg(partitionKey(partition)).arg(entryId));
    Future<Response> told =
        commands.apply(
            event().arg(TYPE).arg(REMOVE).arg("p").arg(partition).arg("id").arg(entryId));
    return Future.all(removed, told).mapEmpty();
  }

  public Future<Void> label(long entryId, float similarity, boolean correct) {
    return commands
        .apply(
            event()
                .arg(TYPE)
                .arg(LABEL)
                .arg("id")
                .arg(entryId)
                .arg("s")
                .arg(Float.toString(similarity))
                .arg("c")
                .arg(correct ? 1 : 0))
        .mapEmpty();
  }

  /** Every entry of the partition, in the order they were added. */
  public Future<List<SemanticEntry>> load(String partition) {
    return redis
        .send(Request.cmd(Command.HGETALL).arg(partitionKey(partition)))
        .map(
            response -> {
              List<SemanticEntry> entries = new ArrayList<>();
              if (response != null) {
                for (String field : response.getKeys()) {
                  SemanticEntry entry = SemanticEntry.decode(response.get(field).toBuffer());
                  if (entry != null) {
                    entries.add(entry);
                  }
                }
              }
              entries.sort((a, b) -> Long.compare(a.id(), b.id()));
              return entries;
            });
  }

  /** Up to {@code count} changes after {@code afterId} ("0-0" for all). */
  public Future<List<Event>> read(String afterId, int count) {
    return redis
        .send(
            Request.cmd(Command.XRANGE)
                .arg(prefix + "events")
                .arg("(" + afterId)
                .arg("+")
                .arg("COUNT")
                .arg(count))
        .map(
            response -> {
              List<Event> events = new ArrayList<>();
              for (Response item : response) {
                Event event = eventOf(item.get(0).toString(), item.get(1));
                if (event != null) {
                  events.add(event);
                }
              }
              return events;
            });
  }

  /** Remembers which entry answered a request, for feedback on it within {@code ttlSeconds}. */
  public Future<Void> served(String requestId, long entryId, float similarity, int ttlSeconds) {
    return commands
        .apply(
            Request.cmd(Command.SET)
                .arg(prefix + "served:" + requestId)
                .arg(entryId + " " + similarity)
                .arg("EX")
                .arg(ttlSeconds))
        .mapEmpty();
  }

  /**
   * The entry and similarity that answered a request, or null when none did (or it was long ago).
   */
  public Future<Served> servedBy(String requestId) {
    return commands
        .apply(Request.cmd(Command.GET).arg(prefix + "served:" + requestId))
        .map(
            response -> {
              if (response == null) {
                return null;
              }
              String[] parts = response.toString().split(" ");
              return new Served(Long.parseLong(parts[0]), Float.parseFloat(parts[1]));
            });
  }

  private Request event() {
    return Request.cmd(Command.XADD)
        .arg(prefix + "events")
        .arg("MAXLEN")
        .arg("~")
        .arg(MAX_EVENTS)
        .arg("*");
  }

  private String partitionKey(String partition) {
    return prefix + "p:" + partition;
  }

  private static Event eventOf(String streamId, Response fields) {
    Map<String, Response> byName = new HashMap<>();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      byName.put(fields.get(i).toString(), fields.get(i + 1));
    }
    Response type = byName.get(TYPE);
    if (type == null) {
      return null;
    }
    try {
      return switch (type.toString()) {
        case ADD -> {
          SemanticEntry entry = SemanticEntry.decode(byName.get("e").toBuffer());
          yield entry == null ? null : new Added(streamId, entry);
        }
        case REMOVE -> new Removed(streamId, byName.get("p").toString(), byName.get("id").toLong());
        case LABEL ->
            new Labelled(
                streamId,
                byName.get("id").toLong(),
                Float.parseFloat(byName.get("s").toString()),
                byName.get("c").toInteger() == 1);
        default -> null;
      };
    } catch (RuntimeException malformed) {
      return null;
    }
  }
}
