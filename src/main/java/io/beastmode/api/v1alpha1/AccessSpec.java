package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Who may call an LLMRouter's routers. */
public class AccessSpec {

  @Default("keys")
  @JsonPropertyDescription(
      "keys: only callers with an ApiKey naming this router (Authorization: Bearer, api-key or"
          + " x-api-key header), their key deciding the tenant; open: anyone who reaches the"
          + " router (for local use).")
  public AccessMode mode = AccessMode.keys;
}
