package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One node region per machine: its kubelet's sysctls, iptables chains and cgroup tree are the
 * host's. A second region (another test JVM, a demo) waits for the first to stop instead of failing
 * or undoing the first one's host changes. The kernel drops the lock when its process dies.
 */
final class NodeRegionLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private NodeRegionLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static NodeRegionLock acquire(Duration patience) {
    Path file = NodeHostState.kubeApiTestDir().resolve("node-region.lock");
    try {
      Files.createDirectories(file.getParent());
      var channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + patience.toNanos();
      boolean said = false;
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new NodeRegionLock(channel, lock);
        }
        if (System.nanoTime() >= deadline) {
          channel.close();
          throw new IllegalStateException(
              "another node region is running on this machine (it holds "
                  + file
                  + (patience.isZero() ? ")" : ", waited " + patience.toSeconds() + " s)"));
        }
        if (!said) {
          System.out.println(
              "waiting for another node region on this machine to stop (" + file + ")");
          said = true;
        }
        Thread.sleep(2000);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The lock goes with the channel, or with the process.
    }
  }
}
