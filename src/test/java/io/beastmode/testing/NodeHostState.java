package io.beastmode.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a node region recorded about the host before it changed anything, kept in a file until the
 * host is put back, so that a killed run is undone by the next start or by {@code make node-clean}.
 * One node region per machine at a time: its kubelet's sysctls and iptables chains are the host's.
 */
public final class NodeHostState {
  /** The file's content. */
  record Saved(
      HostSnapshot before,
      String workDir,
      String cgroupRoot,
      String bridge,
      long ownerPid,
      List<Long> pids) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  static final Path RUN_CONTAINERD = Path.of("/run/containerd");
  static final Set<String> KUBE_PROXY_NFACCT =
      Set.of("ct_state_invalid_dropped_pkts", "localhost_nps_accepted_pkts");

  private final Path file;
  private Saved saved;

  private NodeHostState(Path file, Saved saved) {
    this.file = file;
    this.saved = saved;
  }

  /** Where the record lives: next to the cached Kubernetes binaries, outside any work tree. */
  static Path file() {
    return kubeApiTestDir().resolve("node-host-state.json");
  }

  /** Where the provisioning scripts cache binaries: $KUBE_API_TEST_DIR or ~/.kubeapitest. */
  static Path kubeApiTestDir() {
    String dir = System.getenv("KUBE_API_TEST_DIR");
    return Path.of(dir != null ? dir : System.getProperty("user.home") + "/.kubeapitest");
  }

  /**
   * Puts the host back from a record a killed run left; fails if the run that wrote it is still
   * alive (another node region on this machine).
   */
  static void restoreLeftover() {
    Path file = file();
    if (!Files.exists(file)) {
      return;
    }
    Saved saved = read(file);
    if (saved.ownerPid() != ProcessHandle.current().pid()
        && ProcessHandle.of(saved.ownerPid()).map(ProcessHandle::isAlive).orElse(false)
        && commandLine(saved.ownerPid()).contains("java")) {
      throw new IllegalStateException(
          "another node region is running (process " + saved.ownerPid() + ", " + file + ")");
    }
    System.err.println("putting the host back from a node region's leftover record " + file);
    new NodeHostState(file, saved).restore();
  }

  /** Snapshots the host and writes the record before anything is changed. */
  static NodeHostState record(Path workDir, String cgroupRoot, String bridge) {
    restoreLeftover();
    var state =
        new NodeHostState(
            file(),
            new Saved(
                HostSnapshot.take(),
                workDir.toString(),
                cgroupRoot,
                bridge,
                ProcessHandle.current().pid(),
                List.of()));
    state.write();
    return state;
  }

  HostSnapshot before() {
    return saved.before();
  }

  /** Remembers a process the region started, so a later clean-up can stop it. */
  synchronized void addProcess(long pid) {
    var pids = new ArrayList<>(saved.pids());
    pids.add(pid);
    saved =
        new Saved(
            saved.before(),
            saved.workDir(),
            saved.cgroupRoot(),
            saved.bridge(),
            saved.ownerPid(),
            pids);
    write();
  }

