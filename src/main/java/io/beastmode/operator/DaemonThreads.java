package io.beastmode.operator;

import java.util.concurrent.ThreadFactory;

/** Threads of the operator's background loops: named, and never keeping the process alive. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return task -> {
      var thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
