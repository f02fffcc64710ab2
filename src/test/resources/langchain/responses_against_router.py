"""What LangChain's ChatOpenAI on the Responses API makes of a router: one JSON line per case.

Usage: responses_against_router.py BASE_URL MODEL
ChatOpenAI(use_responses_api=True) with the router as base URL: invoke, stream, and a tool call
answered with the tool's result. No retries: each answer is seen as sent.
"""
import json
import sys

import openai
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

base_url, model = sys.argv[1:3]
llm = ChatOpenAI(model=model, base_url=base_url, api_key="unused", use_responses_api=True,
                 max_retries=0)


@tool
def get_weather(city: str) -> str:
    """Current weather in a city."""
    return f"sunny in {city}"


def invoke():
    message = llm.invoke(f"say hello to {model}")
    return {"text": message.text, "input_tokens": message.usage_metadata["input_tokens"]}


def stream():
    text = "".join(chunk.text for chunk in llm.stream(f"stream a greeting to {model}"))
    return {"text": text}


def tool_call():
    bound = llm.bind_tools([get_weather])
    question = HumanMessage(f"weather in Paris, for {model}")
    asked = bound.invoke([question])
    results = [ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"])
               for call in asked.tool_calls]
    answered = bound.invoke([question, asked, *results])
    return {"calls": [call["name"] for call in asked.tool_calls],
            "args": [call["args"] for call in asked.tool_calls],
            "then": answered.text, "then_calls": len(answered.tool_calls)}


def report(case, call):
    try:
        print(json.dumps({"case": case, "outcome": "ok", "result": call()}))
    except openai.APIStatusError as error:
        print(json.dumps({"case": case, "outcome": type(error).__name__,
                          "status": error.status_code, "message": str(error)}))
    sys.stdout.flush()


report("invoke", invoke)
report("stream", stream)
report("tools", tool_call)