  /**
   * Stops whatever of the region still runs and undoes each change it made, then deletes the work
   * directory and the record. Each step is safe to repeat, so an interrupted restore can run again.
   */
  synchronized void restore() {
    long started = System.nanoTime();
    Path workDir = Path.of(saved.workDir());
    killRecordedProcesses(workDir);
    killShims(workDir.resolve("containerd.sock"));
    killCgroupProcesses();
    unmountNew(workDir);
    removeCgroupTree();
    deleteLinks();
    restoreIptables();
    deleteNewNfacctObjects();
    restoreSysctls();
    removeNewFiles();
    TempFiles.delete(workDir);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.printf("host put back in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  /** The region's own processes still alive: those whose command line names its directory. */
  private void killRecordedProcesses(Path workDir) {
    for (long pid : saved.pids()) {
      if (commandLine(pid).contains(workDir.toString())) {
        kill(pid);
      }
    }
  }

  /**
   * containerd-shim processes of the region's containerd, and the sockets they keep in the shared
   * /run/containerd/s (named by a hash of containerd's address, namespace and sandbox id).
   */
  private static void killShims(Path containerdSocket) {
    for (long pid : pids()) {
      List<String> args = List.of(commandLine(pid).split("\0"));
      if (!args.isEmpty()
          && args.get(0).contains("containerd-shim")
          && containerdSocket.toString().equals(argument(args, "-address"))) {
        kill(pid);
        String socket =
            sha256Hex(
                containerdSocket
                    + "/"
                    + argument(args, "-namespace")
                    + "/"
                    + argument(args, "-id"));
        deleteQuietly(RUN_CONTAINERD.resolve("s").resolve(socket));
      }
    }
  }

  private static String argument(List<String> args, String name) {
    int at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : "";
  }

  /** Container processes left in the region's cgroup tree. */
  private void killCgroupProcesses() {
    for (Path dir : cgroupTree()) {
      try {
        for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
          if (!line.isBlank()) {
            kill(Long.parseLong(line.trim()));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // gone already
      }
    }
  }

  /**
   * Mounts under the work directory (the kubelet's bind mount of its root onto itself, volumes,
   * container root filesystems, sandbox shm) and new ones in the shared directories (network
   * namespaces; anything a missed setting put there), deepest first, before files are removed.
   */
  private void unmountNew(Path workDir) {
    Set<String> before = saved.before().mounts();
    List<String> points =
        HostSnapshot.mountInfo().stream()
            .filter(
                m ->
                    Path.of(m.point()).startsWith(workDir)
                        || (!before.contains(m.point() + " " + m.type())
                            && HostSnapshot.SHARED_DIRS.stream()
                                .anyMatch(dir -> Path.of(m.point()).startsWith(dir))))
            .map(HostSnapshot.Mount::point)
            .distinct()
            .sorted(Comparator.comparing(String::length).reversed())
            .toList();
    for (String point : points) {
      // A bind mount can be stacked on itself: unmount until the point is gone.
      for (int i = 0; i < 4 && isMounted(point); i++) {
        if (HostCommand.run(List.of("umount", point), null).exit() != 0) {
          HostCommand.run(List.of("umount", "-l", point), null);
        }
      }
    }
  }

  private static boolean isMounted(String point) {
    return HostSnapshot.mountInfo().stream().anyMatch(m -> m.point().equals(point));
  }

  /** The region's cgroup root in every hierarchy, deepest directories first. */
  private List<Path> cgroupTree() {
    List<Path> dirs = new ArrayList<>();
    for (Path hierarchy : HostSnapshot.cgroupHierarchies()) {
      Path root = hierarchy.resolve(saved.cgroupRoot().replaceFirst("^/", ""));
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(Files::isDirectory).forEach(dirs::add);
      } catch (IOException | UncheckedIOException e) {
        // removed while walking
      }
    }
    dirs.sort(Comparator.comparing((Path p) -> p.getNameCount()).reversed());
    return dirs;
  }

  /** rmdir works on a cgroup once no process is in it; processes killed above take a moment. */
  private void removeCgroupTree() {
    for (int attempt = 0; attempt < 50; attempt++) {
      List<Path> dirs = cgroupTree();
      if (dirs.isEmpty()) {
        return;
      }
      for (Path dir : dirs) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // still busy: next attempt
        }
      }
      sleep(200);
    }
    System.err.println("cgroups left behind (busy): " + cgroupTree());
  }

  /** Veths still enslaved to the region's bridge, then the bridge. */
  private void deleteLinks() {
    String bridge = saved.bridge();
    Path ports = Path.of("/sys/class/net", bridge, "brif");
    if (Files.isDirectory(ports)) {
      try (Stream<Path> veths = Files.list(ports)) {
        veths.forEach(
            veth ->
                HostCommand.run(List.of("ip", "link", "del", veth.getFileName().toString()), null));
      } catch (IOException e) {
        // the bridge went meanwhile
      }
    }
    if (Files.exists(Path.of("/sys/class/net", bridge))) {
      HostCommand.run(List.of("ip", "link", "del", bridge), null);
    }
  }

  /**
   * Undoes what the node added since the record: the jumps into KUBE-* and CNI-* chains from chains
   * that existed, then those new chains, then tables iptables made that are empty again.
   */
  private void restoreIptables() {
    for (var entry : saved.before().iptables().entrySet()) {
      String family = entry.getKey().split(" ")[0];
      String table = entry.getKey().split(" ")[1];
      // One transaction per table; if a rule vanished meanwhile it fails whole, so read again.
      for (int attempt = 0; attempt < 3; attempt++) {
        String script =
            undoScript(table, entry.getValue(), HostSnapshot.iptablesRules(family, table));
        if (script.isEmpty()) {
          break;
        }
        var result = HostCommand.run(List.of(family + "-restore", "--noflush"), script);
        if (result.exit() == 0) {
          break;
        }
        System.err.println(family + " " + table + " not restored yet: " + result.output());
      }
    }
    for (String table : HostSnapshot.currentNftTables()) {
      if (saved.before().nftTables().contains(table)) {
        continue;
      }
      String[] familyAndName = table.split(" ");
      String family = familyAndName[0].equals("ip6") ? "ip6tables" : "iptables";
      boolean iptablesTable =
          (familyAndName[0].equals("ip") || familyAndName[0].equals("ip6"))
              && HostSnapshot.IPTABLES_TABLES.contains(familyAndName[1]);
      if (iptablesTable
          && HostSnapshot.iptablesRules(family, familyAndName[1]).stream()
              .noneMatch(line -> line.startsWith("-A") || line.endsWith(" -"))) {
        HostCommand.run(
            List.of("nft", "delete", "table", familyAndName[0], familyAndName[1]), null);
      }
    }
  }

