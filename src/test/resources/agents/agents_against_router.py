"""What the OpenAI Agents SDK makes of a router's /v1/responses: one JSON line per case.

Usage: agents_against_router.py BASE_URL MODEL
An agent with one function tool runs through OpenAIResponsesModel on an AsyncOpenAI client whose
base URL is the router, once as a whole and once streamed; tracing is off (nothing leaves the host).
"""
import asyncio
import json
import sys

from agents import Agent, OpenAIResponsesModel, Runner, function_tool, set_tracing_disabled
from openai import APIStatusError, AsyncOpenAI

base_url, model = sys.argv[1:3]
set_tracing_disabled(True)
client = AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=0)
cities = []


@function_tool
def get_weather(city: str) -> str:
    """Current weather in a city."""
    cities.append(city)
    return f"sunny in {city}"


agent = Agent(name="weather", instructions="Use the tool, then answer in one sentence.",
              tools=[get_weather], model=OpenAIResponsesModel(model=model, openai_client=client))


def summary(result):
    return {"final": result.final_output, "cities": list(cities),
            "items": [item.type for item in result.new_items]}


async def run():
    return summary(await Runner.run(agent, f"weather in Paris, for {model}"))


async def streamed():
    cities.clear()
    result = Runner.run_streamed(agent, f"weather in Rome, streamed for {model}")
    events = 0
    async for _ in result.stream_events():
        events += 1
    return {**summary(result), "events": events}


async def report(case, call):
    try:
        print(json.dumps({"case": case, "outcome": "ok", "result": await call()}))
    except APIStatusError as error:
        print(json.dumps({"case": case, "outcome": type(error).__name__,
                          "status": error.status_code, "message": str(error)}))
    sys.stdout.flush()


async def main():
    # One event loop for both: the client's connections belong to the loop that opened them.
    await report("run", run)
    await report("streamed", streamed)


asyncio.run(main())
