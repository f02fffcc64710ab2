package io.beastmode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.BackupPolicySpec;
import io.beastmode.api.v1alpha1.BackupTarget;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestSpec;
import io.beastmode.api.v1alpha1.S3Target;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.testing.ApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs on a real API server: examples apply with defaults filled in; bad objects are refused.
 */
class ApiValidationIT {
  static final String EXPECTED_ERROR = "beastmode.io/expected-error";
  static ApiServer server;

  @BeforeAll
  static void start() {
    server = ApiServer.start().withCrds();
    server
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("invalid").endMetadata().build())
        .create();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  void examplesApplyAndGetTheirDefaults() {
    for (Path file : ApiServer.yamlFiles(Path.of("k8s", "examples"))) {
      for (HasMetadata object : server.load(file)) {
        server.client().resource(object).fieldManager("kubectl").serverSideApply();
      }
    }
    var router =
        server
            .client()
            .resources(LLMRouter.class)
            .inNamespace("beastmode-demo")
            .withName("assistant")
            .get();
    assertThat(router.getSpec().cache.tenantHeader).isEqualTo("x-beastmode-tenant");
    assertThat(router.getSpec().circuitBreaker.failureRatio).isEqualTo(0.5);
    assertThat(router.getSpec().regions).allSatisfy(r -> assertThat(r.replicas).isEqualTo(2));
  }

  @TestFactory
  Stream<DynamicTest> invalidExamplesAreRejectedNamingTheField() {
    return ApiServer.yamlFiles(Path.of("k8s", "examples", "invalid")).stream()
        .flatMap(file -> server.load(file).stream())
        .map(
            object ->
                DynamicTest.dynamicTest(
                    object.getKind() + " " + object.getMetadata().getName(),
                    () -> {
                      String expected = object.getMetadata().getAnnotations().get(EXPECTED_ERROR);
                      assertThat(expected)
                          .as("every invalid example says which error it expects")
                          .isNotBlank();
                      if (!"Region".equals(object.getKind())) {
                        object.getMetadata().setNamespace("invalid");
                      }
                      assertThatThrownBy(() -> server.client().resource(object).create())
                          .isInstanceOfSatisfying(
                              KubernetesClientException.class,
                              e -> assertThat(e.getCode()).isEqualTo(422))
                          .hasMessageContaining(expected);
                    }));
  }

  @Test
  void restoreRequestSpecCannotChange() {
    var restore = new RestoreRequest();
    restore.setMetadata(
        new ObjectMetaBuilder().withName("restore-latest").withNamespace("invalid").build());
    restore.setSpec(new RestoreRequestSpec());
    restore.getSpec().backupPolicyRef = new NamedReference("nightly");
    var created = server.client().resource(restore).create();
    created.getSpec().snapshot = "nightly-20261120";
    assertThatThrownBy(() -> server.client().resource(created).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "spec: Invalid value: \"object\": spec is immutable; create a new RestoreRequest");
  }

