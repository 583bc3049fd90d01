"""The official Python SDK (azure-mgmt-apimanagement) against the emulator: it must speak real ARM."""

import io
import json
import os
import urllib.request
from datetime import timedelta

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.apimanagement import models as m

from conftest import RG, SERVICE, SERVICE_PATH

AOAI_SPEC = os.path.join(os.path.dirname(__file__), "..", "..", "spec", "aoai", "2024-10-21", "inference.json")


def with_headers(call, *args, **kwargs):
    """Runs an SDK call and returns (model, response headers)."""
    return call(*args, cls=lambda response, body, headers: (body, headers), **kwargs)


def test_backend_lifecycle_with_etags(client):
    created, headers = with_headers(
        client.backend.create_or_update,
        RG,
        SERVICE,
        "aoai-1",
        m.BackendContract(url="https://aoai-1.openai.azure.com/openai", protocol="http", title="AOAI 1"),
    )
    assert created.id == SERVICE_PATH + "/backends/aoai-1"
    assert created.name == "aoai-1"
    assert created.type == "Microsoft.ApiManagement/service/backends"
    first_etag = headers["ETag"]

    fetched, headers = with_headers(client.backend.get, RG, SERVICE, "aoai-1")
    assert fetched.url == "https://aoai-1.openai.azure.com/openai"
    assert headers["ETag"] == first_etag
    assert client.backend.get_entity_tag(RG, SERVICE, "aoai-1") is True

    updated, headers = with_headers(
        client.backend.update, RG, SERVICE, "aoai-1", first_etag, m.BackendUpdateParameters(description="primary")
    )
    assert updated.description == "primary"
    assert updated.url == "https://aoai-1.openai.azure.com/openai"
    assert headers["ETag"] != first_etag

    with pytest.raises(HttpResponseError) as stale:
        client.backend.update(RG, SERVICE, "aoai-1", first_etag, m.BackendUpdateParameters(description="late"))
    assert stale.value.status_code == 412
    assert stale.value.error.code == "PreconditionFailed"
    assert stale.value.error.message == "Resource was modified since last retrieval."

    with pytest.raises(HttpResponseError) as stale_delete:
        client.backend.delete(RG, SERVICE, "aoai-1", first_etag)
    assert stale_delete.value.status_code == 412

    client.backend.delete(RG, SERVICE, "aoai-1", "*")
    with pytest.raises(ResourceNotFoundError) as missing:
        client.backend.get(RG, SERVICE, "aoai-1")
    assert missing.value.error.code == "ResourceNotFound"
    # Deleting again is not an error (204).
    client.backend.delete(RG, SERVICE, "aoai-1", "*")


def test_backend_pool_and_circuit_breaker(client):
    for index in (1, 2):
        client.backend.create_or_update(
            RG,
            SERVICE,
            f"aoai-{index}",
            m.BackendContract(
                url=f"https://aoai-{index}.openai.azure.com/openai",
                protocol="http",
                circuit_breaker=m.BackendCircuitBreaker(
                    rules=[
                        m.CircuitBreakerRule(
                            name="throttled",
                            failure_condition=m.CircuitBreakerFailureCondition(
                                count=3,
                                interval="PT1M",
                                status_code_ranges=[m.FailureStatusCodeRange(min=429, max=429)],
                            ),
                            trip_duration="PT1M",
                            accept_retry_after=True,
                        )
                    ]
                ),
            ),
        )
    # The SDK flattens properties.type into the read-only resource `type`, so BackendContract cannot carry
    # `type: Pool`; the request body is sent as raw JSON instead (as in the spec example).
    body = {
        "properties": {
            "type": "Pool",
            "pool": {
                "services": [
                    {"id": SERVICE_PATH + "/backends/aoai-1", "priority": 1},
                    {"id": SERVICE_PATH + "/backends/aoai-2", "priority": 2},
                ]
            },
        }
    }
    pool = client.backend.create_or_update(RG, SERVICE, "aoai-pool", io.BytesIO(json.dumps(body).encode()))
    assert pool.type == "Microsoft.ApiManagement/service/backends"
    assert pool.url is None
    assert [s.priority for s in pool.pool.services] == [1, 2]
    assert client.backend.get(RG, SERVICE, "aoai-1").circuit_breaker.rules[0].trip_duration == timedelta(minutes=1)

    with pytest.raises(HttpResponseError) as in_pool:
        client.backend.delete(RG, SERVICE, "aoai-1", "*")
    assert in_pool.value.status_code == 400
    assert in_pool.value.error.code == "ValidationError"


