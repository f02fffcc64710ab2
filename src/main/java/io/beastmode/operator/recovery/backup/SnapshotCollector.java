package io.beastmode.operator.recovery.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.recovery.restore.RouterState;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotManifest;
import io.beastmode.wire.KeyUse;
import io.beastmode.wire.LearnedSelectionKeys;
import io.beastmode.wire.QuotaKeys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Reads what a policy's snapshot holds: every BEAST MODE object of its namespace with its status,
 * the Regions they use, the Secrets they reference (but never the policy's encryption key), and
 * each used region's router state. Each kind is read with one list, at one resourceVersion.
 */
public final class SnapshotCollector {
  private static final Logger LOG = Logger.getLogger(SnapshotCollector.class);

  /** The namespaced kinds, in the order a restore creates them. */
  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          ModelPool.class,
          ApiKey.class,
          LLMRouter.class,
          ServiceLevelObjective.class,
          BackupPolicy.class);

  private final KubernetesClient hub;
  private final RouterState routerState;
  private final String operatorVersion;

  public SnapshotCollector(KubernetesClient hub, RouterState routerState, String operatorVersion) {
    this.hub = hub;
    this.routerState = routerState;
    this.operatorVersion = operatorVersion;
  }

  public Snapshot collect(BackupPolicy policy, String sourceCluster, Instant takenAt) {
    return collect(policy, sourceCluster, takenAt, policy.getSpec().include.routerState);
  }

  /** What {@link #collect} reads but the routers' Redis state: what continuous mode compares. */
  public Snapshot collectObjects(BackupPolicy policy, String sourceCluster, Instant takenAt) {
    return collect(policy, sourceCluster, takenAt, false);
  }

  private Snapshot collect(
      BackupPolicy policy, String sourceCluster, Instant takenAt, boolean withRouterState) {
    String namespace = policy.getMetadata().getNamespace();
    var builder =
        Snapshot.builder(
            operatorVersion,
            sourceCluster,
            new SnapshotManifest.Policy(namespace, policy.getMetadata().getName()),
            takenAt);
    var include = policy.getSpec().include;
    var objects = new ArrayList<HasMetadata>();
    if (include.resources) {
      for (var kind : KINDS) {
        KubernetesResourceList<? extends HasMetadata> list =
            hub.resources(kind).inNamespace(namespace).list();
        builder.listedAt(HasMetadata.getKind(kind), list.getMetadata().getResourceVersion());
        objects.addAll(list.getItems());
      }
    }
    var regionNames = regionsUsed(policy, objects);
    var allRegions = hub.resources(Region.class).list();
    var regions =
        allRegions.getItems().stream()
            .filter(r -> regionNames.contains(r.getMetadata().getName()))
            .toList();
    if (include.resources) {
      builder.listedAt("Region", allRegions.getMetadata().getResourceVersion());
      objects.addAll(regions);
    }
    if (include.secrets) {
      objects.addAll(secrets(policy, objects, regions, builder));
    }
    objects.forEach(object -> builder.object(kubeObject(object)));
    if (withRouterState) {
      var patterns = patterns(namespace, objects);
      for (Region region : regions) {
        String name = region.getMetadata().getName();
        if (region.getSpec().redis == null) {
          continue;
        }
        try {
          var cut = routerState.read(RedisAddress.of(region.getSpec().redis), patterns);
          builder.redisCut(name, cut.at());
          for (var entry : cut.entries()) {
            long pttl = entry.expiresAt() == 0 ? -1 : entry.expiresAt() - cut.at().toEpochMilli();
            builder.redisEntry(new Snapshot.RedisEntry(name, entry.key(), entry.payload(), pttl));
          }
        } catch (RegionRedisClients.Unavailable e) {
          LOG.warnf(
              "snapshot %s: Redis of region %s not read: %s", namespace, name, e.getMessage());
          builder.redisUnreached(name);
        }
      }
    }
    return builder.build();
  }

  /** The Regions the routers are placed in, and the one the snapshots go to. */
  private static Set<String> regionsUsed(BackupPolicy policy, List<HasMetadata> objects) {
    var names = new TreeSet<String>();
    objects.stream()
        .filter(LLMRouter.class::isInstance)
        .map(LLMRouter.class::cast)
        .flatMap(router -> router.getSpec().regions.stream())
        .forEach(placement -> names.add(placement.name));
    if (policy.getSpec().target != null && policy.getSpec().target.region != null) {
      names.add(policy.getSpec().target.region);
    }
    return names;
  }

  /**
   * The Secrets the objects reference: model credentials, ApiKey values, Region kubeconfigs and
   * Redis passwords, the target's credentials. Never the policy's encryption key.
   */
  private List<Secret> secrets(
      BackupPolicy policy,
      List<HasMetadata> objects,
      List<Region> regions,
      Snapshot.Builder builder) {
    String namespace = policy.getMetadata().getNamespace();
    var wanted = new LinkedHashSet<String>(); // namespace/name
    for (HasMetadata object : objects) {
      if (object instanceof ModelPool pool && pool.getSpec().models != null) {
        pool.getSpec().models.stream()
            .map(m -> m.credentialsSecretRef)
            .forEach(ref -> add(wanted, ref, namespace));
      } else if (object instanceof ApiKey key && key.getStatus() != null) {
        if (key.getStatus().secretName != null) {
          wanted.add(namespace + "/" + key.getStatus().secretName);
        }
      }
    }
    for (Region region : regions) {
      add(wanted, region.getSpec().kubeconfigSecretRef, null);
      if (region.getSpec().redis != null) {
        add(wanted, region.getSpec().redis.passwordSecretRef, null);
      }
    }
    var key = policy.getSpec().encryptionKeySecretRef;
    if (key != null) {
      wanted.remove(namespace + "/" + key.name);
    }
    var secrets = new ArrayList<Secret>();
    var listed = hub.secrets().inNamespace(namespace).list();
    builder.listedAt("Secret", listed.getMetadata().getResourceVersion());
    for (String id : wanted) {
      String[] parts = id.split("/", 2);
      Secret secret =
          parts[0].equals(namespace)
              ? listed.getItems().stream()
                  .filter(s -> s.getMetadata().getName().equals(parts[1]))
                  .findFirst()
                  .orElse(null)
              : hub.secrets().inNamespace(parts[0]).withName(parts[1]).get();
      if (secret == null) {
        LOG.debugf("snapshot %s: Secret %s is referenced but does not exist", namespace, id);
      } else {
        secrets.add(secret);
      }
    }
    return secrets;
  }

  private static void add(Set<String> wanted, SecretKeyReference ref, String namespace) {
    if (ref == null) {
      return;
    }
    String in = ref.namespace != null && namespace == null ? ref.namespace : namespace;
    if (in != null) {
      wanted.add(in + "/" + ref.name);
    }
  }

  /**
   * Router state of the namespace's routers (usage history, rates, learned selection) and of its
   * keys' tenants, and keys' last use.
   */
  private static List<String> patterns(String namespace, List<HasMetadata> objects) {
    var patterns = new ArrayList<String>();
    patterns.add("beastmode:history:" + namespace + "/*");
    patterns.add("beastmode:rate:" + namespace + "/*");
    patterns.add(LearnedSelectionKeys.PREFIX + "{" + namespace + "/*");
    patterns.add(KeyUse.KEY);
    objects.stream()
        .filter(ApiKey.class::isInstance)
        .map(o -> ((ApiKey) o).getSpec().tenant)
        .distinct()
        .forEach(tenant -> patterns.add(QuotaKeys.PREFIX + "{" + tenant + "}:*"));
    return patterns;
  }

  /**
   * The object as a restore applies it: status kept, what the API server assigns (resourceVersion,
   * creation time, generation, managed fields) and finalizers dropped. The uid stays, so a restore
   * can point owner references at the objects it recreates.
   */
  public static Snapshot.KubeObject kubeObject(HasMetadata object) {
    ObjectNode json = Serialization.jsonMapper().valueToTree(object);
    ObjectNode metadata = (ObjectNode) json.get("metadata");
    metadata.remove(
        List.of(
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "managedFields",
            "finalizers",
            "selfLink"));
    return new Snapshot.KubeObject(
        object.getApiVersion(),
        object.getKind(),
        object.getMetadata().getNamespace(),
        object.getMetadata().getName(),
        json.toString().getBytes(StandardCharsets.UTF_8));
  }
}
