// What Anthropic's Node SDK makes of a router's /v1/messages: one JSON line per case.
//
// Usage: node node_sdk_against_router.cjs BASE_URL MODEL (NODE_PATH names the SDK's node_modules)
// create; stream, whose final message must equal create's; a tool turn answered with its result.
const Anthropic = require("@anthropic-ai/sdk").default;

const [baseURL, model] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey: "unused", maxRetries: 0 });
const tools = [
  {
    name: "get_weather",
    description: "Current weather in a city",
    input_schema: { type: "object", required: ["city"], properties: { city: { type: "string" } } },
  },
];

async function create() {
  const message = await client.messages.create({
    model, max_tokens: 256, messages: [{ role: "user", content: `say hello to ${model}` }],
  });
  return { text: message.content[0].text, stop_reason: message.stop_reason,
    input_tokens: message.usage.input_tokens };
}

async function streamEqualsCreate() {
  // A question of its own, answered fresh both times (no cache), so neither copies the other.
  const params = { model, max_tokens: 256,
    messages: [{ role: "user", content: `stream a greeting to ${model}` }] };
  const options = { headers: { "cache-control": "no-store" } };
  const created = await client.messages.create(params, options);
  const stream = client.messages.stream(params, options);
  let events = 0;
  stream.on("streamEvent", () => events++);
  const final = await stream.finalMessage();
  return { same_content: JSON.stringify(final.content) === JSON.stringify(created.content),
    same_stop_reason: final.stop_reason === created.stop_reason,
    input_tokens: final.usage.input_tokens, events };
}

async function toolTurn() {
  const messages = [{ role: "user", content: `weather in Paris, for ${model}` }];
  const asked = await client.messages.create({ model, max_tokens: 512, tools, messages });
  const uses = asked.content.filter((block) => block.type === "tool_use");
  messages.push({ role: "assistant", content: asked.content });
  messages.push({ role: "user", content: uses.map((use) => (
    { type: "tool_result", tool_use_id: use.id, content: `sunny in ${use.input.city}` })) });
  const answered = await client.messages.create({ model, max_tokens: 512, tools, messages });
  return { stop_reason: asked.stop_reason, tools: uses.map((use) => use.name),
    cities: uses.map((use) => use.input.city), then: answered.stop_reason,
    then_text: answered.content.filter((b) => b.type === "text").map((b) => b.text).join("") };
}

async function report(name, call) {
  try {
    console.log(JSON.stringify({ case: name, outcome: "ok", result: await call() }));
  } catch (error) {
    console.log(JSON.stringify({ case: name, outcome: error.constructor.name,
      status: error.status, message: String(error) }));
  }
}

(async () => {
  await report("create", create);
  await report("stream", streamEqualsCreate);
  await report("tools", toolTurn);
})();
