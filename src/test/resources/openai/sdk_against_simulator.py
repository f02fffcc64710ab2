"""What the OpenAI Python SDK makes of the simulator's OpenAI and Azure OpenAI modes: one JSON line
per case.

Usage: sdk_against_simulator.py ORIGIN AZURE_KEY
Models (from OpenAiSdkIT's config): Azure deployments chat-deployment and embedding-deployment;
OpenAI-compatible agent (two parallel tools, reasoning; also the Responses API), breaking (a stream cut after two words)
and text-embedding-3-small.
"""
import json
import math
import sys

import openai

origin, azure_key = sys.argv[1:3]
azure = openai.AzureOpenAI(azure_endpoint=origin, api_key=azure_key, api_version="2024-10-21",
                           max_retries=0)
plain = openai.OpenAI(base_url=origin + "/v1", api_key="unused", max_retries=0)
USER = [{"role": "user", "content": "What is the weather in Paris, and the time there?"}]
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "get_time", "parameters": {
        "type": "object", "required": ["timezone"], "properties": {"timezone": {"type": "string"}}}}},
]


def report(case, call):
    try:
        print(json.dumps({"case": case, "outcome": "ok", "result": call()}))
    except openai.APIStatusError as error:
        print(json.dumps({"case": case, "outcome": type(error).__name__,
                          "status": error.status_code, "code": error.code,
                          "message": error.message}))
    sys.stdout.flush()


def azure_chat():
    completion = azure.chat.completions.create(model="chat-deployment", messages=USER)
    return {"content": completion.choices[0].message.content,
            "finish_reason": completion.choices[0].finish_reason,
            "prompt_tokens": completion.usage.prompt_tokens}


def azure_stream():
    stream = azure.chat.completions.create(model="chat-deployment", messages=USER, stream=True,
                                           stream_options={"include_usage": True})
    text, chunks_without_choices, usage = [], 0, None
    for chunk in stream:
        if not chunk.choices:
            chunks_without_choices += 1
        else:
            text.append(chunk.choices[0].delta.content or "")
        if chunk.usage:
            usage = chunk.usage.total_tokens
    return {"text": "".join(text), "chunks_without_choices": chunks_without_choices,
            "total_tokens": usage}


def norm(vector):
    return math.sqrt(sum(value * value for value in vector))


def embeddings(client, model, **extra):
    answer = client.embeddings.create(model=model, input=["hello", "world", "hello"], **extra)
    vectors = [item.embedding for item in answer.data]
    return {"count": len(vectors), "dimensions": len(vectors[0]),
            "norm": norm(vectors[0]), "same_text_same_vector": vectors[0] == vectors[2],
            "other_text_other_vector": vectors[0] != vectors[1],
            "prompt_tokens": answer.usage.prompt_tokens}


def base64_differs_from_floats_by():
    """The SDK asks for base64 unless told otherwise; JSON floats are printed rounded."""
    floats = plain.embeddings.create(model="text-embedding-3-small", input="hello",
                                     encoding_format="float").data[0].embedding
    default = plain.embeddings.create(model="text-embedding-3-small", input="hello").data[0].embedding
    return max(abs(a - b) for a, b in zip(floats, default)) if len(floats) == len(default) else 1


def tool_stream():
    with plain.chat.completions.stream(model="agent", messages=USER, tools=TOOLS) as stream:
        for _ in stream:
            pass
        final = stream.get_final_completion()
    created = plain.chat.completions.create(model="agent", messages=USER, tools=TOOLS)
    def calls(message):
        return [(call.function.name, json.loads(call.function.arguments))
                for call in message.tool_calls]
    return {"finish_reason": final.choices[0].finish_reason,
            "calls": calls(final.choices[0].message),
            "equal": calls(final.choices[0].message) == calls(created.choices[0].message)}


def reasoning():
    completion = plain.chat.completions.create(model="agent", messages=USER, reasoning_effort="low")
    message = completion.choices[0].message
    return {"content": message.content, "reasoning": (message.model_extra or {}).get("reasoning_content"),
            "reasoning_tokens": completion.usage.completion_tokens_details.reasoning_tokens}


def broken_stream():
    """A stream the server cuts: the SDK raises while iterating, after the words it got."""
    text = []
    try:
        for chunk in plain.chat.completions.create(model="breaking", messages=USER, stream=True):
            if chunk.choices:
                text.append(chunk.choices[0].delta.content or "")
    except Exception as error:
        return {"raised": type(error).__name__, "text": "".join(text)}
    return {"raised": None, "text": "".join(text)}


RESPONSE_TOOLS = [{"type": "function", "name": tool["function"]["name"],
                   "parameters": tool["function"]["parameters"]} for tool in TOOLS]


def responses_text():
    created = plain.responses.create(model="agent", input="Weather in Paris?", reasoning={"effort": "low"})
    with plain.responses.stream(model="agent", input="Weather in Paris?",
                                reasoning={"effort": "low"}) as stream:
        deltas = "".join(event.delta for event in stream if event.type == "response.output_text.delta")
        final = stream.get_final_response()
    return {"text": created.output_text, "streamed": deltas, "final": final.output_text,
            "types": [item.type for item in final.output],
            "usage_equal": final.usage.model_dump() == created.usage.model_dump()}


def responses_tool_round_trip():
    history = [{"role": "user", "content": "Weather and time in Paris?"}]
    first = plain.responses.create(model="agent", input=history, tools=RESPONSE_TOOLS)
    calls = [item for item in first.output if item.type == "function_call"]
    for call in calls:
        history.append(call.model_dump(exclude_none=True))
        history.append({"type": "function_call_output", "call_id": call.call_id,
                        "output": "22 degrees"})
    second = plain.responses.create(model="agent", input=history, tools=RESPONSE_TOOLS)
    return {"calls": [(call.name, json.loads(call.arguments)) for call in calls],
            "answer": second.output_text}


def unknown_deployment():
    azure.chat.completions.create(model="nowhere", messages=USER)
    return "answered"


report("azure chat", azure_chat)
report("azure stream", azure_stream)
report("azure embeddings", lambda: embeddings(azure, "embedding-deployment"))
report("openai embeddings", lambda: embeddings(plain, "text-embedding-3-small"))
report("openai embeddings shortened", lambda: embeddings(plain, "text-embedding-3-small", dimensions=16))
report("base64 differs from floats by", base64_differs_from_floats_by)
report("tool stream", tool_stream)
report("reasoning", reasoning)
report("broken stream", broken_stream)
report("responses text", responses_text)
report("responses tool round trip", responses_tool_round_trip)
report("unknown deployment", unknown_deployment)
