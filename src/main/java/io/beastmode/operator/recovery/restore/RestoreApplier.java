package io.beastmode.operator.recovery.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Puts a snapshot's objects into a cluster: in waves by kind (Secrets, Regions, ModelPools,
 * ApiKeys, LLMRouters, objectives, policies; then what another restored object owns, its owner
 * reference pointed at the owner's new uid), each wave's objects many at a time, status restored
 * where it carries decisions. What exists as in the snapshot is taken over as it is (a live member
 * region keeps running untouched); what exists and differs is kept and reported unless the request
 * says to replace it. New objects carry the restore's hold until {@link #release}.
 */
public final class RestoreApplier {
  /** The waves, by kind; owned objects come after all of them. */
  static final List<Class<? extends HasMetadata>> ORDER =
      List.of(
          Secret.class,
          Region.class,
          ModelPool.class,
          ApiKey.class,
          LLMRouter.class,
          ServiceLevelObjective.class,
          BackupPolicy.class);

  /** Requests in flight at once: far above a client's default, so a restore is not one by one. */
  static final int PARALLEL = 32;

  /**
   * What a restore did.
   *
   * @param created the objects it made, as kind namespace/name
   */
  public record Outcome(List<String> created, int adopted, List<String> conflicts) {}

  private final KubernetesClient cluster;
  private final RouterState routerState;

  /**
   * A client of {@code hub}'s cluster for one restore or drill, with many requests in flight: a
   * client's default would make a restore nearly one object at a time. Close it after.
   */
  public static KubernetesClient client(KubernetesClient hub) {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(
            new io.fabric8.kubernetes.client.ConfigBuilder(hub.getConfiguration())
                .withMaxConcurrentRequests(PARALLEL * 2)
                .withMaxConcurrentRequestsPerHost(PARALLEL * 2)
                .build())
        .build();
  }

  public RestoreApplier(KubernetesClient cluster, RouterState routerState) {
    this.cluster = cluster;
    this.routerState = routerState;
  }

  public Outcome apply(Snapshot snapshot, String targetNamespace, boolean replace, String holder) {
    return apply(snapshot, targetNamespace, replace, holder, false);
  }

  /**
   * A restore drill: the snapshot's namespaced objects only, all into {@code scratchNamespace},
   * held so that no controller deploys anything from them.
   */
  public Outcome drill(Snapshot snapshot, String scratchNamespace, String holder) {
    return apply(snapshot, scratchNamespace, true, holder, true);
  }

  /** Deletes what a drill made in its scratch namespace. */
  public void empty(List<String> created) {
    for (String id : created) {
      String[] parts = id.split(" ", 2);
      String[] name = parts[1].split("/", 2);
      kindOf(parts[0])
          .ifPresent(
              kind -> cluster.resources(kind).inNamespace(name[0]).withName(name[1]).delete());
    }
  }

  private Outcome apply(
      Snapshot snapshot, String targetNamespace, boolean replace, String holder, boolean drill) {
    var objects = new ArrayList<ObjectNode>();
    for (var object : snapshot.objects()) {
      if (drill && object.namespace() == null) {
        continue; // a drill touches nothing outside its scratch namespace
      }
      ObjectNode json;
      try {
        json = (ObjectNode) Serialization.jsonMapper().readTree(object.json());
      } catch (java.io.IOException e) {
        // A sealed snapshot's content was checked against its manifest: this is not expected.
        throw new java.io.UncheckedIOException(e);
      }
      if (targetNamespace != null && object.namespace() != null) {
        ((ObjectNode) json.get("metadata")).put("namespace", targetNamespace);
      }
      objects.add(json);
    }
    createNamespaces(objects);
    var snapshotUids = new TreeSet<String>();
    objects.forEach(o -> snapshotUids.add(o.path("metadata").path("uid").asText()));
    var newUids = new ConcurrentHashMap<String, String>();
    var created = Collections.synchronizedList(new ArrayList<String>());
    var conflicts = Collections.synchronizedList(new ArrayList<String>());
    var adopted = new java.util.concurrent.atomic.AtomicInteger();
    var waves = new ArrayList<List<ObjectNode>>();
    var owned = new ArrayList<ObjectNode>();
    for (var kind : ORDER) {
      var wave = new ArrayList<ObjectNode>();
      for (var object : objects) {
        if (!object.path("kind").asText().equals(HasMetadata.getKind(kind))) {
          continue;
        }
        (ownedWithin(object, snapshotUids) ? owned : wave).add(object);
      }
      waves.add(wave);
    }
    waves.add(owned);
    for (var wave : waves) {
      manyAtOnce(
          wave,
          object -> {
            String outcome = restore(object, replace, holder, newUids);
            String id = id(object);
            switch (outcome) {
              case "created" -> created.add(id);
              case "adopted" -> adopted.incrementAndGet();
              default -> conflicts.add(id);
            }
          });
    }
    return new Outcome(List.copyOf(created), adopted.get(), List.copyOf(conflicts));
  }