def test_list_follows_next_links(client, stats):
    for index in range(7):
        client.tag.create_or_update(RG, SERVICE, f"tag-{index}", m.TagCreateUpdateParameters(display_name=f"Tag {index}"))
    before = stats()["byMethodAndKind"].get("GET tags", 0)
    names = [tag.name for tag in client.tag.list_by_service(RG, SERVICE)]
    assert names == [f"tag-{index}" for index in range(7)]
    # The emulator runs with --page-size 3: three pages.
    assert stats()["byMethodAndKind"]["GET tags"] - before == 3
    filtered = [tag.name for tag in client.tag.list_by_service(RG, SERVICE, filter="startswith(name,'tag-1')")]
    assert filtered == ["tag-1"]
    client.tag.delete(RG, SERVICE, "tag-3", "*")
    assert len(list(client.tag.list_by_service(RG, SERVICE))) == 6


def test_named_value_secrets_and_lro(client):
    poller = client.named_value.begin_create_or_update(
        RG, SERVICE, "aoai-key", m.NamedValueCreateContract(display_name="aoai-key", value="s3cr3t", secret=True)
    )
    created = poller.result()
    assert created.display_name == "aoai-key"
    assert created.value is None
    assert client.named_value.get(RG, SERVICE, "aoai-key").value is None
    assert all(nv.value is None for nv in client.named_value.list_by_service(RG, SERVICE))
    assert client.named_value.list_value(RG, SERVICE, "aoai-key").value == "s3cr3t"

    plain = client.named_value.begin_create_or_update(
        RG, SERVICE, "region", m.NamedValueCreateContract(display_name="region", value="westeurope")
    ).result()
    assert plain.value == "westeurope"

    updated = client.named_value.begin_update(
        RG, SERVICE, "region", "*", m.NamedValueUpdateParameters(value="swedencentral")
    ).result()
    assert updated.value == "swedencentral"

    vault = client.named_value.begin_create_or_update(
        RG,
        SERVICE,
        "kv",
        m.NamedValueCreateContract(
            display_name="kv",
            secret=True,
            key_vault=m.KeyVaultContractCreateProperties(secret_identifier="https://v.vault.azure.net/secrets/key"),
        ),
    ).result()
    assert vault.key_vault.last_status.code == "Success"
    refreshed = client.named_value.begin_refresh_secret(RG, SERVICE, "kv").result()
    assert refreshed.key_vault.secret_identifier == "https://v.vault.azure.net/secrets/key"

    with pytest.raises(HttpResponseError) as bad:
        client.named_value.begin_create_or_update(
            RG, SERVICE, "bad", m.NamedValueCreateContract(display_name="has space", value="x")
        )
    assert bad.value.status_code == 400
    assert bad.value.error.details[0].target == "displayName"


def test_api_lro_operations_and_revisions(client, stats):
    polls_before = stats()["byMethodAndKind"].get("GET tenant/operationResults", 0)
    api = client.api.begin_create_or_update(
        RG,
        SERVICE,
        "orders",
        m.ApiCreateOrUpdateParameter(display_name="Orders", path="orders", protocols=["https"]),
    ).result()
    assert api.name == "orders"
    assert api.api_revision == "1"
    assert api.is_current is True
    # The emulator runs with --async-polls 2: the SDK poller had to poll the Azure-AsyncOperation URL.
    assert stats()["byMethodAndKind"]["GET tenant/operationResults"] - polls_before >= 2

    operation = client.api_operation.create_or_update(
        RG,
        SERVICE,
        "orders",
        "get-order",
        m.OperationContract(
            display_name="Get order",
            method="GET",
            url_template="/orders/{id}",
            template_parameters=[m.ParameterContract(name="id", type="string", required=True)],
        ),
    )
    assert operation.url_template == "/orders/{id}"
    assert [op.name for op in client.api_operation.list_by_api(RG, SERVICE, "orders")] == ["get-order"]

    revision = client.api.begin_create_or_update(
        RG,
        SERVICE,
        "orders;rev=2",
        m.ApiCreateOrUpdateParameter(source_api_id=SERVICE_PATH + "/apis/orders", api_revision_description="v2"),
    ).result()
    assert revision.name == "orders;rev=2"
    assert [r.api_revision for r in client.api_revision.list_by_service(RG, SERVICE, "orders")] == ["1", "2"]

    client.api.update(RG, SERVICE, "orders;rev=2", "*", m.ApiUpdateContract(is_current=True))
    assert client.api.get(RG, SERVICE, "orders").api_revision == "2"

    client.api.begin_delete(RG, SERVICE, "orders", "*").result()
    with pytest.raises(ResourceNotFoundError):
        client.api.get(RG, SERVICE, "orders")


