"""The official `openai` package (PyPI), unchanged, against the local gateway serving the lab.

Run by GatewayTests (OpenAISDKTests) as `python3 check_openai.py <gateway URL> <subscription key>`: embeddings and
chat completions answered 200, chat from apimaoai02 while apimaoai01 is scripted to 429, and a RateLimitError once
the gold tier's token budget (50000 tokens per minute) is spent. Prints one line per check; exits non-zero on the
first failure.
"""

import json
import sys
import urllib.request

import openai
from openai import AzureOpenAI

base, key = sys.argv[1], sys.argv[2]


def script(host: str, mock: dict) -> None:
    request = urllib.request.Request(
        f"{base}/_emulator/mocks/{host}", data=json.dumps(mock).encode(), method="PUT",
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200, response.status


# As the README shows it; max_retries=0 so that a 429 surfaces instead of being retried by the client.
client = AzureOpenAI(azure_endpoint=f"{base}/aoai", api_key=key, api_version="2024-10-21", max_retries=0)
messages = [{"role": "user", "content": "Hello"}]

raw = client.embeddings.with_raw_response.create(model="text-embedding-3-small", input=["hello world"])
embeddings = raw.parse()
assert raw.status_code == 200, raw.status_code
assert raw.headers["x-apimsync-backend"] == "aoai-apimaoai01", raw.headers
assert len(embeddings.data) == 1 and len(embeddings.data[0].embedding) > 0, embeddings
assert embeddings.usage.prompt_tokens > 0, embeddings.usage
print("embeddings: 200 from", raw.headers["x-apimsync-instance"])

script("apimaoai01.openai.azure.com", {"responses": [{"status": 429, "headers": {"Retry-After": "10"}, "times": 1}]})
raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=messages)
chat = raw.parse()
assert raw.status_code == 200, raw.status_code
assert raw.headers["x-apimsync-instance"] == "apimaoai02", raw.headers
assert chat.choices[0].message.role == "assistant" and chat.choices[0].message.content, chat
assert chat.usage.total_tokens == chat.usage.prompt_tokens + chat.usage.completion_tokens, chat.usage
print("chat: 200 from apimaoai02 while apimaoai01 answers 429")

for _ in range(2):
    client.chat.completions.create(model="gpt-4o", messages=messages, max_tokens=25000)
try:
    client.chat.completions.create(model="gpt-4o", messages=messages, max_tokens=25000)
except openai.RateLimitError as error:
    assert error.status_code == 429, error.status_code
    print("budget spent: RateLimitError, Retry-After", error.response.headers.get("retry-after"))
else:
    raise AssertionError("the gold tier's token budget was not enforced")
print("ok")
