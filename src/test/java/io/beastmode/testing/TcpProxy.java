package io.beastmode.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * A TCP pass-through in front of a real server that can cut the path: the network partition a
 * region outage looks like from the hub, while the server behind keeps running and keeps its state.
 * With a target chosen per connection it also plays a Service in front of several pods.
 */
public final class TcpProxy implements AutoCloseable {
  /** What a port supplier returns when no target is there: the connection is refused. */
  public static final int NO_TARGET = -1;

  private final ServerSocket listener;
  private final IntSupplier targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  public TcpProxy(int targetPort) {
    this(() -> targetPort, 0);
  }

  /**
   * @param targetPort asked once per accepted connection
   * @param port the port to listen on, 0 for any free one
   */
  public TcpProxy(IntSupplier targetPort, int port) {
    this.targetPort = targetPort;
    try {
      this.listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon(this::acceptLoop);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Drops every connection and resets new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    open.forEach(TcpProxy::closeQuietly);
    open.clear();
  }

  public void restore() {
    cut = false;
  }

  /** A kubeconfig that reaches the server through this proxy instead of directly. */
  public String rewrite(String kubeconfig) {
    int target = targetPort.getAsInt();
    return kubeconfig
        .replace("127.0.0.1:" + target, "127.0.0.1:" + port())
        .replace("localhost:" + target, "127.0.0.1:" + port());
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        int target = targetPort.getAsInt();
        if (cut || target == NO_TARGET) {
          client.setSoLinger(true, 0);
          client.close();
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(client);
        open.add(upstream);
        daemon(() -> pipe(client, upstream));
        daemon(() -> pipe(upstream, client));
      } catch (IOException e) {
        // Listener closed, or the server behind refused: the client sees its connection drop.
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
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
