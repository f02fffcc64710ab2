package io.beastmode.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Targets for one LLMRouter and the actions taken when its error budget burns. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Categories(ApiGroup.CATEGORY)
@ShortNames("bmslo")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ApiGroup.READY_COLUMN,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Met",
    jsonPath = ".status.conditions[?(@.type==\"Met\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Router",
    jsonPath = ".spec.routerRef.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Budget",
    jsonPath = ".status.errorBudgetRemainingPercent",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ServiceLevelObjective
    extends CustomResource<ServiceLevelObjectiveSpec, ServiceLevelObjectiveStatus>
    implements Namespaced {}