def test_openapi_import_of_the_aoai_spec(client):
    if not os.path.exists(AOAI_SPEC):
        pytest.skip(f"AOAI spec missing at {AOAI_SPEC}")
    with open(AOAI_SPEC, encoding="utf-8") as handle:
        spec = handle.read()
    api = client.api.begin_create_or_update(
        RG, SERVICE, "aoai", m.ApiCreateOrUpdateParameter(format="openapi+json", value=spec, path="openai")
    ).result()
    assert api.display_name == "Azure OpenAI Service API"
    chat = client.api_operation.get(RG, SERVICE, "aoai", "chatcompletions-create")
    assert chat.method == "POST"
    assert chat.url_template == "/deployments/{deployment-id}/chat/completions?api-version={api-version}"
    names = {op.name for op in client.api_operation.list_by_api(RG, SERVICE, "aoai")}
    assert {"completions-create", "embeddings-create", "chatcompletions-create"} <= names


def test_api_export_link_serves_a_reimportable_definition(client):
    if not os.path.exists(AOAI_SPEC):
        pytest.skip(f"AOAI spec missing at {AOAI_SPEC}")
    with open(AOAI_SPEC, encoding="utf-8") as handle:
        spec = handle.read()
    client.api.begin_create_or_update(
        RG, SERVICE, "aoai-export", m.ApiCreateOrUpdateParameter(format="openapi+json", value=spec, path="export")
    ).result()
    result = client.api_export.get(RG, SERVICE, "aoai-export", format="openapi+json-link", export="true")
    assert result.export_result_format == "openapi+json-link"
    link = result.value.link
    with urllib.request.urlopen(link) as response:  # a SAS-style link: no bearer token
        document = json.loads(response.read().decode("utf-8"))
    assert document["openapi"].startswith("3.0")
    client.api.begin_create_or_update(
        RG,
        SERVICE,
        "aoai-copy",
        m.ApiCreateOrUpdateParameter(format="openapi+json", value=json.dumps(document), path="copy"),
    ).result()

    def operations(api):
        return {
            op.name: (op.method, op.url_template, op.display_name)
            for op in client.api_operation.list_by_api(RG, SERVICE, api)
        }

    assert operations("aoai-copy") == operations("aoai-export")


POLICY_RAW = (
    "<policies>\n  <inbound>\n    <base />\n"
    '    <set-header name="x-trace" exists-action="override">'
    '<value>@(context.Request.Headers.GetValueOrDefault("a", "") + (1 < 2 ? "y" : "n"))</value></set-header>\n'
    "  </inbound>\n  <backend><base /></backend>\n  <outbound />\n</policies>"
)


def test_policy_round_trip_in_both_formats(client):
    client.api_policy.create_or_update(
        RG, SERVICE, "echo-api", "policy", m.PolicyContract(value=POLICY_RAW, format="rawxml")
    )
    xml = client.api_policy.get(RG, SERVICE, "echo-api", "policy")
    assert xml.format is None
    assert "(1 &lt; 2 ? " in xml.value
    assert "\r\n\t<inbound>\r\n\t\t<base />" in xml.value
    assert "\t<outbound />\r\n" in xml.value

    raw = client.api_policy.get(RG, SERVICE, "echo-api", "policy", format="rawxml")
    assert raw.format == "rawxml"
    assert '(1 < 2 ? "y" : "n")' in raw.value

    # Re-submitting the escaped text as xml stores the same document.
    client.api_policy.create_or_update(RG, SERVICE, "echo-api", "policy", m.PolicyContract(value=xml.value, format="xml"))
    assert client.api_policy.get(RG, SERVICE, "echo-api", "policy").value == xml.value

    service_policy = client.policy.get(RG, SERVICE, "policy", format="rawxml")
    assert "IMPORTANT:" in service_policy.value

    with pytest.raises(HttpResponseError) as malformed:
        client.policy.create_or_update(RG, SERVICE, "policy", m.PolicyContract(value="<fragment />", format="xml"))
    assert malformed.value.status_code == 400
    assert malformed.value.error.details[0].target == "representation"


