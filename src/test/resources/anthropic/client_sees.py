"""What Anthropic's Python SDK makes of a router's answers and refusals on /v1/messages: one JSON
line per case.

Usage: client_sees.py BASE_URL GOOD_KEY NARROW_KEY LIMITED_KEY SPENT_KEY
The client runs with max_retries=0 so each refusal is seen as sent, not retried.
"""
import json
import sys

import anthropic

base_url, good, narrow, limited, spent = sys.argv[1:6]


def ask(key, model="auto", content="hello", **extra):
    client = anthropic.Anthropic(base_url=base_url, api_key=key, max_retries=0)
    return client.messages.create(model=model, max_tokens=64,
                                  messages=[{"role": "user", "content": content}], **extra)


def report(case, call):
    try:
        print(json.dumps({"case": case, "outcome": "ok", "result": call()}))
    except anthropic.APIStatusError as error:
        body = error.body if isinstance(error.body, dict) else {}
        print(json.dumps({
            "case": case,
            "outcome": type(error).__name__,
            "status": error.status_code,
            "type": body.get("error", {}).get("type"),
            "message": str(error),
            "retry_after": error.response.headers.get("retry-after"),
        }))
    sys.stdout.flush()


def answered(key):
    message = ask(key, content="what is the capital of France?")
    return {"text": message.content[0].text, "input_tokens": message.usage.input_tokens}


def until_limited(key):
    for _ in range(10):
        ask(key, content="count me")
    return "never limited"


report("answered", lambda: answered(good))
report("wrong key", lambda: answered("sk-not-a-key-of-this-router"))
report("model not allowed", lambda: ask(narrow, model="gpt-4o"))
report("unknown model", lambda: ask(good, model="claude-nothing"))
report("rate limited", lambda: until_limited(limited))
report("budget spent", lambda: answered(spent))
# Over the default maxRequestBytes, 1 MiB.
report("too large", lambda: ask(good, content="x" * 1_100_000))
