"""What the Anthropic Python SDK makes of the simulator's Anthropic mode: one JSON line per case.

Usage: sdk_against_simulator.py BASE_URL API_KEY
Models (from AnthropicSdkIT's config): claude-fixed, claude-agent (two parallel tools, thinking),
claude-overloaded (529), claude-breaking (an error event mid-stream), and claude-e<status> failing
every request with that status. No retries: each answer is
seen as sent.
"""
import json
import sys

import anthropic

base_url, key = sys.argv[1:3]
client = anthropic.Anthropic(base_url=base_url, api_key=key, max_retries=0)
USER = [{"role": "user", "content": "What is the weather in Paris, and the time there?"}]
TOOLS = [
    {"name": "get_weather", "description": "Current weather in a city",
     "input_schema": {"type": "object", "required": ["city", "unit"], "properties": {
         "city": {"type": "string"},
         "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}}},
    {"name": "get_time", "description": "Local time in a time zone",
     "input_schema": {"type": "object", "required": ["timezone"], "properties": {
         "timezone": {"type": "string"}}}},
]


def report(case, call):
    try:
        print(json.dumps({"case": case, "outcome": "ok", "result": call()}))
    except anthropic.APIStatusError as error:
        print(json.dumps({
            "case": case,
            "outcome": type(error).__name__,
            "status": error.status_code,
            "type": (error.body or {}).get("error", {}).get("type") if isinstance(error.body, dict) else None,
            "message": str(error),
        }))
    sys.stdout.flush()


def without_ids(content):
    blocks = [block.model_dump(exclude_none=True) for block in content]
    for block in blocks:
        block.pop("id", None)
    return blocks


def create():
    message = client.messages.create(model="claude-fixed", max_tokens=256, messages=USER)
    return {"id": message.id, "text": message.content[0].text, "stop_reason": message.stop_reason,
            "input_tokens": message.usage.input_tokens, "output_tokens": message.usage.output_tokens}


def stream_equals_create(model, max_tokens=256, **extra):
    created = client.messages.create(model=model, max_tokens=max_tokens, messages=USER, **extra)
    text = []
    with client.messages.stream(model=model, max_tokens=max_tokens, messages=USER,
                                **extra) as stream:
        for event in stream:
            if event.type == "message_start":
                streamed_input = event.message.usage.input_tokens
            if event.type == "text":
                text.append(event.text)
        final = stream.get_final_message()
    return {"equal": without_ids(final.content) == without_ids(created.content),
            "stop_reason": final.stop_reason, "created_stop_reason": created.stop_reason,
            "blocks": [block.type for block in final.content], "text": "".join(text),
            "streamed_input_tokens": streamed_input,
            "usage_equal": final.usage.model_dump() == created.usage.model_dump()}


def tool_loop():
    messages = list(USER)
    turns = []
    while True:
        message = client.messages.create(model="claude-agent", max_tokens=1024, tools=TOOLS,
                                         messages=messages)
        uses = [block for block in message.content if block.type == "tool_use"]
        turns.append({"stop_reason": message.stop_reason,
                      "tools": [use.name for use in uses],
                      "inputs": [use.input for use in uses]})
        if message.stop_reason != "tool_use" or len(turns) > 3:
            break
        messages.append({"role": "assistant", "content": message.content})
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": use.id, "content": "22 degrees, 14:05"}
            for use in uses]})
    return {"turns": turns, "answer": message.content[-1].text}


def thinking():
    ask = {"model": "claude-agent", "max_tokens": 2048,
           "thinking": {"type": "enabled", "budget_tokens": 1024}}
    first = client.messages.create(messages=[{"role": "user", "content": "Think first."}], **ask)
    again = client.messages.create(messages=[
        {"role": "user", "content": "Think first."},
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": "And again."}], **ask)
    block = first.content[0]
    return {"blocks": [b.type for b in first.content], "thinking": block.thinking,
            "signed": bool(block.signature), "again": again.stop_reason}


def count_tokens():
    counted = client.messages.count_tokens(model="claude-fixed", messages=USER)
    created = client.messages.create(model="claude-fixed", max_tokens=16, messages=USER)
    usage = created.usage
    return {"input_tokens": counted.input_tokens,
            "message_input": usage.input_tokens + usage.cache_read_input_tokens
            + usage.cache_creation_input_tokens}


def cache_and_stop():
    """Prompt caching and the fields SDK 2.17 adds; the usage splits the input three ways."""
    ask = {"model": "claude-agent", "max_tokens": 256, "messages": USER,
           "system": [{"type": "text", "text": "You answer weather questions.",
                       "cache_control": {"type": "ephemeral"}}]}
    message = client.messages.create(cache_control={"type": "ephemeral"}, service_tier="auto",
                                      stop_sequences=["Paris"], **ask)
    counted = client.messages.count_tokens(**{k: v for k, v in ask.items() if k != "max_tokens"})
    usage = message.usage
    return {"text": message.content[0].text, "stop_reason": message.stop_reason,
            "stop_sequence": message.stop_sequence, "input_tokens": usage.input_tokens,
            "cache_read": usage.cache_read_input_tokens,
            "cache_creation": usage.cache_creation_input_tokens, "counted": counted.input_tokens}


def models():
    return [model.id for model in client.models.list()]


def overloaded():
    client.messages.create(model="claude-overloaded", max_tokens=16, messages=USER)
    return "answered"


def broken_stream():
    with client.messages.stream(model="claude-breaking", max_tokens=64, messages=USER) as stream:
        for _ in stream:
            pass
    return "finished"


def wrong_key():
    anthropic.Anthropic(base_url=base_url, api_key="wrong", max_retries=0).messages.create(
        model="claude-fixed", max_tokens=16, messages=USER)
    return "answered"


report("create", create)
report("stream text", lambda: stream_equals_create("claude-fixed"))
report("stream tools and thinking", lambda: stream_equals_create(
    "claude-agent", max_tokens=2048, tools=TOOLS, thinking={"type": "enabled", "budget_tokens": 1024}))
report("tool loop", tool_loop)
report("thinking", thinking)
report("count tokens", count_tokens)
report("cache and stop", cache_and_stop)
report("models", models)
report("overloaded", overloaded)
report("broken stream", broken_stream)
report("wrong key", wrong_key)
for status in (400, 401, 403, 404, 413, 429, 500, 503, 529):
    report(f"status {status}", lambda status=status: client.messages.create(
        model=f"claude-e{status}", max_tokens=16, messages=USER).id)
