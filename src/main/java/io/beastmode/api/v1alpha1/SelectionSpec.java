package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** How a model is chosen for a request that names an alias. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SelectionSpec {

  @Default("balanced")
  @JsonPropertyDescription(
      "cost: cheapest above the quality floor; quality: best within the cost ceiling; latency: fastest observed; balanced: weighted score; learned: per-prompt prediction.")
  public SelectionPolicy policy = SelectionPolicy.balanced;

  @Default("0")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Models with a lower quality score are never chosen by an alias.")
  public double qualityFloor;

  @Min(0)
  @JsonPropertyDescription(
      "Under the quality policy, models dearer than this (USD per million output tokens) are not chosen.")
  public Double maxOutputPricePerMillion;

  @Default("0.7")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription(
      "Under the learned policy, the cheapest model whose predicted chance of a good answer reaches this is chosen (none: the likeliest). Higher sends more prompts to stronger, dearer models; bench/results/selection.md lists the share sent to the strong model at each value.")
  public double learnedThreshold = 0.7;

  @Default("0.05")
  @Min(0)
  @Max(0.5)
  @JsonPropertyDescription(
      "Under the learned policy, the share of decisions between the cheap and the strong model drawn at random (half of them differ from the policy in force), so the router can estimate every candidate policy on its own traffic. 0 turns estimation of the policies not followed off.")
  public double explorationShare = 0.05;

  @Default("[\"blend\", \"learned\", \"length\", \"structure\"]")
  @Size(min = 1, max = 4)
  @JsonPropertyDescription(
      "Under the learned policy, the policies the router may follow: the first until feedback and automatic outcomes show another better with 99.9% confidence. blend: mean of the learned and length ranks; learned: the learnedThreshold rule; length: longer prompts to the strong model; structure: code, maths, tools, several turns or a long requested answer first. All but learned send the same share to the strong model as learned would.")
  public List<SelectionCandidate> candidatePolicies =
      List.of(
          SelectionCandidate.blend,
          SelectionCandidate.learned,
          SelectionCandidate.length,
          SelectionCandidate.structure);

  @Default("{}")
  @JsonPropertyDescription("Weights of the balanced policy.")
  public SelectionWeights weights = new SelectionWeights();

  @Default("[\"auto\"]")
  @Size(min = 1, max = 8)
  @JsonPropertyDescription("Model names clients send to let the router choose.")
  public List<@Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*$") String> aliases = List.of("auto");
}
