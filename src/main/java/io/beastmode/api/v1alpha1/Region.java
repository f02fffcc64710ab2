package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A cluster the platform runs in: where it is, how the hub reaches it, its Redis, its share of
 * traffic and how its health is checked. Cluster-scoped.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Categories(ApiGroup.CATEGORY)
@ShortNames("bmregion")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ApiGroup.READY_COLUMN,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Geo",
    jsonPath = ".spec.location.geo",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Weight",
    jsonPath = ".spec.traffic.weight",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Routers",
    jsonPath = ".status.routersReady",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Region extends CustomResource<RegionSpec, RegionStatus> {

  /** True when the Region is the hub's own cluster (no kubeconfig Secret). */
  @JsonIgnore
  public boolean isLocal() {
    return getSpec() == null || getSpec().kubeconfigSecretRef == null;
  }
}
