import Foundation
import Model

/// `kind: Backend`: a single backend (`url` + `protocol`) or a load-balanced pool of backends by name.
enum BackendKind: ManifestKind {
    static let kindName = "Backend"
    static let resourceKind: ResourceKind? = .backend

    // Lengths, ranges, item counts and enums of these fields come from the official spec (validate checks every
    // lowered backend against it); the schema gives the YAML shape and what lowering needs to read.
    static let circuitBreakerRule = FieldType.object(
        ObjectSchema([
            FieldSchema("name", .string, required: true),
            FieldSchema(
                "failureCondition",
                .object(
                    ObjectSchema(
                        [
                            FieldSchema("count", .integer(1...Int(Int32.max))),
                            FieldSchema("percentage", .integer(1...100)),
                            FieldSchema("interval", .string(.duration), required: true),
                            FieldSchema(
                                "statusCodeRanges",
                                .list(
                                    .object(
                                        ObjectSchema([
                                            FieldSchema("min", .integer(nil), required: true),
                                            FieldSchema("max", .integer(nil), required: true),
                                        ])))),
                            FieldSchema("errorReasons", .list(.string)),
                        ], exclusive: [["count", "percentage"]])),
                required: true),
            FieldSchema("tripDuration", .string(.duration), required: true),
            FieldSchema("acceptRetryAfter", .boolean),
            FieldSchema("failureResponse", failureResponse),
        ]))

    static let failureResponse = FieldType.object(ObjectSchema([FieldSchema("statusCode", .integer(nil))]))

    static let poolMember = FieldType.object(
        ObjectSchema([
            FieldSchema("backend", .string, required: true),
            FieldSchema("priority", .integer(nil)),
            FieldSchema("weight", .integer(nil)),
        ]))

    /// A pool: its members, or (as APIM spells it) `services` with the pool's session affinity and failure response.
    static let pool = FieldType.listOr(
        .list(poolMember),
        .object(
            ObjectSchema([
                FieldSchema("services", .list(poolMember), required: true),
                FieldSchema(
                    "sessionAffinity",
                    .object(
                        ObjectSchema([
                            FieldSchema(
                                "sessionId",
                                .object(
                                    ObjectSchema([
                                        FieldSchema("source", .string, required: true),
                                        FieldSchema("name", .string, required: true),
                                    ])), required: true)
                        ]))),
                FieldSchema("failureResponse", failureResponse),
            ])))

    static let schema = ObjectSchema([
        FieldSchema("type", .string(.oneOf(SpecFacts.allowedValues("BackendContractProperties", "type")))),
        FieldSchema("url", .string(.url)),
        FieldSchema("protocol", .string),
        FieldSchema("title", .string),
        FieldSchema("description", .string),
        FieldSchema("resourceId", .string),
        FieldSchema(
            "credentials",
            .object(
                ObjectSchema([
                    FieldSchema("header", .map(.list(.string))),
                    FieldSchema("query", .map(.list(.string))),
                    FieldSchema("certificateIds", .list(.string)),
                    FieldSchema(
                        "authorization",
                        .object(
                            ObjectSchema([
                                FieldSchema("scheme", .string, required: true),
                                FieldSchema("parameter", .string, required: true),
                            ]))),
                    // The backend authenticates with APIM's managed identity (spec/apim/supplements.json: the
                    // AI-Gateway lab's inference-api.bicep sends it; the swagger lacks it).
                    FieldSchema(
                        "managedIdentity",
                        .object(
                            ObjectSchema([
                                FieldSchema("resource", .string, required: true), FieldSchema("clientId", .string),
                            ]))),
                ]))),
        FieldSchema("circuitBreaker", .object(ObjectSchema([FieldSchema("rules", .list(circuitBreakerRule))]))),
        FieldSchema(
            "tls",
            .object(
                ObjectSchema([
                    FieldSchema("validateCertificateChain", .boolean), FieldSchema("validateCertificateName", .boolean),
                ]))),
        FieldSchema(
            "proxy",
            .object(
                ObjectSchema([FieldSchema("url", .string(.url), required: true), FieldSchema("username", .string)]))),
        FieldSchema("pool", pool),
    ])

