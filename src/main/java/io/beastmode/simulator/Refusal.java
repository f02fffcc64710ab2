package io.beastmode.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;

/**
 * Why a model API turns a request down, and the checks that decide it, in the order and words of
 * the API it stands in for: OpenAI's, Anthropic's or Azure OpenAI's.
 *
 * @param status the HTTP status
 * @param message what the error says
 * @param param the request field at fault (OpenAI's shape), or null
 * @param code OpenAI's code or Azure's, or null
 */
record Refusal(int status, String message, String param, String code) {
  /** Azure OpenAI's API versions the simulator knows; another is refused as Azure refuses it. */
  static final Set<String> AZURE_API_VERSIONS =
      Set.of(
          "2023-05-15",
          "2024-02-01",
          "2024-06-01",
          "2024-10-21",
          "2024-12-01-preview",
          "2025-01-01-preview",
          "2025-03-01-preview",
          "2025-04-01-preview");

  static Refusal invalid(String message, String param) {
    return new Refusal(400, message, param, null);
  }

  /**
   * Anthropic needs an anthropic-version header; Azure's deployment path an api-version it knows:
   * without one Azure answers 404, with one it does not know 400.
   */
  static Optional<Refusal> version(
      ModelApi api, MultiMap headers, boolean deploymentPath, String apiVersion) {
    if (api == ModelApi.anthropic && headers.get("anthropic-version") == null) {
      return Optional.of(invalid("anthropic-version: header is required", null));
    }
    if (api != ModelApi.azure || !deploymentPath) {
      return Optional.empty();
    }
    if (apiVersion == null) {
      return Optional.of(new Refusal(404, "Resource not found", null, "404"));
    }
    if (!AZURE_API_VERSIONS.contains(apiVersion)) {
      return Optional.of(new Refusal(400, "API version not supported", null, "BadRequest"));
    }
    return Optional.empty();
  }

  static Refusal modelNotFound(ModelApi api, String model) {
    return switch (api) {
      case openai, responses ->
          new Refusal(404, "The model `" + model + "` does not exist.", "model", "model_not_found");
      case anthropic -> new Refusal(404, "model: " + model, null, null);
      case azure ->
          new Refusal(
              404,
              "The API deployment for this resource does not exist. If you created the deployment"
                  + " within the last 5 minutes, please wait a moment and try again.",
              null,
              "DeploymentNotFound");
    };
  }

  /**
   * A model with a key takes it where its API carries it: a bearer token (OpenAI), x-api-key or a
   * bearer token (Anthropic; its Python SDK 2.17 sends the latter), api-key (Azure).
   */
  static Optional<Refusal> key(ModelApi api, SimulatedModel model, MultiMap headers) {
    if (model.apiKey() == null) {
      return Optional.empty();
    }
    String bearer = bearer(headers.get("authorization"));
    String presented =
        switch (api) {
          case openai, responses -> bearer;
          case anthropic -> headers.get("x-api-key") != null ? headers.get("x-api-key") : bearer;
          case azure -> headers.get("api-key");
        };
    if (model.apiKey().equals(presented)) {
      return Optional.empty();
    }
    return Optional.of(
        switch (api) {
          case openai, responses ->
              new Refusal(401, "Incorrect API key provided.", null, "invalid_api_key");
          case anthropic -> new Refusal(401, "invalid x-api-key", null, null);
          case azure ->
              new Refusal(
                  401,
                  "Access denied due to invalid subscription key or wrong API endpoint. Make sure"
                      + " to provide a valid key for an active subscription and use a correct"
                      + " regional API endpoint for your resource.",
                  null,
                  "401");
        });
  }

  /** An Anthropic model that lists its beta flags refuses any other, as Anthropic does. */
  static Optional<Refusal> betas(ModelApi api, SimulatedModel model, MultiMap headers) {
    if (api != ModelApi.anthropic || model.anthropicBetas() == null) {
      return Optional.empty();
    }
    var unknown = new ArrayList<String>();
    for (String header : headers.getAll("anthropic-beta")) {
      for (String flag : header.split(",")) {
        if (!flag.isBlank() && !model.anthropicBetas().contains(flag.strip())) {
          unknown.add(flag.strip());
        }
      }
    }
    if (unknown.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        invalid(
            "Unexpected value(s) `"
                + String.join("`, `", unknown)
                + "` for the `anthropic-beta` header. Try again without the header.",
            null));
  }

  /** The model's errorStatus, as its API words it; a 529 from Anthropic is "Overloaded". */
  static Refusal injected(ModelApi api, SimulatedModel model) {
    int status = model.errorStatus();
    String message =
        api == ModelApi.anthropic && status == 529
            ? "Overloaded"
            : "Simulated error " + status + " from " + model.name() + ".";
    String code =
        switch (api) {
          case openai, responses -> status == 429 ? "rate_limit_exceeded" : null;
          case anthropic -> null;
          case azure -> String.valueOf(status);
        };
    return new Refusal(status, message, null, code);
  }

  /** The error body of {@code api}: OpenAI's, Anthropic's, or Azure's code and message. */
  ObjectNode body(ModelApi api) {
    return switch (api) {
      case openai, responses ->
          openAi(
              message,
              status >= 500 ? "server_error" : status == 429 ? "requests" : "invalid_request_error",
              param,
              code);
      case anthropic -> AnthropicMessage.error(status, message);
      case azure -> {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("error")
            .put("code", code != null ? code : String.valueOf(status))
            .put("message", message);
        yield body;
      }
    };
  }

  /** The OpenAI error body. */
  static ObjectNode openAi(String message, String type, String param, String code) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("error")
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code);
    return body;
  }

  private static String bearer(String authorization) {
    String prefix = "Bearer ";
    return authorization != null && authorization.startsWith(prefix)
        ? authorization.substring(prefix.length())
        : null;
  }
}
