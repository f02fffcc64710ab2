package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A function the model may call.
 *
 * @param inputSchema the JSON schema of the arguments, an object schema
 * @param extras the inbound dialect's other fields ({@code strict}, {@code cache_control}, an
 *     Anthropic tool {@code type})
 */
public record Tool(String name, String description, JsonNode inputSchema, ObjectNode extras) {}