def test_referential_checks(client):
    with pytest.raises(HttpResponseError) as unknown_backend:
        client.policy.create_or_update(
            RG,
            SERVICE,
            "policy",
            m.PolicyContract(
                value='<policies><inbound><set-backend-service backend-id="ghost" /></inbound></policies>'
            ),
        )
    error = unknown_backend.value.error
    assert unknown_backend.value.status_code == 400
    assert error.code == "ValidationError"
    assert error.details[0].target == "set-backend-service"
    assert error.details[0].message.endswith("Backend with id 'ghost' could not be found.")

    fragment = client.policy_fragment.begin_create_or_update(
        RG, SERVICE, "auth", m.PolicyFragmentContract(value="<fragment><base /></fragment>", format="xml")
    ).result()
    assert fragment.name == "auth"
    client.policy.create_or_update(
        RG,
        SERVICE,
        "policy",
        m.PolicyContract(value='<policies><inbound><include-fragment fragment-id="auth" /></inbound></policies>'),
    )
    with pytest.raises(HttpResponseError) as in_use:
        client.policy_fragment.delete(RG, SERVICE, "auth", "*")
    assert in_use.value.status_code == 400

    with pytest.raises(HttpResponseError) as missing_logger:
        client.diagnostic.create_or_update(
            RG, SERVICE, "applicationinsights", m.DiagnosticContract(logger_id=SERVICE_PATH + "/loggers/none")
        )
    assert missing_logger.value.status_code == 400



def details_of(raised):
    """(target, code) of every detail of an ARM error the SDK raised."""
    return [(detail.target, detail.code) for detail in raised.value.error.details]


def test_spec_constraints_reach_the_sdk_with_their_targets(client):
    # The official spec's limits (issue 12's examples): each violation is a 400 ValidationError whose detail names
    # the property, and the SDK hands it over as HttpResponseError with the details parsed.
    with pytest.raises(HttpResponseError) as backend:
        client.backend.create_or_update(
            RG,
            SERVICE,
            "long",
            m.BackendContract(url="https://b.example.com", protocol="http", description="d" * 2001),
        )
    assert backend.value.status_code == 400
    assert backend.value.error.code == "ValidationError"
    assert backend.value.error.message == "One or more fields contain incorrect values:"
    assert details_of(backend) == [("description", "ValidationError")]
    assert "2000" in backend.value.error.details[0].message

    with pytest.raises(HttpResponseError) as product:
        client.product.create_or_update(RG, SERVICE, "p", m.ProductContract(display_name="P", description="d" * 1001))
    assert details_of(product) == [("description", "ValidationError")]

    with pytest.raises(HttpResponseError) as named_value:
        client.named_value.begin_create_or_update(
            RG, SERVICE, "big", m.NamedValueCreateContract(display_name="big", value="v" * 4097)
        )
    assert details_of(named_value) == [("value", "ValidationError")]

    with pytest.raises(HttpResponseError) as version_set:
        client.api_version_set.create_or_update(
            RG,
            SERVICE,
            "vs",
            m.ApiVersionSetContract(display_name="VS", versioning_scheme="Query", version_query_name="q" * 101),
        )
    assert details_of(version_set) == [("versionQueryName", "ValidationError")]


