import Foundation
import Model

/// `kind: Backend`: a single backend (`url` + `protocol`) or a load-balanced pool of backends by name.
enum BackendKind: ManifestKind {
    static let kindName = "Backend"
    static let resourceKind: ResourceKind? = .backend

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
                                            FieldSchema("min", .integer(200...599), required: true),
                                            FieldSchema("max", .integer(200...599), required: true),
                                        ])), maxCount: 10)),
                            FieldSchema("errorReasons", .list(.string, maxCount: 10)),
                        ], exclusive: [["count", "percentage"]])),
                required: true),
            FieldSchema("tripDuration", .string(.duration), required: true),
            FieldSchema("acceptRetryAfter", .boolean),
        ]))

    static let schema = ObjectSchema([
        FieldSchema("type", .string(.oneOf(["Single", "Pool"]))),
        FieldSchema("url", .string(.url)),
        FieldSchema("protocol", .string(.oneOf(["http", "soap"]))),
        FieldSchema("title", .string),
        FieldSchema("description", .string),
        FieldSchema("resourceId", .string),
        FieldSchema(
            "credentials",
            .object(
                ObjectSchema([
                    FieldSchema("header", .map(.list(.string))),
                    FieldSchema("query", .map(.list(.string))),
                    FieldSchema("certificateIds", .list(.string, maxCount: 32)),
                    FieldSchema(
                        "authorization",
                        .object(
                            ObjectSchema([
                                FieldSchema("scheme", .string, required: true),
                                FieldSchema("parameter", .string, required: true),
                            ]))),
                ]))),
        FieldSchema(
            "circuitBreaker", .object(ObjectSchema([FieldSchema("rules", .list(circuitBreakerRule, maxCount: 15))]))),
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
        FieldSchema(
            "pool",
            .list(
                .object(
                    ObjectSchema([
                        FieldSchema("backend", .string, required: true),
                        FieldSchema("priority", .integer(0...100)),
                        FieldSchema("weight", .integer(0...100)),
                    ])))),
    ])

    static func validateName(_ name: String) -> String? { NameRules.entityID(name, maxLength: 80) }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let id = ResourceID(.backend, manifest.name)
        var spec = manifest.spec
        let isPool = spec["type"]?.stringValue == "Pool" || (spec["type"] == nil && spec["pool"] != nil)
        var properties = JSONObject([("type", .string(isPool ? "Pool" : "Single"))])
        if isPool {
            guard let members = spec["pool"]?.arrayValue, !members.isEmpty else {
                context.error("a Pool backend needs at least one member in 'spec.pool'", at: manifest.location("spec"))
                return
            }
            if spec["url"] != nil {
                context.error("a Pool backend has no 'url'; its members have", at: manifest.location("spec.url"))
            }
            var services: [JSONValue] = []
            for (index, member) in members.enumerated() {
                guard let name = member["backend"]?.stringValue else { continue }
                context.reference(
                    from: id, to: .resource(ResourceID(.backend, name)), role: "pool member",
                    at: manifest.location("spec.pool[\(index)].backend"))
                var service: JSONValue = ["id": .string("/backends/\(name)")]
                if let priority = member["priority"] { service["priority"] = priority }
                if let weight = member["weight"] { service["weight"] = weight }
                services.append(service)
            }
            properties["pool"] = ["services": .array(services)]
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

    /// Pool members are written `pool[i].backend` in manifests and `pool.services[i].id` in ARM.
    static func manifestPath(forProperty property: String, of id: ResourceID, in manifest: DecodedManifest) -> String? {
        guard id == ResourceID(.backend, manifest.name) else { return nil }
        guard property.hasPrefix("pool.services") else { return property.isEmpty ? "spec" : "spec." + property }
        let member = property.dropFirst("pool.services".count)
        return "spec.pool" + member.replacingOccurrences(of: "].id", with: "].backend")
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
        if let services = resource.properties["pool"]?["services"]?.arrayValue {
            spec["type"] = "Pool"
            spec["pool"] = .array(
                services.map { service in
                    var member = JSONObject([
                        ("backend", .string(ExportContext.name(of: service["id"]?.stringValue ?? "")))
                    ])
                    if let priority = service["priority"], priority != .null { member["priority"] = priority }
                    if let weight = service["weight"], weight != .null { member["weight"] = weight }
                    return .object(member)
                })
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
