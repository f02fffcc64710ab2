package io.beastmode.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A region with a real node: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
 * containerd with a CNI bridge, one kubelet registered as a Ready node, kube-proxy (ClusterIPs and
 * NodePorts) and metrics-server (resource metrics: the HorizontalPodAutoscaler controller scales on
 * CPU and memory; {@link MetricsServer}), all started from the binaries {@code make node-binaries}
 * provisions. Images come only from local archives ({@link #importImage}).
 *
 * <p>The kubelet and the CNI change the host (sysctls, iptables chains, cgroups, mounts, a bridge);
 * {@link NodeHostState} records the host before anything starts and {@link #stop()} puts it back,
 * as does the next start or {@code make node-clean} after a killed run. One node region per machine
 * at a time.
 */
public final class NodeRegion implements AutoCloseable {
  public static final String NODE_NAME = "beastmode-node";
  static final String BRIDGE = "bm-cni0";
  static final String CGROUP_ROOT = "/beastmode-node";
  static final String POD_SUBNET = "10.244.0.0/24";
  static final String SERVICE_RANGE = "10.96.0.0/24";
  static final String API_SERVICE_IP = "10.96.0.1";

  /**
   * How often the controller-manager reconciles HorizontalPodAutoscalers: 15 s by default, shorter
   * so that tests see a scale within a few metrics-server resolutions.
   */
  static final String HPA_SYNC_PERIOD = "5s";

  /** How long a start waits for another node region on the machine to stop. */
  static final Duration LOCK_PATIENCE = Duration.ofMinutes(30);

  private static final Path BINARIES =
      NodeHostState.kubeApiTestDir()
          .resolve("k8s/" + ApiServer.KUBERNETES_VERSION + "-linux-amd64");

  private final Map<String, String> apiServerFlags;
  private final Path dir;
  private final Path logs;
  private final NodeRegionLock lock;
  private final NodeHostState host;
  private final String nodeIp;
  private final List<ServerProcess> processes = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stop, "node-region-teardown");
  private ApiServer apiServer;
  private boolean stopped;

  private NodeRegion(
      Path dir, Path logs, Map<String, String> apiServerFlags, Duration lockPatience) {
    this.apiServerFlags = apiServerFlags;
    this.dir = dir;
    this.logs = logs;
    this.nodeIp = hostAddress();
    this.lock = NodeRegionLock.acquire(lockPatience);
    try {
      // Recorded (and written to a file) before anything on the host changes.
      this.host = NodeHostState.record(dir, CGROUP_ROOT, BRIDGE);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts the region and waits until its node is Ready: 6 to 20 s, with the machine's load. */
  public static NodeRegion start() {
    return start(Map.of());
  }

  /**
   * Started with extra kube-apiserver flags ({@code --audit-log-path} and its value, ...), as
   * {@link ApiServer#start(Map)}.
   */
  public static NodeRegion start(Map<String, String> apiServerFlags) {
    return start(apiServerFlags, LOCK_PATIENCE);
  }

  /**
   * Starts one only if no other node region runs on this machine now; else fails at once, saying
   * so. For the demo, which then falls back rather than wait for a test run to end.
   */
  public static NodeRegion startUnlessBusy() {
    return start(Map.of(), Duration.ZERO);
  }

  private static NodeRegion start(Map<String, String> apiServerFlags, Duration lockPatience) {
    whyUnavailable()
        .ifPresent(
            reason -> {
              throw new IllegalStateException("no node region on this machine: " + reason);
            });
    Path dir;
    Path logs;
    try {
      // Short: containerd's socket path must fit in 108 bytes.
      dir = Files.createTempDirectory(Path.of("/tmp"), "bm-node-");
      logs = Files.createDirectories(Path.of("target", "node-region").toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NodeRegion region = null;
    try {
      Instant started = Instant.now();
      region = new NodeRegion(dir, logs, apiServerFlags, lockPatience);
      region.startAll();
      System.out.printf(
          "node region ready in %.1f s (logs in %s)%n",
          Duration.between(started, Instant.now()).toMillis() / 1000.0, logs);
      return region;
    } catch (RuntimeException e) {
      if (region != null) {
        region.stop();
      } else {
        TempFiles.delete(dir);
      }
      throw e;
    }
  }

  /**
   * Why a node region cannot start here (not root, no cgroups, a binary or a package of the node
   * tier in {@code .ci/host-packages.tsv} missing: {@code make node-binaries}), or empty. The demo
   * says so and falls back instead of faking a pod.
   */
  public static Optional<String> whyUnavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("the kubelet and containerd need root");
    }
    if (HostSnapshot.cgroupHierarchies().isEmpty()) {
      return Optional.of("no cgroup hierarchy is mounted");
    }
    for (String binary :
        List.of(
            "etcd",
            "kube-apiserver",
            "kube-controller-manager",
            "kube-scheduler",
            "kubelet",
            "kube-proxy",
            "metrics-server")) {
      if (!Files.isExecutable(BINARIES.resolve(binary))) {
        return Optional.of(BINARIES.resolve(binary) + " is missing (make node-binaries)");
      }
    }
    return HostPackages.firstMissing("node", "node-binaries");
  }

  private void startAll() {
    NodePki pki = NodePki.create(dir.resolve("pki"), nodeIp);
    int etcdPort = Ports.free();
    int apiPort = Ports.free();
    int peerPort = Ports.free();
    String kubeconfig = pki.kubeconfig("https://127.0.0.1:" + apiPort);
    Path kubeconfigFile = write("admin.kubeconfig", kubeconfig);

    startContainerd();
    importImage(LocalImages.busybox(dir));

    var etcd =
        launch(
            "etcd",
            List.of(
                BINARIES.resolve("etcd").toString(),
                "--data-dir",
                dir.resolve("etcd").toString(),
                "--listen-client-urls",
                "http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls",
                "http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls",
                "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls",
                "http://127.0.0.1:" + peerPort,
                "--initial-cluster",
                "default=http://127.0.0.1:" + peerPort));
    etcd.awaitPort(etcdPort);

    var apiServerCommand =
        new ArrayList<>(
            List.of(
                BINARIES.resolve("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--secure-port=" + apiPort,
                "--advertise-address=" + nodeIp,
                "--tls-cert-file=" + pki.file("apiserver.crt"),
                "--tls-private-key-file=" + pki.file("apiserver.key"),
                "--client-ca-file=" + pki.file("ca.crt"),
                "--authorization-mode=Node,RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + pki.file("sa.key"),
                "--service-account-signing-key-file=" + pki.file("sa.key"),
                "--service-cluster-ip-range=" + SERVICE_RANGE,
                "--kubelet-client-certificate=" + pki.file("admin.crt"),
                "--kubelet-client-key=" + pki.file("admin.key"),
                // exec and logs reach the kubelet at the address it registered, not its host name.
                "--kubelet-preferred-address-types=InternalIP",
                "--allow-privileged=true",
                "--profiling=false"));
    apiServerCommand.addAll(MetricsServer.apiServerFlags(pki));
    apiServerFlags.forEach((flag, value) -> apiServerCommand.add(flag + "=" + value));
    launch("kube-apiserver", apiServerCommand);
    // Stopping the API server is stopping the region, as for an API-only one.
    apiServer = ApiServer.of(kubeconfig, this::stop);
    await("the API server", () -> apiServerReady(), 90);

    launch(
        "kube-controller-manager",
        List.of(
            BINARIES.resolve("kube-controller-manager").toString(),
            "--kubeconfig=" + kubeconfigFile,
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=" + Ports.free(),
            // service account token Secrets and every namespace's kube-root-ca.crt
            "--service-account-private-key-file=" + pki.file("sa.key"),
            "--root-ca-file=" + pki.file("ca.crt"),
            "--cluster-signing-cert-file=" + pki.file("ca.crt"),
            "--cluster-signing-key-file=" + pki.file("ca.key"),
            "--flex-volume-plugin-dir=" + dir.resolve("volume-plugins"),
            "--horizontal-pod-autoscaler-sync-period=" + HPA_SYNC_PERIOD,
            "--profiling=false"));
    launch(
        "kube-scheduler",
        List.of(
            BINARIES.resolve("kube-scheduler").toString(),
            "--kubeconfig=" + kubeconfigFile,
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=" + Ports.free(),
            "--profiling=false"));

    startKubelet(pki, kubeconfigFile);
    await("node " + NODE_NAME + " Ready", this::nodeReady, 120);
    startKubeProxy(kubeconfigFile);
    startMetricsServer(pki, kubeconfigFile);
    // Pods are refused until their namespace's service account exists.
    await(
        "the default service account",
        () -> client().serviceAccounts().inNamespace("default").withName("default").get() != null,
        60);
  }

  private void startContainerd() {
    Path cniConf = dir.resolve("cni/net.d");
    write(
        "cni/net.d/10-beastmode.conflist",
        """
        {
          "cniVersion": "0.4.0",
          "name": "beastmode-node",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": true,
              "ipMasq": true,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%s"}]],
                "routes": [{"dst": "0.0.0.0/0"}],
                "dataDir": "%s"
              }
            },
            {"type": "portmap", "capabilities": {"portMappings": true}}
          ]
        }
        """
            .formatted(BRIDGE, POD_SUBNET, dir.resolve("cni/ipam")));
    // Everything containerd and runc keep lives under the work directory; the CRI settings are the
    // two this kind of machine needs (REAL-NODE.md) and the locally built sandbox image.
    Path config =
        write(
            "containerd.toml",
            """
            version = 2
            root = "%1$s/containerd/root"
            state = "%1$s/containerd/state"
            disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

            [grpc]
              address = "%1$s/containerd.sock"

            [plugins."io.containerd.internal.v1.opt"]
              path = "%1$s/containerd/opt"

            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "%2$s"
              restrict_oom_score_adj = true
              enable_cdi = false
              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "/usr/lib/cni"
                conf_dir = "%3$s"
              [plugins."io.containerd.grpc.v1.cri".containerd]
                snapshotter = "overlayfs"
                default_runtime_name = "runc"
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                    Root = "%1$s/runc"
                    SystemdCgroup = false
            """
                .formatted(dir, LocalImages.BUSYBOX, cniConf));
    // Nothing is pulled: image pulls go to a proxy that refuses them (a registry on localhost
    // excepted). env execs containerd, so the recorded process is containerd's.
    launch(
        "containerd",
        List.of(
            "env",
            "HTTP_PROXY=http://127.0.0.1:9",
            "HTTPS_PROXY=http://127.0.0.1:9",
            "NO_PROXY=localhost,127.0.0.1",
            "containerd",
            "--config",
            config.toString()));
    Path socket = containerdSocket();
    await("containerd", () -> ctr("version").exit() == 0 && Files.exists(socket), 30);
  }

  private void startKubelet(NodePki pki, Path kubeconfigFile) {
    Path root = dir.resolve("kubelet");
    createCgroupRoot();
    Path config =
        write(
            "kubelet.yaml",
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            # cgroups v1 and no systemd here (REAL-NODE.md); the pods' cgroups under our own root
            cgroupDriver: cgroupfs
            failCgroupV1: false
            cgroupRoot: %s
            containerRuntimeEndpoint: unix://%s
            podLogsDir: %s
            volumePluginDir: %s
            port: %d
            readOnlyPort: 0
            healthzPort: 0
            authentication:
              anonymous: {enabled: false}
              webhook: {enabled: false}
              x509: {clientCAFile: %s}
            authorization: {mode: AlwaysAllow}
            failSwapOn: false
            clusterDomain: cluster.local
            # a shared, busy disk must not evict test pods
            evictionHard: {memory.available: "1Mi", nodefs.available: "1%%", imagefs.available: "1%%"}
            imageGCHighThresholdPercent: 100
            imageGCLowThresholdPercent: 99
            """
                .formatted(
                    CGROUP_ROOT,
                    containerdSocket(),
                    dir.resolve("pod-logs"),
                    dir.resolve("volume-plugins"),
                    Ports.free(),
                    pki.file("ca.crt")));
    launch(
        "kubelet",
        List.of(
            BINARIES.resolve("kubelet").toString(),
            "--config=" + config,
            "--kubeconfig=" + kubeconfigFile,
            "--root-dir=" + root,
            // its default is under /var/lib/kubelet whatever the root
            "--cert-dir=" + root.resolve("pki"),
            "--hostname-override=" + NODE_NAME,
            "--node-ip=" + nodeIp));
  }

  /**
   * Services' ClusterIPs and NodePorts, as iptables rules; in-cluster clients reach the API server
   * at the kubernetes Service's ClusterIP. It is told to leave conntrack sysctls and route_localnet
   * as they are (no NodePorts on 127.0.0.1).
   */
  private void startKubeProxy(Path kubeconfigFile) {
    int healthz = Ports.free();
    Path config =
        write(
            "kube-proxy.yaml",
            """
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            clientConnection: {kubeconfig: %s}
            hostnameOverride: %s
            mode: iptables
            clusterCIDR: %s
            healthzBindAddress: 127.0.0.1:%d
            metricsBindAddress: 127.0.0.1:%d
            conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
            iptables: {localhostNodePorts: false}
            """
                .formatted(kubeconfigFile, NODE_NAME, POD_SUBNET, healthz, Ports.free()));
    launch("kube-proxy", List.of(BINARIES.resolve("kube-proxy").toString(), "--config=" + config))
        .awaitHttp("http://127.0.0.1:" + healthz + "/healthz");
  }

  /**
   * metrics-server on a free port of the node's address, registered with the API server; waited for
   * until the API server serves {@code metrics.k8s.io} through it, as an aggregated API that is
   * registered but unreachable fails discovery (namespace deletion, garbage collection) meanwhile.
   */
  private void startMetricsServer(NodePki pki, Path kubeconfigFile) {
    int port = Ports.free();
    launch(
        "metrics-server",
        MetricsServer.command(
            BINARIES.resolve("metrics-server"), pki, kubeconfigFile, nodeIp, port));
    MetricsServer.register(client(), pki, nodeIp, port);
    await("the metrics.k8s.io API", () -> MetricsServer.available(client()), 60);
  }

  /** The kubelet wants its cgroup root to exist in every hierarchy; cpuset needs cpus and mems. */
  private static void createCgroupRoot() {
    for (Path hierarchy : HostSnapshot.cgroupHierarchies()) {
      Path root = hierarchy.resolve(CGROUP_ROOT.substring(1));
      try {
        Files.createDirectories(root);
        for (String inherited : List.of("cpuset.cpus", "cpuset.mems")) {
          Path parent = hierarchy.resolve(inherited);
          if (Files.exists(parent)
              && HostSnapshot.readKernelFile(root.resolve(inherited)).isBlank()) {
            Files.writeString(root.resolve(inherited), HostSnapshot.readKernelFile(parent).trim());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create cgroup " + root, e);
      }
    }
  }

  public ApiServer apiServer() {
    return apiServer;
  }

  public KubernetesClient client() {
    return apiServer.client();
  }

  /** A kubeconfig reaching this region's API server with admin rights. */
  public String kubeconfig() {
    return apiServer.kubeconfig();
  }

  /** The node's InternalIP: hostPorts and NodePorts answer there. */
  public String nodeIp() {
    return nodeIp;
  }

  /**
   * Loads an image archive (OCI layout or docker-save tar, named inside) into the node's
   * containerd, where pods find it with {@code imagePullPolicy: Never} or {@code IfNotPresent}.
   */
  public void importImage(Path archive) {
    var result = ctr("images", "import", archive.toString());
    if (result.exit() != 0) {
      throw new IllegalStateException("cannot import " + archive + ": " + result.output());
    }
  }

  /**
   * The kubernetes Service's ClusterIP: where in-cluster clients reach the API server (port 443).
   */
  public String apiServiceIp() {
    return API_SERVICE_IP;
  }

  /** The names of the pods labelled {@code label=value} that are Ready and not being deleted. */
  public List<String> readyPods(String namespace, String label, String value) {
    return client().pods().inNamespace(namespace).withLabel(label, value).list().getItems().stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .filter(Readiness::isPodReady)
        .map(pod -> pod.getMetadata().getName())
        .sorted()
        .toList();
  }

  /** The IP the CNI gave {@code pod}; null before it has one. */
  /** Where the kubelet keeps a pod's ConfigMap volume on this host: what the pod sees mounted. */
  public Path configMapVolume(String podUid, String volume) {
    return dir.resolve("kubelet")
        .resolve("pods")
        .resolve(podUid)
        .resolve("volumes")
        .resolve("kubernetes.io~configmap")
        .resolve(volume);
  }

  public String podIp(String namespace, String pod) {
    Pod current = client().pods().inNamespace(namespace).withName(pod).get();
    return current == null || current.getStatus() == null ? null : current.getStatus().getPodIP();
  }

  /**
   * The most memory {@code pod}'s containers have used together so far, in MiB, as its memory
   * cgroup counts it (what its limit is held against; page cache included).
   */
  public double peakMemoryMiB(String namespace, String pod) {
    Pod current = client().pods().inNamespace(namespace).withName(pod).require();
    String qos = current.getStatus().getQosClass().toLowerCase(java.util.Locale.ROOT);
    Path cgroup =
        Path.of("/sys/fs/cgroup/memory", CGROUP_ROOT, "kubepods")
            .resolve(qos.equals("guaranteed") ? "" : qos)
            .resolve("pod" + current.getMetadata().getUid());
    try {
      return Long.parseLong(
              HostSnapshot.readKernelFile(cgroup.resolve("memory.max_usage_in_bytes")).trim())
          / (1024.0 * 1024.0);
    } catch (IOException e) {
      throw new UncheckedIOException("no memory cgroup for pod " + namespace + "/" + pod, e);
    }
  }

  /**
   * Stops the region and puts the host back: pods deleted through the API first (so the CNI tears
   * down their networking), then the kubelet, containerd and the control plane; then whatever a
   * process left (shims, mounts, cgroups, iptables chains, the bridge, sysctls). A region outage.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    long started = System.nanoTime();
    try {
      if (apiServer != null && processes.stream().allMatch(ServerProcess::isAlive)) {
        deleteWorkloads();
      }
    } catch (RuntimeException e) {
      System.err.println("node region: pods not deleted through the API: " + e);
    }
    if (apiServer != null) {
      apiServer.stop();
    }
    // The kubelet first, etcd last: the reverse of the start order.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    System.out.printf(
        "node region stopped in %.1f s, putting the host back%n",
        (System.nanoTime() - started) / 1e9);
    host.restore();
    lock.close();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The host as it was before the region started. */
  public HostSnapshot hostBefore() {
    return host.before();
  }

  /** Its own client: the region's may be closed already when stopped through {@link ApiServer}. */
  private void deleteWorkloads() {
    try (var client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig())).build()) {
      client.apps().deployments().inAnyNamespace().delete();
      client.apps().replicaSets().inAnyNamespace().delete();
      client.apps().statefulSets().inAnyNamespace().delete();
      client.apps().daemonSets().inAnyNamespace().delete();
      client.batch().v1().jobs().inAnyNamespace().delete();
      client.pods().inAnyNamespace().withGracePeriod(1).delete();
      await("pods deleted", () -> client.pods().inAnyNamespace().list().getItems().isEmpty(), 60);
    } catch (IllegalStateException e) {
      System.err.println("node region: " + e.getMessage());
    }
  }

  private boolean apiServerReady() {
    try {
      return "ok".equals(client().raw("/readyz"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private boolean nodeReady() {
    try {
      Node node = client().nodes().withName(NODE_NAME).get();
      return node != null
          && node.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Path containerdSocket() {
    return dir.resolve("containerd.sock");
  }

  private HostCommand.Result ctr(String... args) {
    var command = new ArrayList<>(List.of("ctr", "--address", containerdSocket().toString()));
    command.addAll(List.of("--namespace", "k8s.io"));
    command.addAll(List.of(args));
    return HostCommand.run(command, null);
  }

  /** Synchronized with stop(): a shutdown during the start launches nothing after the teardown. */
  private synchronized ServerProcess launch(String name, List<String> command) {
    if (stopped) {
      throw new IllegalStateException("the node region was stopped while starting");
    }
    var process = ServerProcess.start(name, command, logs);
    processes.add(process);
    host.addProcess(process.pid());
    return process;
  }

  /** Waits for {@code ready}, failing at once when one of the region's processes has exited. */
  private void await(String what, BooleanSupplier ready, int seconds) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(seconds));
    while (Instant.now().isBefore(deadline)) {
      for (var process : processes) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "waiting for " + what + ": a process exited; see " + process.log());
        }
      }
      if (ready.getAsBoolean()) {
        return;
      }
      NodeHostState.sleep(250);
    }
    throw new IllegalStateException(what + " not reached in " + seconds + " s; logs in " + logs);
  }

  private Path write(String name, String content) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The IPv4 address of the interface the default route leaves through. */
  /** The address a node region's node gets: the host's on its default route. */
  public static String hostAddress() {
    String route = HostCommand.check(List.of("ip", "-4", "-o", "route", "show", "default"));
    String[] words = route.trim().split("\\s+");
    String device = words[List.of(words).indexOf("dev") + 1];
    String address = HostCommand.check(List.of("ip", "-4", "-o", "addr", "show", "dev", device));
    String[] fields = address.trim().split("\\s+");
    return fields[List.of(fields).indexOf("inet") + 1].split("/")[0];
  }
}
