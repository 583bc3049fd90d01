"""Fixtures: an ApiManagementClient pointed at the running emulator (see run.sh)."""

import json
import os
import urllib.request

import pytest
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.apimanagement import ApiManagementClient

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
RG = "rg-ai-gateway"
SERVICE = "enterpriseapim"
SERVICE_PATH = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.ApiManagement/service/{SERVICE}"
)


class StaticBearer(SansIOHTTPPolicy):
    """Sends a fixed bearer token. azure-core's BearerTokenCredentialPolicy refuses plain http, so the
    client gets this policy instead (the emulator accepts any bearer token unless started with --token)."""

    def on_request(self, request):
        request.http_request.headers["Authorization"] = "Bearer sdk-test-token"


class NoCredential:
    def get_token(self, *scopes, **kwargs):  # pragma: no cover - never called with StaticBearer
        raise AssertionError("the static bearer policy should be used")


@pytest.fixture(scope="session")
def emulator_url():
    url = os.environ.get("APIMSYNC_EMULATOR_URL")
    if not url:
        pytest.skip("APIMSYNC_EMULATOR_URL is not set: run Tests/SDKTests/run.sh BINARY")
    return url


@pytest.fixture
def client(emulator_url):
    # Each test starts from a fresh developer-SKU service.
    request = urllib.request.Request(emulator_url + "/_emulator/reset", method="POST")
    with urllib.request.urlopen(request) as response:
        assert response.status == 204
    return ApiManagementClient(
        credential=NoCredential(),
        subscription_id=SUBSCRIPTION,
        base_url=emulator_url,
        authentication_policy=StaticBearer(),
        polling_interval=0,
    )


@pytest.fixture
def stats(emulator_url):
    def read():
        with urllib.request.urlopen(emulator_url + "/_emulator/stats") as response:
            return json.load(response)

    return read