def test_nested_and_multiple_violations_are_all_reported(client):
    client.backend.create_or_update(RG, SERVICE, "member", m.BackendContract(url="https://m.example.com", protocol="http"))
    # Raw JSON for `type: Pool` (see test_backend_pool_and_circuit_breaker).
    body = {
        "properties": {
            "type": "Pool",
            "title": "t" * 301,
            "pool": {"services": [{"id": SERVICE_PATH + "/backends/member", "priority": 101, "weight": -1}]},
        }
    }
    with pytest.raises(HttpResponseError) as pool:
        client.backend.create_or_update(RG, SERVICE, "pool", io.BytesIO(json.dumps(body).encode()))
    assert pool.value.status_code == 400
    assert sorted(target for target, _ in details_of(pool)) == [
        "pool.services[0].priority",
        "pool.services[0].weight",
        "title",
    ]

    with pytest.raises(HttpResponseError) as operation:
        client.api_operation.create_or_update(
            RG, SERVICE, "echo-api", "op", m.OperationContract(display_name="Op", method="GET", url_template="")
        )
    assert ("urlTemplate", "ValidationError") in details_of(operation)


def test_entity_ids_follow_the_path_parameter_rules(client):
    with pytest.raises(HttpResponseError) as long_id:
        client.backend.create_or_update(
            RG, SERVICE, "b" * 81, m.BackendContract(url="https://b.example.com", protocol="http")
        )
    assert long_id.value.status_code == 400
    assert details_of(long_id) == [("backendId", "ValidationError")]


def test_products_groups_subscriptions(client):
    product = client.product.create_or_update(
        RG, SERVICE, "ai", m.ProductContract(display_name="AI", subscription_required=True, state="published")
    )
    assert product.display_name == "AI"
    client.product_api.create_or_update(RG, SERVICE, "ai", "echo-api")
    assert [api.name for api in client.product_api.list_by_product(RG, SERVICE, "ai")] == ["echo-api"]
    assert client.product_api.check_entity_exists(RG, SERVICE, "ai", "echo-api") is True

    group = client.group.create_or_update(RG, SERVICE, "data-team", m.GroupCreateParameters(display_name="Data"))
    assert group.built_in is False
    client.product_group.create_or_update(RG, SERVICE, "ai", "data-team")
    assert "data-team" in [g.name for g in client.product_group.list_by_product(RG, SERVICE, "ai")]
    assert client.group.get(RG, SERVICE, "administrators").built_in is True
    with pytest.raises(HttpResponseError):
        client.group.delete(RG, SERVICE, "administrators", "*")

    client.product_policy.create_or_update(
        RG, SERVICE, "ai", "policy", m.PolicyContract(value="<policies><inbound><base /></inbound></policies>")
    )

    sub = client.subscription.create_or_update(
        RG, SERVICE, "team-a", m.SubscriptionCreateParameters(scope="/products/ai", display_name="Team A")
    )
    assert sub.primary_key is None
    assert sub.scope == SERVICE_PATH + "/products/ai"
    secrets = client.subscription.list_secrets(RG, SERVICE, "team-a")
    assert len(secrets.primary_key) == 32
    client.subscription.regenerate_primary_key(RG, SERVICE, "team-a")
    assert client.subscription.list_secrets(RG, SERVICE, "team-a").primary_key != secrets.primary_key
    assert client.subscription.get(RG, SERVICE, "master").primary_key is None
    assert [s.name for s in client.product_subscriptions.list(RG, SERVICE, "ai")] == ["team-a"]
    assert "ai" in [p.name for p in client.api_product.list_by_apis(RG, SERVICE, "echo-api")]


def test_loggers_diagnostics_version_sets_and_tags(client):
    logger = client.logger.create_or_update(
        RG,
        SERVICE,
        "appinsights",
        m.LoggerContract(logger_type="applicationInsights", credentials={"instrumentationKey": "abc-123"}),
    )
    assert logger.credentials["instrumentationKey"].startswith("{{Logger-Credentials--")
    diagnostic = client.api_diagnostic.create_or_update(
        RG,
        SERVICE,
        "echo-api",
        "applicationinsights",
        m.DiagnosticContract(
            logger_id=SERVICE_PATH + "/loggers/appinsights",
            sampling=m.SamplingSettings(sampling_type="fixed", percentage=50),
        ),
    )
    assert diagnostic.sampling.percentage == 50
    with pytest.raises(HttpResponseError):
        client.logger.delete(RG, SERVICE, "appinsights", "*")

    version_set = client.api_version_set.create_or_update(
        RG,
        SERVICE,
        "openai",
        m.ApiVersionSetContract(display_name="OpenAI", versioning_scheme="Query", version_query_name="api-version"),
    )
    assert version_set.versioning_scheme == "Query"

    client.tag.create_or_update(RG, SERVICE, "llm", m.TagCreateUpdateParameters(display_name="LLM"))
    client.tag.assign_to_api(RG, SERVICE, "echo-api", "llm")
    assert [t.name for t in client.tag.list_by_api(RG, SERVICE, "echo-api")] == ["llm"]
    link = client.tag_api_link.create_or_update(
        RG, SERVICE, "llm", "link-1", m.TagApiLinkContract(api_id=SERVICE_PATH + "/apis/echo-api")
    )
    assert link.api_id == SERVICE_PATH + "/apis/echo-api"


