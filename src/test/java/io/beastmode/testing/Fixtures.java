package io.beastmode.testing;

import io.beastmode.api.v1alpha1.BurnRateRule;
import io.beastmode.api.v1alpha1.HealthCheck;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterSpec;
import io.beastmode.api.v1alpha1.Model;
import io.beastmode.api.v1alpha1.ModelEndpoint;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.ModelPoolSpec;
import io.beastmode.api.v1alpha1.ModelPricing;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionLocation;
import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.api.v1alpha1.RegionSpec;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.wire.SelectionSummary;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** Small, valid objects of each kind for tests. */
public final class Fixtures {

  /**
   * A spec edit as a user makes it: read, change, write; again if the operator's status write came
   * between.
   */
  public static <T extends HasMetadata> void edit(Resource<T> resource, Consumer<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        resource.edit(
            object -> {
              change.accept(object);
              return object;
            });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private Fixtures() {}

  /** When the policy in force of {@link #selection} took over: 2026-11-30T00:53:20Z. */
  public static final long SELECTION_SINCE = 1_796_000_000_000L;

  /**
   * What a router under the learned policy reports in its heartbeat, in force since {@link
   * #SELECTION_SINCE}, sending 0.3 (0.27 to 0.33) to the strong model, exploring 5 %.
   */
  public static SelectionSummary selection(
      String inForce,
      long switches,
      long outcomes,
      SelectionSummary.Bounds pgr,
      long decisions,
      long explored,
      long exploredOffPolicy) {
    return new SelectionSummary(
        inForce,
        SELECTION_SINCE,
        switches,
        pgr,
        SelectionSummary.Bounds.of(0.3, 0.27, 0.33),
        outcomes,
        decisions,
        explored,
        exploredOffPolicy,
        0.05);
  }

  /**
   * A Deployment's status as its controller writes it: {@code replicas} current, {@code ready} of
   * them ready and available, the Available condition from whether any is.
   */
  public static io.fabric8.kubernetes.api.model.apps.DeploymentStatus deploymentStatus(
      Long generation, int replicas, int ready) {
    return new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
        .withObservedGeneration(generation)
        .withReplicas(replicas)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withUpdatedReplicas(replicas)
        .withConditions(
            new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
                .withType("Available")
                .withStatus(ready > 0 ? "True" : "False")
                .withReason(ready > 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .build())
        .build();
  }

  /**
   * The routing config hash on the pod template of router Deployment {@code name}: it changes
   * exactly when the routers roll.
   */
  public static String configHashOfTemplate(
      KubernetesClient client, String namespace, String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(name)
        .get()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get("beastmode.io/config-hash");
  }

  public static Region region(String name, int probeIntervalSeconds) {
    var region = new Region();
    region.setMetadata(new ObjectMetaBuilder().withName(name).build());
    var spec = new RegionSpec();
    spec.location = new RegionLocation();
    spec.location.provider = "onprem";
    spec.location.geo = name;
    spec.healthCheck = new HealthCheck();
    spec.healthCheck.intervalSeconds = probeIntervalSeconds;
    spec.healthCheck.timeoutSeconds = probeIntervalSeconds;
    spec.healthCheck.failureThreshold = 2;
    spec.healthCheck.successThreshold = 2;
    region.setSpec(spec);
    return region;
  }

  public static Region memberRegion(
      String name, int probeIntervalSeconds, String secretNamespace, String secretName) {
    var region = region(name, probeIntervalSeconds);
    region.getSpec().kubeconfigSecretRef =
        new SecretKeyReference(secretName, secretNamespace, "kubeconfig");
    return region;
  }

  public static Model model(String name, double inputPrice, double outputPrice, double quality) {
    var model = new Model();
    model.name = name;
    var endpoint = new ModelEndpoint();
    endpoint.url = "http://simulator.test:8000/v1";
    model.endpoints = List.of(endpoint);
    model.pricing = new ModelPricing(inputPrice, outputPrice);
    model.quality.score = quality;
    return model;
  }

  public static ModelPool pool(String namespace, String name, Model... models) {
    var pool = new ModelPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    pool.setSpec(new ModelPoolSpec());
    pool.getSpec().models = Arrays.asList(models);
    return pool;
  }

  public static LLMRouter router(
      String namespace, String name, List<String> pools, String... regions) {
    var router = new LLMRouter();
    router.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new LLMRouterSpec();
    spec.modelPools = pools.stream().map(NamedReference::new).toList();
    spec.regions = Arrays.stream(regions).map(r -> new RegionPlacement(r, 2)).toList();
    router.setSpec(spec);
    return router;
  }

  public static io.fabric8.kubernetes.api.model.Secret secret(
      String namespace, String name, java.util.Map<String, String> data) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withStringData(data)
        .build();
  }

  /** Creates the namespaces that do not exist yet. */
  public static void namespaces(
      io.fabric8.kubernetes.client.KubernetesClient cluster, String... names) {
    for (String name : names) {
      cluster
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .build())
          .serverSideApply();
    }
  }