  static BackupPolicy backupPolicy(String name, BackupTarget target) {
    var policy = new BackupPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("invalid").build());
    policy.setSpec(new BackupPolicySpec());
    policy.getSpec().schedule = "@daily";
    policy.getSpec().target = target;
    policy.getSpec().encryptionKeySecretRef =
        new SecretKeyReference("backup-encryption-key", null, "key");
    return policy;
  }

  static S3Target s3(String bucket) {
    var s3 = new S3Target();
    s3.endpoint = "http://minio.storage:9000";
    s3.bucket = bucket;
    s3.credentialsSecretRef = new NamedReference("snapshot-store");
    return s3;
  }

  @Test
  void anS3TargetGetsItsDefaults() {
    // As kubectl sends a manifest: what it omits is absent, not a Java field's initial value.
    server
        .client()
        .resource(
            """
            apiVersion: beastmode.io/v1alpha1
            kind: BackupPolicy
            metadata: {name: s3-defaults, namespace: invalid}
            spec:
              schedule: "@daily"
              encryptionKeySecretRef: {name: backup-encryption-key, key: key}
              target:
                s3:
                  endpoint: http://minio.storage:9000
                  bucket: beastmode-snapshots
                  credentialsSecretRef: {name: snapshot-store}
            """)
        .create();

    var created =
        server
            .client()
            .genericKubernetesResources("beastmode.io/v1alpha1", "BackupPolicy")
            .inNamespace("invalid")
            .withName("s3-defaults")
            .get();
    Map<String, Object> s3 = created.get("spec", "target", "s3");
    assertThat(s3)
        .containsEntry("region", "us-east-1")
        .containsEntry("forcePathStyle", true)
        .doesNotContainKey("prefix");
  }

  @Test
  void aBackupTargetWithBothARegionAndS3IsRejected() {
    var target = new BackupTarget();
    target.region = "us-east";
    target.s3 = s3("beastmode-snapshots");
    assertThatThrownBy(
            () -> server.client().resource(backupPolicy("region-and-s3", target)).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining(
            "spec.target: Invalid value: \"object\": set exactly one of region or s3");
  }

  @Test
  void anS3TargetWithoutABucketIsRejectedNamingIt() {
    var target = new BackupTarget();
    target.s3 = s3(null);
    assertThatThrownBy(
            () -> server.client().resource(backupPolicy("s3-no-bucket", target)).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("spec.target.s3.bucket: Required value");
  }

  @Test
  void anS3BucketNameOutsideTheS3RulesIsRejected() {
    for (String bucket : new String[] {"Snapshots", "ab", "snap..shots", "10.0.0.1", "-snap"}) {
      var target = new BackupTarget();
      target.s3 = s3(bucket);
      assertThatThrownBy(
              () -> server.client().resource(backupPolicy("s3-bad-bucket", target)).create())
          .as(bucket)
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
          .hasMessageContaining("spec.target.s3.bucket");
    }
  }

  /**
   * A number field with a fractional bound, its object (the field's place marked {@code VALUE}) and
   * the part of the refusal that names it.
   */
  record BoundedField(String name, String manifest, String message) {
    GenericKubernetesResource with(Number value) {
      return Serialization.unmarshal(
          manifest.replace("VALUE", value.toString()), GenericKubernetesResource.class);
    }
  }

  static final String ROUTER =
      """
      apiVersion: beastmode.io/v1alpha1
      kind: LLMRouter
      metadata: {name: bounds, namespace: invalid}
      spec:
        modelPools: [{name: openai}]
        regions: [{name: eu-west}]
      """;

  static final BoundedField BURN_RATE =
      new BoundedField(
          "ServiceLevelObjective spec.burnRateRules[].burnRate",
          """
          apiVersion: beastmode.io/v1alpha1
          kind: ServiceLevelObjective
          metadata: {name: bounds, namespace: invalid}
          spec:
            routerRef: {name: assistant}
            targets: {availabilityPercent: 99.9}
            burnRateRules:
              - {name: fast, longWindow: 1h, shortWindow: 5m, burnRate: VALUE, actions: [Alert]}
          """,
          "spec.burnRateRules[0].burnRate: Invalid value");
  static final BoundedField FAILURE_RATIO =
      new BoundedField(
          "LLMRouter spec.circuitBreaker.failureRatio",
          ROUTER + "  circuitBreaker: {failureRatio: VALUE}\n",
          "spec.circuitBreaker.failureRatio: Invalid value");
  static final BoundedField REQUESTS_PER_REPLICA =
      new BoundedField(
          "LLMRouter spec.autoscaling.requestsPerSecondPerReplica",
          ROUTER + "  autoscaling: {requestsPerSecondPerReplica: VALUE}\n",
          "spec.autoscaling.requestsPerSecondPerReplica: Invalid value");
  static final BoundedField ROUTER_WRONG_RATE =
      new BoundedField(
          "LLMRouter spec.cache.semantic.maxWrongRate",
          ROUTER + "  cache: {mode: semantic, semantic: {maxWrongRate: VALUE}}\n",
          "spec.cache.semantic.maxWrongRate: Invalid value");
  static final BoundedField KEY_WRONG_RATE =
      new BoundedField(
          "ApiKey spec.cache.maxWrongRate",
          """
          apiVersion: beastmode.io/v1alpha1
          kind: ApiKey
          metadata: {name: bounds, namespace: invalid}
          spec:
            routers: [{name: assistant}]
            tenant: team-a
            cache: {maxWrongRate: VALUE}
          """,
          "spec.cache.maxWrongRate: Invalid value");
  static final BoundedField EXPLORATION_SHARE =
      new BoundedField(
          "LLMRouter spec.selection.explorationShare",
          ROUTER + "  selection: {explorationShare: VALUE}\n",
          "spec.selection.explorationShare: Invalid value");

  /**
   * Every field of crds/ with a fractional minimum or maximum, with integer and fractional values
   * at and just past each bound. The API server compares an integer with a fractional bound
   * truncated (0 passes a minimum of 0.1), so integers are sent as integers.
   */
  static Stream<Arguments> fractionalBounds() {
    return Stream.of(
        // minimum 0.1, maximum 1000
        refused(BURN_RATE, 0),
        refused(BURN_RATE, 0.09),
        refused(BURN_RATE, -1),
        accepted(BURN_RATE, 0.1),
        accepted(BURN_RATE, 1),
        accepted(BURN_RATE, 1000),
        accepted(BURN_RATE, 999.9),
        refused(BURN_RATE, 1001),
        refused(BURN_RATE, 1000.1),
        // minimum 0.01, maximum 1
        refused(FAILURE_RATIO, 0),
        refused(FAILURE_RATIO, 0.009),
        accepted(FAILURE_RATIO, 0.01),
        accepted(FAILURE_RATIO, 1),
        accepted(FAILURE_RATIO, 0.99),
        refused(FAILURE_RATIO, 2),
        refused(FAILURE_RATIO, 1.01),
        // minimum 0.001, no maximum
        refused(REQUESTS_PER_REPLICA, 0),
        refused(REQUESTS_PER_REPLICA, 0.0009),
        refused(REQUESTS_PER_REPLICA, -1),
        accepted(REQUESTS_PER_REPLICA, 0.001),
        accepted(REQUESTS_PER_REPLICA, 1),
        // minimum 0.0001, maximum 0.2: no integer lies between
        refused(ROUTER_WRONG_RATE, 0),
        refused(ROUTER_WRONG_RATE, 0.00009),
        accepted(ROUTER_WRONG_RATE, 0.0001),
        accepted(ROUTER_WRONG_RATE, 0.2),
        refused(ROUTER_WRONG_RATE, 1),
        refused(ROUTER_WRONG_RATE, 0.21),
        refused(KEY_WRONG_RATE, 0),
        refused(KEY_WRONG_RATE, 0.00009),
        accepted(KEY_WRONG_RATE, 0.0001),
        accepted(KEY_WRONG_RATE, 0.2),
        refused(KEY_WRONG_RATE, 1),
        refused(KEY_WRONG_RATE, 0.21),
        // minimum 0, maximum 0.5: an integer above a fractional maximum is refused by the schema
        refused(EXPLORATION_SHARE, -1),
        accepted(EXPLORATION_SHARE, 0),
        accepted(EXPLORATION_SHARE, 0.5),
        refused(EXPLORATION_SHARE, 1),
        refused(EXPLORATION_SHARE, 0.51));
  }

  static Arguments accepted(BoundedField field, Number value) {
    return Arguments.of(field.name(), value, true, field);
  }

  static Arguments refused(BoundedField field, Number value) {
    return Arguments.of(field.name(), value, false, field);
  }

  @ParameterizedTest(name = "{0} = {1}: accepted {2}")
  @MethodSource("fractionalBounds")
  void fractionalBoundsHoldForIntegersAndFractions(
      String name, Number value, boolean accepted, BoundedField field) {
    var object = field.with(value);
    var create = server.client().resource(object).dryRun();
    if (accepted) {
      create.create();
    } else {
      assertThatThrownBy(create::create)
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
          .hasMessageContaining(field.message());
    }
  }
}
