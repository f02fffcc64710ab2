package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The parts of this host a kubelet, containerd and the CNI plugins change, as plain text that
 * compares: sysctls, iptables rules and the nftables tables holding them, netfilter accounting
 * objects, cgroup directories in every hierarchy, mount points, network links and the files they
 * leave under shared directories. The node tier records one before it starts and must leave an
 * equal one when it stops.
 */
public record HostSnapshot(
    SortedMap<String, String> sysctls,
    SortedSet<String> nftTables,
    SortedMap<String, List<String>> iptables,
    SortedSet<String> nfacctObjects,
    SortedSet<String> cgroups,
    SortedSet<String> mounts,
    SortedSet<String> links,
    SortedSet<String> files) {

  public HostSnapshot {
    // absent from records written before it was recorded
    nfacctObjects = nfacctObjects == null ? new TreeSet<>() : nfacctObjects;
  }

  /**
   * The kubelet sets the first six (unless it is told to protect kernel defaults, when it refuses
   * to start instead); the CNI bridge turns on forwarding.
   */
  static final List<String> SYSCTLS =
      List.of(
          "vm.overcommit_memory",
          "vm.panic_on_oom",
          "kernel.panic",
          "kernel.panic_on_oops",
          "kernel.keys.root_maxkeys",
          "kernel.keys.root_maxbytes",
          "net.ipv4.ip_forward",
          "net.ipv6.conf.all.forwarding",
          // kube-proxy's, which it is told to leave alone
          "net.ipv4.conf.all.route_localnet",
          "net.netfilter.nf_conntrack_max",
          "net.netfilter.nf_conntrack_tcp_be_liberal",
          "net.netfilter.nf_conntrack_tcp_timeout_established",
          "net.netfilter.nf_conntrack_tcp_timeout_close_wait");

  static final List<String> IPTABLES_TABLES = List.of("filter", "nat", "mangle");

  /**
   * Shared directories the kubelet and the CNI write to whatever their own directories are set to:
   * the CNI's result cache, network namespaces, pod log links, the device plugin socket, mount's
   * table, and the defaults a missed setting would fall back to.
   */
  static final List<Path> SHARED_DIRS =
      Stream.of(
              "/var/lib/cni",
              "/run/netns",
              "/var/log/pods",
              "/var/log/containers",
              "/var/lib/kubelet",
              "/var/lib/containerd",
              "/etc/cni",
              "/opt/cni",
              "/opt/containerd",
              "/usr/libexec/kubernetes",
              "/etc/kubernetes",
              // util-linux's mount keeps its table of user options there
              "/run/mount")
          .map(Path::of)
          .toList();

  public static HostSnapshot take() {
    SortedMap<String, String> sysctls = new TreeMap<>();
    for (String name : SYSCTLS) {
      sysctls.put(name, readSysctl(name));
    }
    SortedMap<String, List<String>> iptables = new TreeMap<>();
    for (String family : List.of("iptables", "ip6tables")) {
      for (String table : IPTABLES_TABLES) {
        iptables.put(family + " " + table, iptablesRules(family, table));
      }
    }
    return new HostSnapshot(
        sysctls,
        currentNftTables(),
        iptables,
        currentNfacctObjects(),
        cgroupDirs(),
        mountPoints(),
        currentLinks(),
        sharedFiles());
  }

  /**
   * What differs from {@code before}, one line per difference; empty when the host is as it was.
   */
  public List<String> differencesFrom(HostSnapshot before) {
    List<String> differences = new ArrayList<>();
    before.sysctls.forEach(
        (name, value) -> {
          if (!Objects.equals(value, sysctls.get(name))) {
            differences.add("sysctl " + name + " was " + value + ", is " + sysctls.get(name));
          }
        });
    compare("nftables table", before.nftTables, nftTables, differences);
    before.iptables.forEach(
        (table, rules) ->
            compare(
                table,
                new TreeSet<>(rules),
                new TreeSet<>(iptables.getOrDefault(table, List.of())),
                differences));
    compare("nfacct object", before.nfacctObjects, nfacctObjects, differences);
    compare("cgroup", before.cgroups, cgroups, differences);
    compare("mount", before.mounts, mounts, differences);
    compare("link", before.links, links, differences);
    compare("file", before.files, files, differences);
    return differences;
  }

  private static void compare(
      String what, SortedSet<String> before, SortedSet<String> now, List<String> differences) {
    now.stream()
        .filter(e -> !before.contains(e))
        .forEach(e -> differences.add("new " + what + " " + e));
    before.stream()
        .filter(e -> !now.contains(e))
        .forEach(e -> differences.add("gone " + what + " " + e));
  }

  static String readSysctl(String name) {
    try {
      return readKernelFile(sysctlPath(name)).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * A /proc or /sys file read in one call: such files report size 0, and a sysctl read at an offset
   * past 0 ends the file, so Files.readString (which reads one byte first) would see only the first
   * character ("1" of "10").
   */
  static String readKernelFile(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readNBytes(65536), StandardCharsets.UTF_8);
    }
  }

  static Path sysctlPath(String name) {
    return Path.of("/proc/sys", name.replace('.', '/'));
  }

  /** Rules and chains of one table as iptables-save prints them, without counters and comments. */
  static List<String> iptablesRules(String family, String table) {
    return HostCommand.output(List.of(family + "-save", "-t", table))
        .lines()
        .filter(line -> line.startsWith(":") || line.startsWith("-A"))
        .map(line -> line.startsWith(":") ? line.replaceAll(" \\[\\d+:\\d+\\]$", "") : line)
        .toList();
  }

  /** "ip filter", "ip6 nat", ...: iptables (nft) makes a table on first use and leaves it. */
  static SortedSet<String> currentNftTables() {
    SortedSet<String> tables = new TreeSet<>();
    HostCommand.output(List.of("nft", "list", "tables"))
        .lines()
        .filter(line -> line.startsWith("table "))
        .forEach(line -> tables.add(line.substring("table ".length()).trim()));
    return tables;
  }

  /**
   * Netfilter accounting objects by name: kube-proxy makes two for its metrics and leaves them.
   * Empty where nfacct is not installed.
   */
  static SortedSet<String> currentNfacctObjects() {
    SortedSet<String> names = new TreeSet<>();
    HostCommand.output(List.of("nfacct", "list"))
        .lines()
        .filter(line -> line.startsWith("{") && line.contains("} = "))
        .forEach(line -> names.add(line.substring(line.indexOf("} = ") + 4).replaceAll(";$", "")));
    return names;
  }

  /** "memory:/kubepods/burstable", ...: every directory of every mounted cgroup hierarchy. */
  static SortedSet<String> cgroupDirs() {
    SortedSet<String> dirs = new TreeSet<>();
    for (Path hierarchy : cgroupHierarchies()) {
      try (Stream<Path> walk = Files.walk(hierarchy)) {
        walk.filter(Files::isDirectory)
            .forEach(dir -> dirs.add(hierarchy.getFileName() + ":/" + hierarchy.relativize(dir)));
      } catch (IOException | UncheckedIOException e) {
        // a directory removed while walking: the next snapshot sees the result
      }
    }
    return dirs;
  }

  /** Mount points of the cgroup hierarchies (v1 controllers and the v2 one). */
  static List<Path> cgroupHierarchies() {
    return mountInfo().stream()
        .filter(m -> m.type().equals("cgroup") || m.type().equals("cgroup2"))
        .map(m -> Path.of(m.point()))
        .toList();
  }

  /** "point type" for every mount of this mount namespace. */
  static SortedSet<String> mountPoints() {
    SortedSet<String> points = new TreeSet<>();
    mountInfo().forEach(m -> points.add(m.point() + " " + m.type()));
    return points;
  }

  record Mount(String point, String type) {}

  static List<Mount> mountInfo() {
    try {
      return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream()
          .map(
              line -> {
                String[] fields = line.split(" ");
                int separator = List.of(fields).indexOf("-");
                return new Mount(unescape(fields[4]), fields[separator + 1]);
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** mountinfo writes spaces and other special characters in octal: \040. */
  private static String unescape(String field) {
    var out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      if (field.charAt(i) == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(field.charAt(i));
      }
    }
    return out.toString();
  }

  /** Network link names (bridges, veths, ...). */
  static SortedSet<String> currentLinks() {
    try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
      return links
          .map(p -> p.getFileName().toString())
          .collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The shared directories and what is in them, three levels deep; of /run/containerd, where the
   * shims of every containerd on the host keep their sockets, only whether it and its s/ exist.
   */
  static SortedSet<String> sharedFiles() {
    SortedSet<String> files = new TreeSet<>();
    for (Path dir : SHARED_DIRS) {
      walk(dir, 3, files);
    }
    walk(NodeHostState.RUN_CONTAINERD, 0, files);
    walk(NodeHostState.RUN_CONTAINERD.resolve("s"), 0, files);
    return files;
  }

  private static void walk(Path dir, int depth, SortedSet<String> files) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir, depth)) {
      walk.forEach(p -> files.add(p.toString()));
    } catch (IOException | UncheckedIOException e) {
      // removed while walking
    }
  }
}
