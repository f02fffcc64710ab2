package io.beastmode.api.v1alpha1;

import java.util.List;

/** A status carrying standard conditions. */
public interface HasConditions {
  List<Condition> getConditions();
}
