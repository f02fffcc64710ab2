package io.beastmode.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a running process costs, read from /proc: resident memory now and at its peak, CPU time so
 * far; and finding the processes a library started (etcd and kube-apiserver) by their command line.
 */
public final class ProcessCosts {
  /** Clock ticks per second of /proc/PID/stat's times: USER_HZ, 100 on Linux everywhere. */
  static final double TICKS_PER_SECOND = 100;

  private ProcessCosts() {}

  /** Resident memory now (VmRSS), MiB; NaN when the process is gone. */
  public static double rssMiB(long pid) {
    return statusMiB(pid, "VmRSS:");
  }

  /** Peak resident memory since it started (VmHWM), MiB; NaN when the process is gone. */
  public static double peakRssMiB(long pid) {
    return statusMiB(pid, "VmHWM:");
  }

  /** Threads the process runs now; -1 when it is gone. */
  public static int threads(long pid) {
    double threads = statusValue(pid, "Threads:");
    return Double.isNaN(threads) ? -1 : (int) threads;
  }

  /** CPU time (user and system) the process has used so far, seconds; NaN when it is gone. */
  public static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** The command line of a process, its arguments apart. */
  public static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The first process of {@code program} given {@code flag} with {@code value}. */
  public static Optional<Long> find(String program, String flag, String value) {
    try (var dirs = Files.list(Path.of("/proc"))) {
      return dirs.map(d -> d.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(
              pid -> {
                var command = commandLine(pid);
                return !command.isEmpty()
                    && Path.of(command.get(0)).getFileName().toString().equals(program)
                    && flag(command, flag).filter(value::equals).isPresent();
              })
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The kube-apiserver serving on {@code port} and its etcd (kube-api-test starts both; the API
   * server names etcd's URL in --etcd-servers, etcd its own in --listen-client-urls).
   */
  public static Optional<long[]> apiServerAndEtcd(int port) {
    var apiServer = find("kube-apiserver", "--secure-port", Integer.toString(port));
    if (apiServer.isEmpty()) {
      return Optional.empty();
    }
    var etcd =
        flag(commandLine(apiServer.get()), "--etcd-servers")
            .flatMap(url -> find("etcd", "--listen-client-urls", url));
    return Optional.of(new long[] {apiServer.get(), etcd.orElse(-1L)});
  }

  /** A flag's value, given as {@code --flag=value} or as {@code --flag value}. */
  static Optional<String> flag(List<String> command, String flag) {
    for (int i = 0; i < command.size(); i++) {
      if (command.get(i).startsWith(flag + "=")) {
        return Optional.of(command.get(i).substring(flag.length() + 1));
      }
      if (command.get(i).equals(flag) && i + 1 < command.size()) {
        return Optional.of(command.get(i + 1));
      }
    }
    return Optional.empty();
  }

  /** The machine's load averages over 1, 5 and 15 minutes. */
  public static String loadAverage() {
    try {
      var fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double statusMiB(long pid, String field) {
    return statusValue(pid, field) / 1024.0;
  }

  private static double statusValue(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone, or not on Linux
    }
    return Double.NaN;
  }
}