  /**
   * In each cluster (an active hub's and its standby's), the same continuous backup to an S3 bucket
   * with its key and store credentials: what the hub writes with and the standby reads with.
   */
  public static void sharedContinuousBackup(
      List<io.fabric8.kubernetes.client.KubernetesClient> clusters,
      String namespace,
      String endpoint,
      String bucket,
      String prefix) {
    sharedS3Backup(clusters, namespace, endpoint, bucket, prefix, true);
  }

  /** The same, continuous mode on or off (backups then on schedule or on request only). */
  public static void sharedS3Backup(
      List<io.fabric8.kubernetes.client.KubernetesClient> clusters,
      String namespace,
      String endpoint,
      String bucket,
      String prefix,
      boolean continuous) {
    String key =
        java.util.Base64.getEncoder()
            .encodeToString(new java.security.SecureRandom().generateSeed(32));
    for (var cluster : clusters) {
      namespaces(cluster, namespace);
      cluster.resource(secret(namespace, "backup-key", java.util.Map.of("key", key))).create();
      // The test S3 server checks no signatures: any key pair will do.
      cluster
          .resource(
              secret(
                  namespace,
                  "snapshot-store",
                  java.util.Map.of(
                      "accessKeyId", "AKIASHAREDBACKUP0001", "secretAccessKey", "any")))
          .create();
      var policy = continuousS3Backup(namespace, "hub", endpoint, bucket, prefix);
      policy.getSpec().continuous.enabled = continuous;
      cluster.resource(policy).create();
    }
  }

  /**
   * A BackupPolicy writing every change within a second to an S3 bucket, sealed with the key in
   * Secret backup-key and read with the credentials in Secret snapshot-store.
   */
  public static io.beastmode.api.v1alpha1.BackupPolicy continuousS3Backup(
      String namespace, String name, String endpoint, String bucket, String prefix) {
    var policy = new io.beastmode.api.v1alpha1.BackupPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new io.beastmode.api.v1alpha1.BackupPolicySpec();
    spec.schedule = "@daily";
    spec.target = new io.beastmode.api.v1alpha1.BackupTarget();
    spec.target.s3 = new io.beastmode.api.v1alpha1.S3Target();
    spec.target.s3.endpoint = endpoint;
    spec.target.s3.bucket = bucket;
    spec.target.s3.prefix = prefix;
    spec.target.s3.credentialsSecretRef = new NamedReference("snapshot-store");
    spec.encryptionKeySecretRef = new SecretKeyReference("backup-key", null, "key");
    spec.continuous = new io.beastmode.api.v1alpha1.ContinuousBackupSpec();
    spec.continuous.enabled = true;
    spec.continuous.intervalSeconds = 1;
    policy.setSpec(spec);
    return policy;
  }

  /** A burn-rate rule taking every action. */
  public static BurnRateRule burnRateRule(
      String name, String longWindow, String shortWindow, double burnRate) {
    var rule = new BurnRateRule();
    rule.name = name;
    rule.longWindow = longWindow;
    rule.shortWindow = shortWindow;
    rule.burnRate = burnRate;
    rule.actions =
        List.of(SloAction.ScaleUp, SloAction.ShiftTraffic, SloAction.DegradeModel, SloAction.Alert);
    return rule;
  }
}
