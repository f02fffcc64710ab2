package io.beastmode.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * A TCP pass-through in front of a real server that can cut the path: the network partition a
 * region outage looks like from the hub, while the server behind keeps running and keeps its state.
 * With a target chosen per connection it also plays a Service in front of several pods.
 */
public final class TcpProxy implements AutoCloseable {
  /** What a port supplier returns when no target is there: the connection is refused. */
  public static final int NO_TARGET = -1;

  private static final int CONNECT_TIMEOUT_MILLIS = 2000;

  private final ServerSocket listener;
  private final Supplier<InetSocketAddress> target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean hung;
  private volatile boolean withholdingReplies;
  private final Set<Socket> unanswered = ConcurrentHashMap.newKeySet();
  private final AtomicInteger abandoned = new AtomicInteger();

  public TcpProxy(int targetPort) {
    this(() -> targetPort, 0);
  }

  /**
   * @param targetPort asked once per accepted connection
   * @param port the port to listen on, 0 for any free one
   */
  public TcpProxy(IntSupplier targetPort, int port) {
    this(
        InetAddress.getLoopbackAddress(),
        port,
        () -> {
          int target = targetPort.getAsInt();
          return target == NO_TARGET
              ? null
              : new InetSocketAddress(InetAddress.getLoopbackAddress(), target);
        });
  }

  /**
   * @param bind the address to listen on: loopback, or one that pods on a node reach too
   * @param port the port to listen on, 0 for any free one
   * @param target asked once per accepted connection; null when there is none (refused)
   */
  public TcpProxy(InetAddress bind, int port, Supplier<InetSocketAddress> target) {
    this.target = target;
    try {
      this.listener = new ServerSocket(port, 50, bind);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon(this::acceptLoop);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The address it listens on. */
  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  /** Drops every connection and resets new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    dropAll();
  }

  public void restore() {
    cut = false;
    hung = false;
    withholdingReplies = false;
  }

  /**
   * Passes what clients send and drops what the server answers, until {@link #restore()}: the
   * server does what it is asked, but nobody hears that it did (an asymmetric partition).
   */
  public void withholdReplies() {
    withholdingReplies = true;
  }

  /**
   * Drops every connection, then accepts new ones and never answers them: a server whose process is
   * stuck while its socket still listens, the failure that holds a client until its own timeout.
   */
  public void hang() {
    hung = true;
    dropAll();
  }

  /** Forgets the open connections first, so that closing them counts as nobody's giving up. */
  private void dropAll() {
    var sockets = List.copyOf(open);
    open.removeAll(sockets);
    sockets.forEach(TcpProxy::closeQuietly);
  }

  /** How many connections accepted while hung are still open, unanswered. */
  public int unanswered() {
    return unanswered.size();
  }

  /** How many connections accepted while hung the client gave up on (closed) so far. */
  public int abandoned() {
    return abandoned.get();
  }

  /** A kubeconfig that reaches the server through this proxy instead of directly. */
  public String rewrite(String kubeconfig) {
    int targetPort = target.get().getPort();
    return kubeconfig
        .replace("127.0.0.1:" + targetPort, "127.0.0.1:" + port())
        .replace("localhost:" + targetPort, "127.0.0.1:" + port());
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        if (hung && !cut) {
          daemon(() -> holdUnanswered(client));
          continue;
        }
        InetSocketAddress upstream = cut ? null : target.get();
        if (upstream == null) {
          reset(client);
          continue;
        }
        // Connected off the accept loop: a target that does not answer holds up only this client.
        daemon(() -> connect(client, upstream));
      } catch (IOException e) {
        // Listener closed.
      }
    }
  }

  private void connect(Socket client, InetSocketAddress address) {
    var upstream = new Socket();
    try {
      upstream.connect(address, CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      // The server behind refused or did not answer: the client sees its connection drop.
      closeQuietly(upstream);
      reset(client);
      return;
    }
    open.add(client);
    open.add(upstream);
    daemon(() -> pipe(upstream, client, true));
    pipe(client, upstream, false);
  }

  /** Reads what the client sends and answers nothing, until the client closes. */
  private void holdUnanswered(Socket client) {
    open.add(client);
    unanswered.add(client);
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = client.getInputStream()) {
      while (in.read(buffer) >= 0) {
        // dropped
      }
      abandoned.incrementAndGet();
    } catch (IOException e) {
      // Reset by the client (it gave up too) or closed by cut(), hang() or close().
      if (open.contains(client)) {
        abandoned.incrementAndGet();
      }
    } finally {
      open.remove(client);
      unanswered.remove(client);
      closeQuietly(client);
    }
  }

  private static void reset(Socket client) {
    try {
      client.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    closeQuietly(client);
  }

  private void pipe(Socket from, Socket to, boolean replies) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        if (replies && withholdingReplies) {
          continue;
        }
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // One side closed; close both below.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void daemon(Runnable task) {
    var thread = new Thread(task, "tcp-proxy");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
    try {
      listener.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