  /** Runs {@code task} for every item, {@link #PARALLEL} at a time; the first failure is thrown. */
  private static <T> void manyAtOnce(List<T> items, java.util.function.Consumer<T> task) {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      var futures = new ArrayList<Future<?>>();
      for (T item : items) {
        futures.add(pool.submit(() -> task.accept(item)));
      }
      for (var future : futures) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("restore interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof KubernetesClientException k
          ? k
          : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Writes each region's router state back into its Redis, never over a live key; the regions whose
   * Redis cannot be reached are returned, to be tried again.
   */
  public List<String> restoreRouterState(
      Snapshot snapshot,
      Map<String, String> redisUrls,
      java.util.function.Predicate<String> regions) {
    var pending = new ArrayList<String>();
    var byRegion = new java.util.TreeMap<String, List<RouterState.Entry>>();
    for (var entry : snapshot.redisEntries()) {
      if (!regions.test(entry.region())) {
        continue;
      }
      var cut = snapshot.manifest().redisCuts().get(entry.region());
      long expiresAt = entry.pttlMillis() < 0 ? 0 : cut.toEpochMilli() + entry.pttlMillis();
      if (entry.pttlMillis() == 0) {
        continue; // it was expiring at the cut
      }
      byRegion
          .computeIfAbsent(entry.region(), r -> new ArrayList<>())
          .add(new RouterState.Entry(entry.key(), entry.dump(), expiresAt));
    }
    byRegion.forEach(
        (region, entries) -> {
          String url = redisUrls.get(region);
          if (url == null) {
            pending.add(region);
            return;
          }
          try {
            routerState.write(url, entries);
          } catch (RegionRedisClients.Unavailable e) {
            pending.add(region);
          }
        });
    return pending;
  }

  /**
   * Lets the controllers act on the snapshot's objects this restore holds; also those a restore
   * that stopped half way made.
   */
  public void release(Snapshot snapshot, String targetNamespace, String holder) {
    // One call per object, and only where this restore's hold is: the test fails (422) on an
    // object held by another restore or not held at all, and such an object is left as it is.
    String path = "/metadata/annotations/" + BackupPolicy.RESTORING_ANNOTATION.replace("/", "~1");
    String patch =
        Serialization.asJson(
            List.of(
                Map.of("op", "test", "path", path, "value", holder),
                Map.of("op", "remove", "path", path)));
    manyAtOnce(
        snapshot.objects(),
        object -> {
          var kind = kindOf(object.kind());
          if (kind.isEmpty() || kind.get() == Secret.class) {
            return;
          }
          String ns =
              object.namespace() == null
                  ? null
                  : targetNamespace != null ? targetNamespace : object.namespace();
          var resource =
              ns == null
                  ? cluster.resources(kind.get()).withName(object.name())
                  : cluster.resources(kind.get()).inNamespace(ns).withName(object.name());
          try {
            resource.patch(PatchContext.of(PatchType.JSON), patch);
          } catch (KubernetesClientException e) {
            if (e.getCode() != 422 && e.getCode() != 404) {
              throw e;
            }
          }
        });
  }

  /**
   * Deletes the objects {@code before} held that {@code after} does not (a standby following the
   * hub's deletions). Their finalizers go first: no controller runs on a standby to remove them.
   */
  public void removeAbsent(Snapshot before, Snapshot after) {
    var kept =
        after.objects().stream().map(Snapshot.KubeObject::describe).collect(Collectors.toSet());
    manyAtOnce(
        before.objects().stream().filter(o -> !kept.contains(o.describe())).toList(),
        object ->
            kindOf(object.kind())
                .ifPresent(
                    kind -> {
                      var resource =
                          object.namespace() == null
                              ? cluster.resources(kind).withName(object.name())
                              : cluster
                                  .resources(kind)
                                  .inNamespace(object.namespace())
                                  .withName(object.name());
                      try {
                        resource.patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"finalizers\":null}}");
                        resource.delete();
                      } catch (KubernetesClientException e) {
                        if (e.getCode() != 404) {
                          throw e;
                        }
                      }
                    }));
  }

  /** Creates, adopts or reports one object: "created", "adopted" or "conflict". */
  private String restore(
      ObjectNode json, boolean replace, String holder, Map<String, String> newUids) {
    var kind = kindOf(json.path("kind").asText()).orElseThrow();
    ObjectNode metadata = (ObjectNode) json.get("metadata");
    String oldUid = metadata.path("uid").asText(null);
    JsonNode status = json.remove("status");
    metadata.remove("uid");
    pointOwnersAtNewUids(metadata, newUids);
    HasMetadata wanted = Serialization.jsonMapper().convertValue(json, kind);
    if (kind != Secret.class) {
      var annotations = new java.util.HashMap<String, String>();
      if (wanted.getMetadata().getAnnotations() != null) {
        annotations.putAll(wanted.getMetadata().getAnnotations());
      }
      annotations.put(BackupPolicy.RESTORING_ANNOTATION, holder);
      wanted.getMetadata().setAnnotations(annotations);
    }
    // Most objects are new on a new hub: create first, read only what was there already.
    HasMetadata made = create(wanted);
    HasMetadata existing = made != null ? null : cluster.resource(wanted).get();
    if (existing != null && holder.equals(annotation(existing))) {
      // Made by this restore before it stopped half way: it is ours.
      newUids.put(oldUid, existing.getMetadata().getUid());
      return "created";
    }
    if (existing != null && sameContent(existing, wanted)) {
      newUids.put(oldUid, existing.getMetadata().getUid());
      if (replace) {
        // A standby following the hub: the spec is the same, the decisions in status move on.
        restoreStatus(existing, status, kind);
      }
      return "adopted";
    }
    if (existing != null && !replace) {
      newUids.put(oldUid, existing.getMetadata().getUid());
      return "conflict";
    }
    if (made == null) {
      made =
          cluster
              .resource(wanted)
              .fieldManager("beast-mode-restore")
              .forceConflicts()
              .serverSideApply();
    }
    newUids.put(oldUid, made.getMetadata().getUid());
    restoreStatus(made, status, kind);
    return existing == null ? "created" : "replaced";
  }

  /**
   * Decisions come back (failover stages, flap history, SLO actions); observations do not: this
   * hub's controllers set Ready for themselves. Nothing is written when the status is the same.
   */
  private void restoreStatus(
      HasMetadata object, JsonNode status, Class<? extends HasMetadata> kind) {
    if (!(status instanceof ObjectNode restoredStatus) || kind == Secret.class) {
      return;
    }
    restoredStatus.remove("conditions");
    ObjectNode withStatus = Serialization.jsonMapper().valueToTree(object);
    JsonNode current = withStatus.path("status").deepCopy();
    if (current instanceof ObjectNode currentStatus) {
      currentStatus.remove("conditions");
    }
    if (restoredStatus.equals(current)) {
      return;
    }
    withStatus.set("status", restoredStatus);
    // No resourceVersion: its controller may add its finalizer meanwhile, and that is no
    // conflict with the status.
    ((ObjectNode) withStatus.get("metadata")).remove("resourceVersion");
    cluster.resource(Serialization.jsonMapper().convertValue(withStatus, kind)).patchStatus();
  }

  /** The class of a kind a restore writes; empty for any other kind. */
  private static java.util.Optional<Class<? extends HasMetadata>> kindOf(String kind) {
    return ORDER.stream().filter(k -> HasMetadata.getKind(k).equals(kind)).findFirst();
  }

  /** The object created; null when one of its name exists already. */
  private HasMetadata create(HasMetadata wanted) {
    try {
      return cluster.resource(wanted).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return null;
      }
      throw e;
    }
  }

