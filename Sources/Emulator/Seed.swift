import Foundation
import Model

/// The state of a newly created developer-SKU service: echo-api, starter/unlimited, built-in groups, the
/// master subscription and the default global policy.
enum Seed {
    static func fresh(options: EmulatorOptions, random: inout SeededGenerator) -> EmulatorState {
        var state = EmulatorState()
        let service = options.servicePath
        func hex(_ length: Int) -> String {
            var out = ""
            while out.count < length { out += String(format: "%016llx", random.next()) }
            return String(out.prefix(length))
        }
        let created = "2026-01-01T00:00:00.000Z"

        state.save(
            key: "policies/policy", kind: .policies,
            properties: JSONObject([("value", .string(DefaultPolicies.global))]))

        for (name, display, description, type) in [
            (
                "administrators", "Administrators",
                "Administrators is a built-in group containing the admin email account provided at the time of service creation. Its membership is managed by the system.",
                "system"
            ),
            (
                "developers", "Developers",
                "Developers is a built-in group. Its membership is managed by the system. Signed-in users fall into this group.",
                "system"
            ),
            (
                "guests", "Guests",
                "Guests is a built-in group. Its membership is managed by the system. Unauthenticated users visiting the developer portal fall into this group.",
                "system"
            ),
        ] {
            state.save(
                key: "groups/\(name)", kind: .groups,
                properties: JSONObject([
                    ("displayName", .string(display)), ("description", .string(description)), ("builtIn", true),
                    ("type", .string(type)),
                ]))
        }

        state.save(
            key: "apis/echo-api;rev=1", kind: .apis,
            properties: JSONObject([
                ("displayName", "Echo API"), ("apiRevision", "1"), ("subscriptionRequired", true),
                ("serviceUrl", "http://echoapi.cloudapp.net/api"), ("path", "echo"), ("protocols", ["https"]),
                (
                    "subscriptionKeyParameterNames",
                    .object(JSONObject([("header", "Ocp-Apim-Subscription-Key"), ("query", "subscription-key")]))
                ),
                ("isCurrent", true), ("type", "http"), ("isOnline", true),
            ]),
            hidden: JSONObject([("createdDateTime", .string(created))]))
        state.currentRevision["echo-api"] = "1"
        var echo = state.entity("apis/echo-api;rev=1")
        echo?.properties["isCurrent"] = nil
        echo?.properties["apiRevision"] = nil
        if let echo { state.put(echo) }

        func parameter(_ name: String, _ description: String, required: Bool) -> JSONValue {
            .object(
                JSONObject([
                    ("name", .string(name)), ("description", .string(description)), ("type", "string"),
                    ("required", .bool(required)), ("values", []),
                ]))
        }
        let queryTemplate: [JSONValue] = [
            parameter(
                "param1", "A sample parameter that is required and has a default value of \"sample\".", required: true),
            parameter("param2", "Another sample parameter, set to not required.", required: false),
        ]
        let operations: [(String, String, String, String, [JSONValue], String)] = [
            (
                "create-resource", "Create resource", "POST", "/resource", [],
                "A demonstration of a POST call based on the echo backend above. The request body is expected to contain JSON-formatted data (see example below). A policy is used to automatically transform any request sent in JSON directly to XML. In a real-world scenario this could be used to enable modern clients to speak to a legacy backend."
            ),
            (
                "modify-resource", "Modify Resource", "PUT", "/resource", [],
                "A demonstration of a PUT call handled by the same \"echo\" backend as above. You can now specify a request body in addition to headers and it will be returned as well."
            ),
            (
                "remove-resource", "Remove resource", "DELETE", "/resource", [],
                "A demonstration of a DELETE call which traditionally deletes the resource. It is based on the same \"echo\" backend as in all other operations so nothing is actually deleted."
            ),
            (
                "retrieve-header-only", "Retrieve header only", "HEAD", "/resource", [],
                "The HEAD operation returns only headers. In this demonstration a policy is used to set additional headers when the response is returned and to enable JSONP."
            ),
            (
                "retrieve-resource", "Retrieve resource", "GET", "/resource?param1={param1}&param2={param2}",
                queryTemplate,
                "A demonstration of a GET call on a sample resource. It is handled by an \"echo\" backend which returns a response equal to the request (the supplied headers and body are being returned as received)."
            ),
            (
                "retrieve-resource-cached", "Retrieve resource (cached)", "GET",
                "/resource-cached?param1={param1}&param2={param2}", queryTemplate,
                "A demonstration of a GET call with caching enabled on the same \"echo\" backend as above. Cache TTL is set to 1 hour. When you make the first request the headers you supplied will be cached. Subsequent calls will return the same headers as the first time even if you change them in your request."
            ),
        ]
        for (name, display, method, template, parameters, description) in operations {
            state.save(
                key: "apis/echo-api;rev=1/operations/\(name)", kind: .operations,
                properties: JSONObject([
                    ("displayName", .string(display)), ("method", .string(method)), ("urlTemplate", .string(template)),
                    ("templateParameters", .array(parameters)), ("description", .string(description)),
                    (
                        "request",
                        .object(JSONObject([("queryParameters", []), ("headers", []), ("representations", [])]))
                    ),
                    ("responses", []),
                ]))
        }

        state.save(
            key: "products/starter", kind: .products,
            properties: JSONObject([
                ("displayName", "Starter"),
                ("description", "Subscribers will be able to run 5 calls/minute up to a maximum of 100 calls/week."),
                ("subscriptionRequired", true), ("approvalRequired", false), ("subscriptionsLimit", 1),
                ("state", "published"),
            ]))
        state.save(
            key: "products/unlimited", kind: .products,
            properties: JSONObject([
                ("displayName", "Unlimited"),
                (
                    "description",
                    "Subscribers have completely unlimited access to the API. Administrator approval is required."
                ),
                ("subscriptionRequired", true), ("approvalRequired", true), ("subscriptionsLimit", 1),
                ("state", "published"),
            ]))
        for product in ["starter", "unlimited"] {
            state.save(key: "products/\(product)/apis/echo-api", kind: .productApis, properties: JSONObject())
            for group in ["administrators", "developers", "guests"] {
                state.save(
                    key: "products/\(product)/groups/\(group)", kind: .productGroups, properties: JSONObject())
            }
        }
        state.save(
            key: "products/starter/policies/policy", kind: .productPolicies,
            properties: JSONObject([
                (
                    "value",
                    "<policies>\r\n\t<inbound>\r\n\t\t<rate-limit calls=\"5\" renewal-period=\"60\" />\r\n\t\t<quota calls=\"100\" renewal-period=\"604800\" />\r\n\t\t<base />\r\n\t</inbound>\r\n\t<backend>\r\n\t\t<base />\r\n\t</backend>\r\n\t<outbound>\r\n\t\t<base />\r\n\t</outbound>\r\n\t<on-error>\r\n\t\t<base />\r\n\t</on-error>\r\n</policies>"
                )
            ]))

        state.save(
            key: "subscriptions/master", kind: .subscriptions,
            properties: JSONObject([
                ("scope", .string(service + "/apis")), ("displayName", "Built-in all-access subscription"),
                ("state", "active"), ("createdDate", .string(created)), ("allowTracing", false),
            ]),
            hidden: JSONObject([("primaryKey", .string(hex(32))), ("secondaryKey", .string(hex(32)))]))
        return state
    }
}
