"""What the OpenAI Python SDK's Responses API makes of a router's /v1/responses: one JSON line per
case.

Usage: responses_against_router.py BASE_URL MODEL
The router keeps nothing between requests (store: false); a tool round trip sends the whole
conversation again, as Codex does.
"""
import json
import sys

import openai

base_url, model = sys.argv[1:3]
client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0)
TOOLS = [{"type": "function", "name": "get_weather", "description": "Weather in a city",
          "parameters": {"type": "object", "required": ["city"],
                         "properties": {"city": {"type": "string"}}}}]


def report(case, call):
    try:
        print(json.dumps({"case": case, "outcome": "ok", "result": call()}))
    except openai.APIStatusError as error:
        print(json.dumps({"case": case, "outcome": type(error).__name__,
                          "status": error.status_code, "message": str(error)}))
    sys.stdout.flush()


def create():
    response = client.responses.create(model=model, store=False, instructions="Be brief.",
                                       input=f"say hello to {model}")
    return {"status": response.status, "text": response.output_text,
            "input_tokens": response.usage.input_tokens}


def stream():
    events = []
    with client.responses.stream(model=model, store=False,
                                 input=f"stream a greeting to {model}") as streamed:
        for event in streamed:
            events.append(event.type)
        final = streamed.get_final_response()
    return {"first": events[0], "last": events[-1], "text": final.output_text,
            "status": final.status}


def tool_round_trip():
    items = [{"role": "user", "content": f"weather in Paris, for {model}"}]
    first = client.responses.create(model=model, store=False, tools=TOOLS, input=items)
    calls = [item for item in first.output if item.type == "function_call"]
    items += [item.model_dump(exclude_none=True) for item in first.output]
    items += [{"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}
              for call in calls]
    second = client.responses.create(model=model, store=False, tools=TOOLS, input=items)
    return {"calls": [call.name for call in calls],
            "arguments": [json.loads(call.arguments) for call in calls],
            "then": second.output_text}


def stateful():
    client.responses.create(model=model, input="hi", previous_response_id="resp_123")


report("create", create)
report("stream", stream)
report("tools", tool_round_trip)
report("stateful", stateful)
