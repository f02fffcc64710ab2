package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A reference to another object by name, in the same namespace where the kind is namespaced. */
public class NamedReference {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the referenced object.")
  public String name;

  public NamedReference() {}

  public NamedReference(String name) {
    this.name = name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamedReference r && Objects.equals(name, r.name);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(name);
  }
}