def test_all_policies_lists_every_scope(client):
    items = list(client.all_policies.list_by_service(RG, SERVICE))
    ids = [item.reference_policy_id for item in items]
    assert SERVICE_PATH + "/policies/policy" in ids


def _crud_cases():
    """(name, create, update, get, list, delete) per kind, each a function of the client."""
    logger_id = SERVICE_PATH + "/loggers/crud-logger"

    def make_logger(c):
        c.logger.create_or_update(RG, SERVICE, "crud-logger", m.LoggerContract(logger_type="azureMonitor"))

    return [
        (
            "api_version_set",
            None,
            lambda c: c.api_version_set.create_or_update(
                RG, SERVICE, "vs", m.ApiVersionSetContract(display_name="VS", versioning_scheme="Segment")
            ),
            lambda c: c.api_version_set.update(RG, SERVICE, "vs", "*", m.ApiVersionSetUpdateParameters(description="d")),
            lambda c: c.api_version_set.get(RG, SERVICE, "vs"),
            lambda c: c.api_version_set.list_by_service(RG, SERVICE),
            lambda c, etag: c.api_version_set.delete(RG, SERVICE, "vs", etag),
        ),
        (
            "product",
            None,
            lambda c: c.product.create_or_update(RG, SERVICE, "p1", m.ProductContract(display_name="P1")),
            lambda c: c.product.update(RG, SERVICE, "p1", "*", m.ProductUpdateParameters(description="d")),
            lambda c: c.product.get(RG, SERVICE, "p1"),
            lambda c: c.product.list_by_service(RG, SERVICE),
            lambda c, etag: c.product.delete(RG, SERVICE, "p1", etag),
        ),
        (
            "group",
            None,
            lambda c: c.group.create_or_update(RG, SERVICE, "g1", m.GroupCreateParameters(display_name="G1")),
            lambda c: c.group.update(RG, SERVICE, "g1", "*", m.GroupUpdateParameters(description="d")),
            lambda c: c.group.get(RG, SERVICE, "g1"),
            lambda c: c.group.list_by_service(RG, SERVICE),
            lambda c, etag: c.group.delete(RG, SERVICE, "g1", etag),
        ),
        (
            "subscription",
            None,
            lambda c: c.subscription.create_or_update(
                RG, SERVICE, "s1", m.SubscriptionCreateParameters(scope="/apis", display_name="S1")
            ),
            lambda c: c.subscription.update(RG, SERVICE, "s1", "*", m.SubscriptionUpdateParameters(state="active")),
            lambda c: c.subscription.get(RG, SERVICE, "s1"),
            lambda c: c.subscription.list(RG, SERVICE),
            lambda c, etag: c.subscription.delete(RG, SERVICE, "s1", etag),
        ),
        (
            "tag",
            None,
            lambda c: c.tag.create_or_update(RG, SERVICE, "t1", m.TagCreateUpdateParameters(display_name="T1")),
            lambda c: c.tag.update(RG, SERVICE, "t1", "*", m.TagCreateUpdateParameters(display_name="T1b")),
            lambda c: c.tag.get(RG, SERVICE, "t1"),
            lambda c: c.tag.list_by_service(RG, SERVICE),
            lambda c, etag: c.tag.delete(RG, SERVICE, "t1", etag),
        ),
        (
            "logger",
            None,
            lambda c: c.logger.create_or_update(RG, SERVICE, "l1", m.LoggerContract(logger_type="azureMonitor")),
            lambda c: c.logger.update(RG, SERVICE, "l1", "*", m.LoggerUpdateContract(description="d")),
            lambda c: c.logger.get(RG, SERVICE, "l1"),
            lambda c: c.logger.list_by_service(RG, SERVICE),
            lambda c, etag: c.logger.delete(RG, SERVICE, "l1", etag),
        ),
        (
            "diagnostic",
            make_logger,
            lambda c: c.diagnostic.create_or_update(RG, SERVICE, "azuremonitor", m.DiagnosticContract(logger_id=logger_id)),
            lambda c: c.diagnostic.update(
                RG, SERVICE, "azuremonitor", "*", m.DiagnosticContract(logger_id=logger_id, verbosity="error")
            ),
            lambda c: c.diagnostic.get(RG, SERVICE, "azuremonitor"),
            lambda c: c.diagnostic.list_by_service(RG, SERVICE),
            lambda c, etag: c.diagnostic.delete(RG, SERVICE, "azuremonitor", etag),
        ),
        (
            "api_operation",
            None,
            lambda c: c.api_operation.create_or_update(
                RG, SERVICE, "echo-api", "op1", m.OperationContract(display_name="Op", method="GET", url_template="/op")
            ),
            lambda c: c.api_operation.update(
                RG, SERVICE, "echo-api", "op1", "*", m.OperationUpdateContract(description="d")
            ),
            lambda c: c.api_operation.get(RG, SERVICE, "echo-api", "op1"),
            lambda c: c.api_operation.list_by_api(RG, SERVICE, "echo-api"),
            lambda c, etag: c.api_operation.delete(RG, SERVICE, "echo-api", "op1", etag),
        ),
        (
            "policy_fragment",
            None,
            lambda c: c.policy_fragment.begin_create_or_update(
                RG, SERVICE, "f1", m.PolicyFragmentContract(value="<fragment />", description="d")
            ).result(),
            None,
            lambda c: c.policy_fragment.get(RG, SERVICE, "f1"),
            lambda c: c.policy_fragment.list_by_service(RG, SERVICE),
            lambda c, etag: c.policy_fragment.delete(RG, SERVICE, "f1", etag),
        ),
    ]


