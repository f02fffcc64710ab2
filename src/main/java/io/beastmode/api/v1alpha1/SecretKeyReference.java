package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyReference {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Secret.")
  public String name;

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Namespace of the Secret. Required where the referring object is cluster-scoped;"
          + " ignored otherwise (the referring object's namespace is used).")
  public String namespace;

  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("Key within the Secret's data.")
  public String key;

  public SecretKeyReference() {}

  public SecretKeyReference(String name, String namespace, String key) {
    this.name = name;
    this.namespace = namespace;
    this.key = key;
  }
}
