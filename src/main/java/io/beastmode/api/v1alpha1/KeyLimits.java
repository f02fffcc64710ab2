package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Rate limits of an ApiKey, per minute. A request is admitted only if it fits: its tokens are
 * counted as the prompt's estimate plus {@code max_tokens} at admission and corrected to the real
 * usage when it ends.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyLimits {

  @Min(1)
  @Max(10000000)
  @JsonPropertyDescription("Requests per minute; absent means no limit.")
  public Integer requestsPerMinute;

  @Min(1)
  @Max(1000000000)
  @JsonPropertyDescription("Prompt and completion tokens per minute; absent means no limit.")
  public Integer tokensPerMinute;
}