    static func validateName(_ name: String) -> String? { NameRules.entityID(name, maxLength: 80) }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let id = ResourceID(.backend, manifest.name)
        var spec = manifest.spec
        let isPool = spec["type"]?.stringValue == "Pool" || (spec["type"] == nil && spec["pool"] != nil)
        var properties = JSONObject([("type", .string(isPool ? "Pool" : "Single"))])
        if isPool {
            // The list form names the members; the object form is APIM's own (`services` beside the pool's options).
            let listed = spec["pool"]?.arrayValue != nil
            let membersPath = listed ? "spec.pool" : "spec.pool.services"
            guard let members = listed ? spec["pool"]?.arrayValue : spec["pool"]?["services"]?.arrayValue,
                !members.isEmpty
            else {
                context.error("a Pool backend needs at least one member in 'spec.pool'", at: manifest.location("spec"))
                return
            }
            // A pool has no url or protocol: its members have (MicrosoftDocs/azure-docs#122455).
            for field in ["url", "protocol"] where spec[field] != nil {
                context.error(
                    "a Pool backend has no '\(field)'; its members have", at: manifest.location("spec.\(field)"))
            }
            var services: [JSONValue] = []
            for (index, member) in members.enumerated() {
                guard let name = member["backend"]?.stringValue else { continue }
                context.reference(
                    from: id, to: .resource(ResourceID(.backend, name)), role: "pool member",
                    at: manifest.location("\(membersPath)[\(index)].backend"))
                var service: JSONValue = ["id": .string("/backends/\(name)")]
                if let priority = member["priority"] { service["priority"] = priority }
                if let weight = member["weight"] { service["weight"] = weight }
                services.append(service)
            }
            var pool: JSONValue = ["services": .array(services)]
            for option in ["sessionAffinity", "failureResponse"] {
                if let value = spec["pool"]?[option] { pool[option] = value }
            }
            properties["pool"] = pool
        } else {
            if spec["pool"] != nil {
                context.error("'spec.pool' needs 'type: Pool'", at: manifest.location("spec.pool"))
            }
            if spec["url"] == nil {
                context.error("missing required field 'url' in 'spec'", at: manifest.location("spec"))
            }
            if spec["protocol"] == nil { spec["protocol"] = "http" }
        }
        for (key, value) in ResourceKind.backend.descriptor.managedProperties(in: spec, except: ["type", "pool"]) {
            properties[key] = value
        }
        recordNamedValueReferences(
            in: spec["credentials"], path: "spec.credentials", of: manifest, owner: id, context: &context)
        context.add(context.resource(id, .object(properties), for: manifest))
    }

    /// Pool members are written `pool[i].backend` (or `pool.services[i].backend`) in manifests and
    /// `pool.services[i].id` in ARM.
    static func manifestPath(forProperty property: String, of id: ResourceID, in manifest: DecodedManifest) -> String? {
        guard id == ResourceID(.backend, manifest.name) else { return nil }
        guard property.hasPrefix("pool.services") else { return property.isEmpty ? "spec" : "spec." + property }
        let member = property.dropFirst("pool.services".count).replacingOccurrences(of: "].id", with: "].backend")
        return (manifest.spec["pool"]?.arrayValue != nil ? "spec.pool" : "spec.pool.services") + member
    }

    /// A Pool backend is created without url and protocol (example
    /// ApiManagementCreateBackendWithPriorityBasedLoadBalancer), although 2024-05-01 marks them required.
    static func mayOmit(required property: String, of resource: Resource) -> Bool {
        resource.properties["type"]?.stringValue == "Pool" && (property == "url" || property == "protocol")
    }

    /// Pool members by backend name, as manifests write them.
    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        var spec = ExportContext.fields(resource.properties, of: schema, kind: .backend)
        spec["pool"] = nil
        if let pool = resource.properties["pool"], let services = pool["services"]?.arrayValue {
            spec["type"] = "Pool"
            let members: JSONValue = .array(
                services.map { service in
                    var member = JSONObject([
                        ("backend", .string(ExportContext.name(of: service["id"]?.stringValue ?? "")))
                    ])
                    if let priority = service["priority"], priority != .null { member["priority"] = priority }
                    if let weight = service["weight"], weight != .null { member["weight"] = weight }
                    return .object(member)
                })
            let options = ["sessionAffinity", "failureResponse"].filter { (pool[$0] ?? .null) != .null }
            if options.isEmpty {
                spec["pool"] = members
            } else {
                var object = JSONObject([("services", members)])
                for option in options { object[option] = pool[option] }
                spec["pool"] = .object(object)
            }
        }
        return spec
    }

    /// Records `{{name}}` references found in any string under `value`.
    static func recordNamedValueReferences(
        in value: JSONValue?, path: String, of manifest: DecodedManifest, owner: ResourceID,
        context: inout LoweringContext
    ) {
        switch value {
        case .string(let text)?:
            for reference in PolicyScanner.scan(text).namedValueReferences {
                context.reference(
                    from: owner, to: .namedValue(displayName: reference.name), role: "{{\(reference.name)}}",
                    at: manifest.location(path))
            }
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                recordNamedValueReferences(
                    in: item, path: "\(path)[\(index)]", of: manifest, owner: owner, context: &context)
            }
        case .object(let object)?:
            for (key, item) in object {
                recordNamedValueReferences(
                    in: item, path: "\(path).\(key)", of: manifest, owner: owner, context: &context)
            }
        default: break
        }
    }
}