@pytest.mark.parametrize("case", _crud_cases(), ids=lambda case: case[0])
def test_crud_for_every_kind(client, case):
    name, prepare, create, update, get, list_all, delete = case
    if prepare:
        prepare(client)
    created = create(client)
    assert created.id.startswith(SERVICE_PATH + "/")
    if update:
        updated = update(client)
        assert updated.id == created.id
    fetched = get(client)
    assert fetched.id == created.id
    assert created.name in [item.name for item in list_all(client)]
    with pytest.raises(HttpResponseError) as stale:
        delete(client, '"AAAAAAAAAAA="')
    assert stale.value.status_code == 412
    delete(client, "*")
    with pytest.raises(ResourceNotFoundError):
        get(client)


def test_caches_users_and_memberships(client):
    secret = "contoso.redis.cache.windows.net:6380,password=s3cr3t,ssl=True"
    cache = client.cache.create_or_update(
        RG, SERVICE, "default", m.CacheContract(connection_string=secret, use_from_location="default")
    )
    assert cache.connection_string.startswith("{{") and "s3cr3t" not in cache.connection_string
    assert client.cache.get(RG, SERVICE, "default").connection_string == cache.connection_string

    user = client.user.create_or_update(
        RG,
        SERVICE,
        "ada",
        m.UserCreateParameters(email="ada@example.com", first_name="Ada", last_name="L", password="p4ss!"),
    )
    assert user.email == "ada@example.com"
    client.group.create_or_update(RG, SERVICE, "researchers", m.GroupCreateParameters(display_name="Researchers"))
    member = client.group_user.create(RG, SERVICE, "researchers", "ada")
    assert member.name == "ada"
    assert client.group_user.check_entity_exists(RG, SERVICE, "researchers", "ada") is True
    assert [g.name for g in client.user_group.list(RG, SERVICE, "ada")] == ["researchers"]
    with pytest.raises(HttpResponseError) as no_user:
        client.group_user.create(RG, SERVICE, "researchers", "nobody")
    assert no_user.value.status_code == 404
    with pytest.raises(HttpResponseError) as bad_owner:
        client.subscription.create_or_update(
            RG,
            SERVICE,
            "s1",
            m.SubscriptionCreateParameters(display_name="S", scope="/apis", owner_id="/users/ghost"),
        )
    assert details_of(bad_owner) == [("ownerId", "ValidationError")]
