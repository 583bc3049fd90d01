"""Rough edge 2: the unmodified SDK (its own bearer-token policy, which refuses plain http) talks to the emulator's
HTTPS listener, trusting its self-signed certificate through REQUESTS_CA_BUNDLE (see run.sh)."""

import os
import time

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ServiceRequestError
from azure.mgmt.apimanagement import ApiManagementClient
from azure.mgmt.apimanagement import models as m

from conftest import RG, SERVICE, SERVICE_PATH, SUBSCRIPTION


class EmulatorToken:
    """A TokenCredential, as azure-identity's are; the emulator accepts any bearer token."""

    def __init__(self):
        self.scopes = []

    def get_token(self, *scopes, **kwargs):
        self.scopes.extend(scopes)
        return AccessToken("sdk-tls-token", int(time.time()) + 3600)


@pytest.fixture
def tls_url():
    url = os.environ.get("APIMSYNC_EMULATOR_TLS_URL")
    if not url:
        pytest.skip("APIMSYNC_EMULATOR_TLS_URL is not set: run Tests/SDKTests/run.sh BINARY")
    return url


def test_roughEdge2_the_sdk_uses_its_own_bearer_policy_over_the_tls_listener(tls_url, client):
    credential = EmulatorToken()
    sdk = ApiManagementClient(credential=credential, subscription_id=SUBSCRIPTION, base_url=tls_url, polling_interval=0)
    assert tls_url.startswith("https://")

    service = sdk.api_management_service.get(RG, SERVICE)
    assert service.id == SERVICE_PATH
    sdk.backend.create_or_update(
        RG, SERVICE, "tls-backend", m.BackendContract(url="https://tls.example.com/openai", protocol="http")
    )
    # The same service as over plain http (the `client` fixture).
    assert client.backend.get(RG, SERVICE, "tls-backend").url == "https://tls.example.com/openai"
    # The SDK asked its credential for an ARM token: its own BearerTokenCredentialPolicy sent it.
    assert credential.scopes and credential.scopes[0].endswith("/.default")


def test_roughEdge2_certificate_verification_stays_on(tls_url, monkeypatch):
    # Without the emulator's certificate in the trust store, the SDK refuses the connection.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    sdk = ApiManagementClient(credential=EmulatorToken(), subscription_id=SUBSCRIPTION, base_url=tls_url)
    with pytest.raises(ServiceRequestError):
        sdk.api_management_service.get(RG, SERVICE)
