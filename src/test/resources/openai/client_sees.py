"""What the OpenAI Python client makes of a router's answers: one JSON line per case.

Usage: client_sees.py BASE_URL GOOD_KEY NARROW_KEY LIMITED_KEY SPENT_KEY
The client runs with max_retries=0 so each refusal is seen as sent, not retried.
"""
import json
import sys

import openai

base_url, good, narrow, limited, spent = sys.argv[1:6]


def client(key):
    return openai.OpenAI(base_url=base_url, api_key=key, max_retries=0)


def ask(key, model="auto", content="hello", **extra):
    return client(key).chat.completions.create(
        model=model, messages=[{"role": "user", "content": content}], **extra)


def report(case, call):
    try:
        result = call()
        print(json.dumps({"case": case, "outcome": "ok", "result": result}))
    except openai.APIStatusError as error:
        print(json.dumps({
            "case": case,
            "outcome": type(error).__name__,
            "status": error.status_code,
            "code": error.code,
            "type": error.type,
            "param": error.param,
            "message": error.message,
            "retry_after": error.response.headers.get("retry-after"),
            "limit_requests": error.response.headers.get("x-ratelimit-limit-requests"),
            "remaining_requests": error.response.headers.get("x-ratelimit-remaining-requests"),
            "reset_requests": error.response.headers.get("x-ratelimit-reset-requests"),
        }))
    sys.stdout.flush()


def answered(key):
    completion = ask(key, content="what is the capital of France?")
    return {"model": completion.model, "content": completion.choices[0].message.content,
            "total_tokens": completion.usage.total_tokens}


def streamed(key):
    stream = ask(key, content="stream me", stream=True)
    return {"text": "".join(chunk.choices[0].delta.content or ""
                            for chunk in stream if chunk.choices)}


def until_limited(key):
    for _ in range(10):
        ask(key, content="count me")
    return "never limited"


report("answered", lambda: answered(good))
report("streamed", lambda: streamed(good))
report("wrong key", lambda: answered("sk-not-a-key-of-this-router"))
report("model not allowed", lambda: ask(narrow, model="gpt-4o"))
report("rate limited", lambda: until_limited(limited))
report("budget spent", lambda: answered(spent))
# Over the default maxRequestBytes, 1 MiB.
report("too large", lambda: ask(good, content="x" * 1_100_000))
