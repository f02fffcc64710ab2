"""What the Anthropic Python SDK makes of a router's /v1/messages: one JSON line per case.

Usage: sdk_against_router.py BASE_URL MODEL
MODEL is served by an Anthropic upstream (passed through) or an OpenAI-compatible one (translated);
either way the SDK must see valid Messages. No retries: each answer is seen as sent.
"""
import json
import sys

import anthropic

base_url, model = sys.argv[1:3]
client = anthropic.Anthropic(base_url=base_url, api_key="unused", max_retries=0)
TOOLS = [
    {"name": "get_weather", "description": "Current weather in a city",
     "input_schema": {"type": "object", "required": ["city"], "properties": {
         "city": {"type": "string"}}}},
    {"name": "get_time", "description": "Local time in a time zone",
     "input_schema": {"type": "object", "required": ["timezone"], "properties": {
         "timezone": {"type": "string"}}}},
]


def report(case, call):
    try:
        print(json.dumps({"case": case, "outcome": "ok", "result": call()}))
    except anthropic.APIStatusError as error:
        print(json.dumps({"case": case, "outcome": type(error).__name__,
                          "status": error.status_code, "message": str(error)}))
    sys.stdout.flush()


def create():
    message = client.messages.create(
        model=model, max_tokens=256,
        messages=[{"role": "user", "content": f"say hello to {model}"}])
    return {"text": message.content[0].text, "stop_reason": message.stop_reason,
            "input_tokens": message.usage.input_tokens,
            "output_tokens": message.usage.output_tokens}


def stream_equals_create():
    # A question of its own, so neither answer comes from the other through the cache.
    messages = [{"role": "user", "content": f"stream a greeting to {model}"}]
    created = client.messages.create(
        model=model, max_tokens=256, messages=messages, extra_headers={"cache-control": "no-store"})
    with client.messages.stream(model=model, max_tokens=256, messages=messages,
                                extra_headers={"cache-control": "no-store"}) as stream:
        started_input = None
        for event in stream:
            if event.type == "message_start":
                started_input = event.message.usage.input_tokens
        final = stream.get_final_message()
    return {"same_content": [b.model_dump() for b in final.content]
            == [b.model_dump() for b in created.content],
            "same_stop_reason": final.stop_reason == created.stop_reason,
            "started_input_tokens": started_input,
            "final_input_tokens": final.usage.input_tokens}


def tool_loop():
    messages = [{"role": "user", "content": f"weather and time in Paris, for {model}"}]
    turns = []
    for _ in range(3):
        reply = client.messages.create(model=model, max_tokens=512, tools=TOOLS, messages=messages)
        uses = [block for block in reply.content if block.type == "tool_use"]
        turns.append({"stop_reason": reply.stop_reason, "tools": [use.name for use in uses],
                      "inputs_filled": all(use.input for use in uses)})
        messages.append({"role": "assistant", "content": reply.content})
        if not uses:
            messages.append({"role": "user", "content": "thanks, and tomorrow?"})
            continue
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": use.id, "content": f"{use.name}: fine"}
            for use in uses]})
    return turns


def count_tokens():
    counted = client.messages.count_tokens(
        model=model, messages=[{"role": "user", "content": "count these few words please"}])
    return {"input_tokens": counted.input_tokens}


def unknown_model():
    client.messages.create(model="claude-nothing", max_tokens=16,
                           messages=[{"role": "user", "content": "hi"}])


def too_large():
    client.messages.create(model=model, max_tokens=16,
                           messages=[{"role": "user", "content": "x" * 200_000}])


def overloaded():
    # More output than the OpenAI-compatible fallback (4096 at most) can give, from a model that
    # answers 529: the caller sees the 529 as Anthropic sends it, and its SDK backs off.
    client.messages.create(model="claude-overloaded", max_tokens=6000,
                           messages=[{"role": "user", "content": "hi"}])


report("create", create)
report("stream", stream_equals_create)
report("tools", tool_loop)
report("count", count_tokens)
report("unknown", unknown_model)
report("large", too_large)
report("overloaded", overloaded)