  private void createNamespaces(List<ObjectNode> objects) {
    var namespaces = new TreeSet<String>();
    objects.forEach(
        o -> {
          String ns = o.path("metadata").path("namespace").asText(null);
          if (ns != null) {
            namespaces.add(ns);
          }
        });
    for (String ns : namespaces) {
      if (cluster.namespaces().withName(ns).get() == null) {
        cluster
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
    }
  }

  /** Owner references to restored objects point at their new uids; others are dropped. */
  private static void pointOwnersAtNewUids(ObjectNode metadata, Map<String, String> newUids) {
    JsonNode owners = metadata.get("ownerReferences");
    if (owners == null || !owners.isArray()) {
      return;
    }
    ArrayNode kept = Serialization.jsonMapper().createArrayNode();
    for (JsonNode owner : owners) {
      String uid = newUids.get(owner.path("uid").asText());
      if (uid != null) {
        kept.add(((ObjectNode) owner.deepCopy()).put("uid", uid));
      }
    }
    if (kept.isEmpty()) {
      metadata.remove("ownerReferences");
    } else {
      metadata.set("ownerReferences", kept);
    }
  }

  private static boolean ownedWithin(ObjectNode object, Set<String> uids) {
    for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
      if (uids.contains(owner.path("uid").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Same spec (a Secret: same type and data). */
  private static boolean sameContent(HasMetadata existing, HasMetadata wanted) {
    var mapper = Serialization.jsonMapper();
    JsonNode a = mapper.valueToTree(existing);
    JsonNode b = mapper.valueToTree(wanted);
    if (existing instanceof Secret) {
      return Objects.equals(a.get("data"), b.get("data"))
          && Objects.equals(a.get("type"), b.get("type"));
    }
    return Objects.equals(a.get("spec"), b.get("spec"));
  }

  private static String annotation(HasMetadata object) {
    var annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(BackupPolicy.RESTORING_ANNOTATION);
  }

  public static String id(ObjectNode object) {
    String ns = object.path("metadata").path("namespace").asText(null);
    String name = object.path("metadata").path("name").asText();
    return object.path("kind").asText() + " " + (ns == null ? name : ns + "/" + name);
  }
}
