package io.beastmode.operator.hub;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;

/**
 * What this hub is, kept in its own cluster so a restart keeps it: its epoch, whether a promotion
 * made it active, and whether it was fenced. The chart's role applies only where no promotion or
 * fencing says otherwise.
 *
 * @param epoch this hub's epoch (0: never held a Lease)
 * @param promoted a promotion made this hub active, whatever role it was installed with
 * @param fencedBy the newer hub that fenced this one, null while not fenced
 */
public record HubRecord(long epoch, boolean promoted, String fencedBy) {
  static final String NAME = "beastmode-hub";
  static final HubRecord NONE = new HubRecord(0, false, null);

  public static HubRecord read(KubernetesClient hub, String namespace) {
    ConfigMap map = hub.configMaps().inNamespace(namespace).withName(NAME).get();
    if (map == null || map.getData() == null) {
      return NONE;
    }
    var data = map.getData();
    return new HubRecord(
        Long.parseLong(data.getOrDefault("epoch", "0")),
        Boolean.parseBoolean(data.get("promoted")),
        data.get("fencedBy"));
  }

  public void write(KubernetesClient hub, String namespace) {
    Map<String, String> data = new HashMap<>();
    data.put("epoch", Long.toString(epoch));
    data.put("promoted", Boolean.toString(promoted));
    if (fencedBy != null) {
      data.put("fencedBy", fencedBy);
    }
    hub.configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(namespace)
                .endMetadata()
                .withData(data)
                .build())
        .fieldManager("beast-mode-operator")
        .forceConflicts()
        .serverSideApply();
  }

  /** Whether this hub reconciles: installed active and never fenced, or promoted and not fenced. */
  public boolean active(boolean installedStandby) {
    return fencedBy == null && (promoted || !installedStandby);
  }

  public HubRecord fenced(String by) {
    return new HubRecord(epoch, promoted, by);
  }

  /** A fenced hub reinstalled as a standby follows again, under its old epoch. */
  public HubRecord demoted() {
    return new HubRecord(epoch, false, null);
  }

  public HubRecord promotedTo(long newEpoch) {
    return new HubRecord(newEpoch, true, null);
  }
}