  /**
   * An iptables-restore script taking the node's part of {@code table} from {@code now} back to
   * {@code before}: new KUBE-* and CNI-* chains and the rules added to other chains that jump to
   * them. Chains and rules anything else added meanwhile stay.
   */
  static String undoScript(String table, List<String> before, List<String> now) {
    Set<String> rulesBefore = Set.copyOf(before);
    Set<String> chainsBefore = chains(before);
    List<String> newChains =
        chains(now).stream()
            .filter(c -> !chainsBefore.contains(c) && isNodeChain(c))
            .sorted()
            .toList();
    var script = new StringBuilder();
    now.stream()
        .filter(line -> line.startsWith("-A ") && !rulesBefore.contains(line))
        .filter(line -> !newChains.contains(line.split(" ")[1]))
        .filter(line -> isNodeChain(jumpTarget(line)))
        .forEach(line -> script.append("-D ").append(line.substring(3)).append('\n'));
    newChains.forEach(chain -> script.append("-F ").append(chain).append('\n'));
    newChains.forEach(chain -> script.append("-X ").append(chain).append('\n'));
    return script.isEmpty() ? "" : "*" + table + "\n" + script + "COMMIT\n";
  }

  /** The kubelet's and kube-proxy's chains (KUBE-*), the CNI plugins' (CNI-*). */
  private static boolean isNodeChain(String chain) {
    return chain.startsWith("KUBE-") || chain.startsWith("CNI-");
  }

  /** The chain a rule jumps or goes to; empty for other targets. */
  private static String jumpTarget(String rule) {
    List<String> words = List.of(rule.split(" "));
    for (String option : List.of("-j", "-g")) {
      int at = words.lastIndexOf(option);
      if (at >= 0 && at + 1 < words.size()) {
        return words.get(at + 1);
      }
    }
    return "";
  }

  private static Set<String> chains(List<String> rules) {
    Set<String> chains = new TreeSet<>();
    rules.stream()
        .filter(line -> line.startsWith(":"))
        .forEach(line -> chains.add(line.substring(1).split(" ")[0]));
    return chains;
  }

  /** kube-proxy's accounting objects; deletable once the rules naming them are gone. */
  private void deleteNewNfacctObjects() {
    for (String name : HostSnapshot.currentNfacctObjects()) {
      if (!saved.before().nfacctObjects().contains(name) && KUBE_PROXY_NFACCT.contains(name)) {
        HostCommand.run(List.of("nfacct", "delete", name), null);
      }
    }
  }

  private void restoreSysctls() {
    saved
        .before()
        .sysctls()
        .forEach(
            (name, value) -> {
              if (!value.isEmpty() && !value.equals(HostSnapshot.readSysctl(name))) {
                try {
                  Files.writeString(HostSnapshot.sysctlPath(name), value);
                } catch (IOException e) {
                  System.err.println("sysctl " + name + " not restored to " + value + ": " + e);
                }
              }
            });
  }

  /**
   * New entries in the shared directories (CNI result caches, pod log links, network namespace
   * files), deepest first; in /run/containerd, which another containerd may share, only new empty
   * directories.
   */
  private void removeNewFiles() {
    SortedSet<String> before = saved.before().files();
    HostSnapshot.sharedFiles().stream()
        .filter(f -> !before.contains(f) && !f.startsWith(RUN_CONTAINERD.toString()))
        .sorted(Comparator.reverseOrder())
        .forEach(f -> TempFiles.delete(Path.of(f)));
    for (Path dir : List.of(RUN_CONTAINERD.resolve("s"), RUN_CONTAINERD)) {
      if (!before.contains(dir.toString())) {
        deleteQuietly(dir);
      }
    }
  }

  /** Restores the host from a leftover record: {@code make node-clean}. */
  public static void main(String[] args) {
    if (!Files.exists(file())) {
      System.out.println("no node region record in " + file() + ": nothing to put back");
      return;
    }
    restoreLeftover();
    System.out.println("host put back from " + file());
  }

  private void write() {
    try {
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(partial.toFile(), saved);
      Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Saved read(Path file) {
    try {
      return JSON.readValue(file.toFile(), Saved.class);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable node region record " + file, e);
    }
  }

  static String commandLine(long pid) {
    try {
      return HostSnapshot.readKernelFile(Path.of("/proc", Long.toString(pid), "cmdline"));
    } catch (IOException e) {
      return "";
    }
  }

  private static List<Long> pids() {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL, then a short wait for the exit. */
  private static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    for (int i = 0; i < 50 && isRunning(pid); i++) {
      sleep(100);
    }
  }

  /**
   * A process of a killed run belongs to init now, which may reap it late; a zombie holds no
   * mounts, cgroups or ports, so it counts as gone.
   */
  private static boolean isRunning(long pid) {
    try {
      String stat = HostSnapshot.readKernelFile(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // not empty or in use: left as it is
    }
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
