package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Desired state of a ModelPool. */
public class ModelPoolSpec {

  @Required
  @Size(min = 1, max = 32)
  @ValidationRule(
      value = "self.all(m, self.exists_one(n, n.name == m.name))",
      message = "model names must be unique within a pool")
  @JsonPropertyDescription("The models of the pool.")
  public List<Model> models;
}
