package io.beastmode.testing;

import io.beastmode.api.v1alpha1.RedisSentinel;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.operator.fleet.RedisAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A region's Redis as production runs it: a master, replicas and sentinels, each a real Debian
 * redis-server process on loopback. Every node is reached through a {@link TcpProxy} of its own and
 * announces that address, so sentinels and clients go through it (a cut there is a network
 * partition) while replication between the nodes goes through it too after a failover. Closing it
 * stops every process, also the ones a test froze.
 *
 * <p>Sentinel's detection is {@link #DOWN_AFTER} (what we recommend for a region whose sentinels
 * share its network), its failover timeout {@link #FAILOVER_TIMEOUT}.
 */
public final class RedisSentinelSet implements AutoCloseable {
  public static final String MASTER_NAME = "region";
  public static final Duration DOWN_AFTER = Duration.ofMillis(1000);
  public static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(3);

  /** One redis-server process and the proxy in front of it. */
  public static final class Node {
    final int port;
    final TcpProxy proxy;
    final Path dir;
    Process process;

    Node(int port, Path dir) {
      this.port = port;
      this.dir = dir;
      this.proxy = new TcpProxy(port);
    }

    /** The port clients and sentinels reach it at. */
    public int announcedPort() {
      return proxy.port();
    }

    public String url() {
      return "redis://127.0.0.1:" + proxy.port();
    }

    public long pid() {
      return process.pid();
    }

    /** Cuts every path to it but replication from it (a network partition): see the class. */
    public void proxyCut() {
      proxy.cut();
    }

    /**
     * Cuts this replica's replication link, which stays down (it reconnects with a password its
     * master refuses) while the replica stays a replica Sentinel may promote: the master's next
     * writes reach no replica, as when replication lags at a failover.
     */
    public void cutReplication() {
      try (var redis = RedisCommands.to("redis://127.0.0.1:" + port)) {
        redis.send("CONFIG", "SET", "masterauth", "cut-off");
        redis.send("CLIENT", "KILL", "TYPE", "master");
      } catch (Exception e) {
        throw new IllegalStateException("replication of port " + port + " not cut", e);
      }
    }

    /** Lets this node replicate again (from whichever master it is told to follow). */
    public void restoreReplication() {
      try (var redis = RedisCommands.to("redis://127.0.0.1:" + port)) {
        redis.send("CONFIG", "SET", "masterauth", "");
      } catch (Exception e) {
        throw new IllegalStateException("replication of port " + port + " not restored", e);
      }
    }

    /** Passes what sentinels and clients send it and drops its replies: see {@link TcpProxy}. */
    public void proxyWithholdReplies() {
      proxy.withholdReplies();
    }

    public void proxyRestore() {
      proxy.restore();
    }
  }

  private final Path dir;
  private final List<Node> servers = new ArrayList<>();
  private final List<Node> sentinels = new ArrayList<>();

  private RedisSentinelSet(Path dir) {
    this.dir = dir;
  }

  /** A master, {@code replicas} replicas of it and {@code sentinels} sentinels watching it. */
  public static RedisSentinelSet start(int replicas, int sentinels) {
    RedisSentinelSet set;
    try {
      set = new RedisSentinelSet(Files.createTempDirectory("beastmode-sentinel"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A test that fails before it closes the set does not leave its processes running.
    Runtime.getRuntime().addShutdownHook(new Thread(set::close));
    try {
      for (int i = 0; i <= replicas; i++) {
        set.servers.add(set.startServer(i, i == 0 ? null : set.servers.get(0)));
      }
      for (int i = 0; i < sentinels; i++) {
        set.sentinels.add(set.startSentinel(i));
      }
      set.awaitReplicasOnline(replicas);
      set.awaitReplicasSeen(replicas);
    } catch (RuntimeException e) {
      set.close();
      throw e;
    }
    return set;
  }

  /** The sentinels' URLs, as a Region names them. */
  /** The set as the operator keys a Region's Redis ({@link RedisAddress}). */
  public String regionAddress() {
    var redis = new RegionRedis();
    redis.sentinel = new RedisSentinel();
    redis.sentinel.urls = sentinelUrls();
    redis.sentinel.masterName = MASTER_NAME;
    return RedisAddress.of(redis);
  }

  public List<String> sentinelUrls() {
    return sentinels.stream().map(Node::url).toList();
  }

  public Node node(int i) {
    return servers.get(i);
  }

  public List<Node> servers() {
    return List.copyOf(servers);
  }

  /** The node the sentinels name master now (asked of the first that answers). */
  public Node master() {
    for (Node sentinel : sentinels) {
      try (var sent = RedisCommands.to(sentinel.url())) {
        var address = sent.send("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        int port = address.get(1).toInteger();
        return servers.stream()
            .filter(node -> node.announcedPort() == port)
            .findFirst()
            .orElseThrow();
      } catch (Exception e) {
        // this sentinel did not answer; ask the next
      }
    }
    throw new IllegalStateException("no sentinel names a master");
  }

  /** Kills a node with SIGKILL, as a crashed machine looks. */
  public void kill(Node node) {
    node.process.destroyForcibly();
    try {
      node.process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP: the node keeps its connections open and answers nothing. */
  public void freeze(Node node) {
    signal(node, "-STOP");
  }

  public void resume(Node node) {
    signal(node, "-CONT");
  }

  /** Starts a killed node again, empty, as a replica of the current master (its Sentinel's job). */
  public void restart(Node node) {
    node.process =
        launch(node, List.of("--replicaof", "127.0.0.1", Integer.toString(master().port)));
  }

  @Override
  public synchronized void close() {
    for (Node node : concat()) {
      if (node.process != null && node.process.isAlive()) {
        signal(node, "-CONT");
        node.process.destroyForcibly();
        try {
          node.process.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      node.proxy.close();
    }
    TempFiles.delete(dir);
  }

  private List<Node> concat() {
    var all = new ArrayList<Node>(servers);
    all.addAll(sentinels);
    return all;
  }

  private Node startServer(int index, Node master) {
    var node = new Node(Ports.free(), directory("server-" + index));
    var args = new ArrayList<String>();
    if (master != null) {
      args.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port)));
    }
    node.process = launch(node, args);
    return node;
  }

  private Node startSentinel(int index) {
    var node = new Node(Ports.free(), directory("sentinel-" + index));
    Node master = servers.get(0);
    String config =
        String.join(
            "\n",
            "port " + node.port,
            "bind 127.0.0.1",
            "protected-mode no",
            "dir " + node.dir,
            "sentinel announce-ip 127.0.0.1",
            "sentinel announce-port " + node.announcedPort(),
            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.announcedPort() + " 2",
            "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
            "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT.toMillis(),
            "sentinel parallel-syncs " + MASTER_NAME + " 1",
            "");
    Path file = node.dir.resolve("sentinel.conf");
    try {
      Files.writeString(file, config);
      node.process =
          new ProcessBuilder("redis-server", file.toString(), "--sentinel")
              .redirectOutput(node.dir.resolve("log").toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "redis-server is not installed (Debian package redis-server)", e);
    }
    awaitAccepting(node);
    return node;
  }

  private Process launch(Node node, List<String> extra) {
    var command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(node.port),
                "--bind",
                "127.0.0.1",
                "--protected-mode",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                node.dir.toString(),
                // A new replica syncs at once (Redis 7 waits 5 s for more replicas by default).
                "--repl-diskless-sync-delay",
                "0",
                // Sentinels and clients reach it through its proxy.
                "--replica-announce-ip",
                "127.0.0.1",
                "--replica-announce-port",
                Integer.toString(node.announcedPort())));
    command.addAll(extra);
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(node.dir.resolve("log").toFile()))
              .redirectErrorStream(true)
              .start();
      node.process = process;
      awaitAccepting(node);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "redis-server is not installed (Debian package redis-server)", e);
    }
  }

  /** Until the master streams to every replica (the first sync done). */
  private void awaitReplicasOnline(int replicas) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    try (var master = RedisCommands.to(servers.get(0).url())) {
      while (true) {
        String info = master.send("INFO", "replication").toString();
        if (info.split("state=online", -1).length - 1 >= replicas) {
          return;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the replicas did not sync: " + info);
        }
        sleep(50);
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the master did not answer", e);
    }
  }

  /**
   * Until every sentinel knows every replica (a failover needs them); sentinels greet each other
   * every 2 s, later on a machine under load.
   */
  private void awaitReplicasSeen(int replicas) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    for (Node sentinel : sentinels) {
      while (true) {
        try (var sent = RedisCommands.to(sentinel.url())) {
          if (sent.send("SENTINEL", "REPLICAS", MASTER_NAME).size() >= replicas
              && sent.send("SENTINEL", "SENTINELS", MASTER_NAME).size() >= sentinels.size() - 1) {
            break;
          }
        } catch (Exception e) {
          // not up yet
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the sentinels did not find each replica and each other");
        }
        sleep(100);
      }
    }
  }

  private Path directory(String name) {
    try {
      return Files.createDirectories(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void signal(Node node, String signal) {
    try {
      new ProcessBuilder("kill", signal, Long.toString(node.process.pid())).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitAccepting(Node node) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (true) {
      try (Socket socket = new Socket("127.0.0.1", node.port)) {
        return;
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline) || !node.process.isAlive()) {
          throw new IllegalStateException("redis-server did not start on port " + node.port);
        }
        sleep(20);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
