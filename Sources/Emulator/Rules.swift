import Foundation
import Model

/// Follow-up work of a write that needs the saved entity.
enum AfterWrite: Sendable {
    case api(makeCurrent: Bool, cloneFrom: String?, operations: [ImportedOperation]?)
    case release(apiKey: String)
}

/// Collects validation problems so that all of them are reported at once.
struct Checks {
    var details: [ARMError.Detail] = []

    mutating func add(_ target: String, _ message: String) {
        details.append(ARMError.Detail(code: "ValidationError", target: target, message: message))
    }

    mutating func required(_ props: JSONObject, _ name: String, maxLength: Int? = nil) {
        guard let value = props[name], !value.isNull else {
            add(name, "'\(name)' is required.")
            return
        }
        guard let text = value.stringValue else {
            add(name, "'\(name)' must be a string.")
            return
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            add(name, "'\(name)' must not be empty.")
        } else if let maxLength, text.count > maxLength {
            add(name, "'\(name)' must be at most \(maxLength) characters long.")
        }
    }

    mutating func oneOf(_ props: JSONObject, _ name: String, _ allowed: [String], required: Bool) {
        guard let value = props[name], !value.isNull else {
            if required { add(name, "'\(name)' is required.") }
            return
        }
        guard let text = value.stringValue, allowed.contains(where: { $0.lowercased() == text.lowercased() }) else {
            add(name, "'\(name)' must be one of: \(allowed.joined(separator: ", ")).")
            return
        }
    }

    func check() throws(ARMError) {
        if !details.isEmpty { throw ARMError.validation(details) }
    }
}

extension Prepared {
    init(_ properties: JSONObject, hidden: JSONObject? = nil, after: AfterWrite? = nil) {
        self.properties = properties
        self.hidden = hidden
        self.after = after
    }
}

extension EmulatorStore {
    static let entityIdForbidden = CharacterSet(charactersIn: "*#&+:<>?")

    /// Identifier length limits from the swagger's path parameters (1–80 for these, 1–256 otherwise).
    static let idMaxLength: [String: Int] = [
        "backends": 80, "tags": 80, "apis/operations": 80, "apis/schemas": 80, "apis/diagnostics": 80,
        "diagnostics": 80, "apis/releases": 80, "apiVersionSets": 80, "policyFragments": 80,
        "apis/tagDescriptions": 80, "products/apiLinks": 80, "products/groupLinks": 80, "tags/apiLinks": 80,
        "tags/operationLinks": 80, "tags/productLinks": 80,
    ]

    // MARK: - Per-kind preparation of a write

    func prepare(_ context: inout WriteContext, patchBody: JSONObject?) throws(ARMError) -> Prepared {
        let kind = context.kind
        let name = context.route.names.last ?? ""
        if context.isPatch && (kind.policy || kind.pattern == "policyFragments" || kind.isLink) {
            throw methodNotAllowed("PATCH")
        }
        if name.rangeOfCharacter(from: Self.entityIdForbidden) != nil, kind.pattern != "apis" || !name.contains(";rev=")
        {
            throw ARMError.validation(
                target: "id", message: "Invalid identifier '\(name)': it must match ^[^*#&+:<>?]+$.")
        }
        let maxLength = Self.idMaxLength[kind.pattern] ?? 256
        if !kind.isAssociation, !kind.policy, name.count > maxLength {
            throw ARMError.validation(
                target: "id", message: "The identifier '\(name)' is longer than \(maxLength) characters.")
        }
        var props = context.properties
        var checks = Checks()
        if kind.policy {
            guard name.lowercased() == "policy" else {
                throw ARMError.validation(target: "policyId", message: "The policy identifier must be 'policy'.")
            }
            let document = try policyDocument(props, root: "policies")
            return Prepared(JSONObject([("value", .string(document.stored))]))
        }
        if kind.isLink, let property = kind.linkProperty, let target = kind.linkTarget {
            checks.required(props, property)
            try checks.check()
            let id = props[property]?.stringValue ?? ""
            guard let targetKey = keyFromId(id), let targetEntity = state.entity(targetKey),
                targetEntity.kind == target
            else {
                throw ARMError.validation(
                    target: property,
                    message: "\(Kind.byPattern[target]?.label ?? "Entity") with id '\(id)' could not be found.")
            }
            return Prepared(JSONObject([(property, .string(armId(targetEntity.key)))]))
        }
        switch kind.pattern {
        case "policyFragments":
            let fragmentName = name.unicodeScalars
            let word = fragmentName.allSatisfy {
                $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-"
            }
            if !word || name.hasPrefix("-") || name.hasSuffix("-") || name.count > 80 {
                throw ARMError.validation(
                    target: "id",
                    message:
                        "Invalid policy fragment identifier '\(name)': it must match (^[\\w]+$)|(^[\\w][\\w\\-]+[\\w]$)."
                )
            }
            let document = try policyDocument(props, root: "fragment")
            var out = JSONObject()
            if let description = props["description"], !description.isNull { out["description"] = description }
            out["value"] = .string(document.stored)
            return Prepared(out)
        case "apis":
            return try prepareApi(&context)
        case "apis/operations":
            checks.required(props, "displayName", maxLength: 300)
            checks.required(props, "method")
            checks.required(props, "urlTemplate", maxLength: 1000)
            for (offset, response) in (props["responses"]?.arrayValue ?? []).enumerated() {
                if response["statusCode"]?.numberValue == nil {
                    checks.add("responses[\(offset)].statusCode", "'statusCode' is required.")
                }
            }
            let representations =
                (props["request"]?["representations"]?.arrayValue ?? [])
                + (props["responses"]?.arrayValue ?? []).flatMap { $0["representations"]?.arrayValue ?? [] }
            if representations.contains(where: { $0["contentType"]?.stringValue == nil }) {
                checks.add("representations", "Every representation needs a 'contentType'.")
            }
            try checks.check()
            try checkTemplateParameters(props)
            if props["templateParameters"] == nil { props["templateParameters"] = [] }
            if props["responses"] == nil { props["responses"] = [] }
            return Prepared(props)
        case "apis/diagnostics", "diagnostics":
            return try prepareDiagnostic(props)
        case "apis/schemas":
            checks.required(props, "contentType")
            if props["document"]?.objectValue == nil { checks.add("document", "'document' is required.") }
            try checks.check()
            return Prepared(props)
        case "apis/releases":
            checks.required(props, "apiId")
            try checks.check()
            let id = props["apiId"]?.stringValue ?? ""
            guard let apiKey = keyFromId(id), let api = state.entity(apiKey), api.kind == "apis" else {
                throw ARMError.validation(target: "apiId", message: "Api with id '\(id)' could not be found.")
            }
            props["apiId"] = .string(servicePath + "/apis/" + api.name)
            let now = Self.timestamp()
            props["createdDateTime"] = context.existing?.properties["createdDateTime"] ?? .string(now)
            props["updatedDateTime"] = .string(now)
            return Prepared(props, after: .release(apiKey: api.key))
        case "backends":
            return try prepareBackend(props)
        case "namedValues":
            return try prepareNamedValue(context, patchBody: patchBody)
        case "loggers":
            return try prepareLogger(context)
        case "apiVersionSets":
            checks.required(props, "displayName", maxLength: 100)
            checks.oneOf(props, "versioningScheme", ["Segment", "Query", "Header"], required: true)
            let scheme = props["versioningScheme"]?.stringValue?.lowercased()
            if scheme == "query" { checks.required(props, "versionQueryName", maxLength: 100) }
            if scheme == "header" { checks.required(props, "versionHeaderName", maxLength: 100) }
            try checks.check()
            return Prepared(props)
        case "products":
            checks.required(props, "displayName", maxLength: 300)
            checks.oneOf(props, "state", ["notPublished", "published"], required: false)
            if props["subscriptionRequired"]?.boolValue == false {
                if props["approvalRequired"]?.boolValue == true {
                    checks.add(
                        "approvalRequired", "'approvalRequired' can be set only when 'subscriptionRequired' is true.")
                }
                if let limit = props["subscriptionsLimit"], !limit.isNull {
                    checks.add(
                        "subscriptionsLimit",
                        "'subscriptionsLimit' can be set only when 'subscriptionRequired' is true.")
                }
            }
            try checks.check()
            if props["subscriptionRequired"] == nil { props["subscriptionRequired"] = true }
            if props["state"] == nil { props["state"] = "notPublished" }
            return Prepared(props)
        case "groups":
            if let existing = context.existing, existing.properties["builtIn"]?.boolValue == true {
                throw ARMError.badRequest("System group '\(existing.name)' cannot be modified.")
            }
            checks.required(props, "displayName", maxLength: 300)
            checks.oneOf(props, "type", ["custom", "system", "external"], required: false)
            try checks.check()
            props["builtIn"] = false
            if props["type"] == nil || props["type"]?.stringValue == "system" { props["type"] = "custom" }
            return Prepared(props)
        case "subscriptions":
            return try prepareSubscription(context)
        case "apis/tagDescriptions":
            guard let tag = state.entity("tags/\(name)") else {
                throw ARMError.validation(
                    target: "tagDescriptionId", message: "Tag with id '\(name)' could not be found.")
            }
            props["displayName"] = tag.properties["displayName"] ?? .null
            props["tagId"] = .string(armId(tag.key))
            return Prepared(props)
        case "tags":
            checks.required(props, "displayName", maxLength: 160)
            try checks.check()
            return Prepared(props)
        default:
            return Prepared(props)
        }
    }

    // MARK: - Policies

    func policyDocument(_ props: JSONObject, root: String) throws(ARMError) -> PolicyDocument {
        guard let value = props["value"]?.stringValue, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw ARMError.validation(target: "value", message: "'value' is required.")
        }
        let format = props["format"]?.stringValue ?? "xml"
        let document = try PolicyDocument.parse(value, format: format, root: root)
        try checkPolicyReferences(document)
        return document
    }

    func namedValue(displayName: String) -> Entity? {
        let wanted = displayName.lowercased()
        return state.all(kind: "namedValues").first {
            ($0.properties["displayName"]?.stringValue ?? $0.name).lowercased() == wanted
        }
    }

    func namedValueText(_ displayName: String) -> String? {
        guard let entity = namedValue(displayName: displayName) else { return nil }
        return entity.hidden["value"]?.stringValue
    }

    /// The referential checks APIM makes when a policy or fragment is saved (§11.3), one detail per problem.
    func checkPolicyReferences(_ document: PolicyDocument) throws(ARMError) {
        var checks = Checks()
        var reported = Set<String>()
        for reference in document.references(resolve: { self.namedValueText($0) }) {
            let place = "Error in element '\(reference.element)' on line \(reference.line), column \(reference.column)"
            switch reference.kind {
            case .namedValue:
                guard namedValue(displayName: reference.id) == nil,
                    reported.insert("nv:" + reference.id.lowercased()).inserted
                else { continue }
                // APIM answers "Property 'x' not found." for an unknown named value in backend credentials
                // (Azure/apiops #491); in a policy it is reported in the element style of the other checks.
                checks.add(reference.element, "\(place): Property '\(reference.id)' not found.")
            case .backend:
                if state.entity("backends/\(reference.id)") == nil {
                    checks.add(reference.element, "\(place): Backend with id '\(reference.id)' could not be found.")
                }
            case .fragment:
                if state.entity("policyFragments/\(reference.id)") == nil {
                    checks.add(
                        reference.element, "\(place): Policy fragment with id '\(reference.id)' could not be found.")
                }
            }
        }
        try checks.check()
    }

    // MARK: - APIs

    func prepareApi(_ context: inout WriteContext) throws(ARMError) -> Prepared {
        let props = context.properties
        let internalName = String(context.key.split(separator: "/")[1])
        let (base, rev) = Self.splitApiName(internalName)
        var checks = Checks()
        guard Int(rev).map({ $0 >= 1 }) == true else {
            throw ARMError.validation(target: "apiRevision", message: "Invalid API revision '\(rev)'.")
        }
        var source: Entity?
        if let sourceId = props["sourceApiId"]?.stringValue, context.existing == nil {
            guard let sourceKey = keyFromId(sourceId), let found = state.entity(sourceKey), found.kind == "apis" else {
                throw ARMError.validation(
                    target: "sourceApiId", message: "Api with id '\(sourceId)' could not be found.")
            }
            source = found
        }
        let current = state.currentRevision[base.lowercased()]
        if context.existing == nil, source == nil, let current, current != rev {
            source = state.entity("apis/\(base);rev=\(current)")
        }
        var out = JSONObject()
        if context.isPatch, let existing = context.existing {
            out = existing.properties
        } else if let source {
            out = source.properties
            out["apiRevisionDescription"] = nil
        }
        let ignored: Set<String> = [
            "format", "value", "wsdlSelector", "apiType", "translateRequiredQueryParameters", "sourceApiId",
            "provisioningState", "isOnline", "apiRevision", "isCurrent",
        ]
        for (key, value) in props where !ignored.contains(key) { out[key] = value }
        var imported: [ImportedOperation]?
        if !context.isPatch, let format = props["format"]?.stringValue {
            guard let value = props["value"]?.stringValue else {
                throw ARMError.validation(target: "value", message: "'value' is required when 'format' is given.")
            }
            let result = try OpenAPIImport.importDocument(
                format: format, value: value,
                translateRequiredQuery: props["translateRequiredQueryParameters"]?.stringValue ?? "template")
            if let result {
                if out["displayName"] == nil, let title = result.title { out["displayName"] = .string(title) }
                if out["description"] == nil, let description = result.description {
                    out["description"] = .string(description)
                }
                if out["serviceUrl"] == nil, let serviceUrl = result.serviceUrl {
                    out["serviceUrl"] = .string(serviceUrl)
                }
                imported = result.operations
            }
            if out["displayName"] == nil { out["displayName"] = .string(base) }
        }
        checks.oneOf(out, "type", ["http", "soap", "websocket", "graphql", "odata", "grpc"], required: false)
        if let apiType = props["apiType"]?.stringValue, out["type"] == nil {
            out["type"] = .string(apiType == "soap" ? "soap" : apiType)
        }
        if let path = out["path"], let text = path.stringValue {
            if text.count > 400 { checks.add("path", "'path' must be at most 400 characters long.") }
        } else {
            checks.add("path", "'path' is required.")
        }
        checks.required(out, "displayName", maxLength: 300)
        if let protocols = out["protocols"]?.arrayValue {
            for item in protocols where !["http", "https", "ws", "wss"].contains(item.stringValue?.lowercased() ?? "") {
                checks.add(
                    "protocols", "Invalid protocol '\(item.stringValue ?? "")'. Allowed values: http, https, ws, wss.")
            }
        }
        if let serviceUrl = out["serviceUrl"]?.stringValue, !serviceUrl.isEmpty,
            URL(string: serviceUrl)?.scheme == nil
        {
            checks.add("serviceUrl", "'serviceUrl' must be an absolute URL.")
        }
        if let setId = out["apiVersionSetId"]?.stringValue, !setId.isEmpty {
            if let setKey = keyFromId(setId), let set = state.entity(setKey), set.kind == "apiVersionSets" {
                out["apiVersionSetId"] = .string(armId(set.key))
            } else {
                checks.add("apiVersionSetId", "Api version set with id '\(setId)' could not be found.")
            }
        }
        try checks.check()
        // The path (with the version) is unique per service, except between versions of one version set.
        let path = out["path"]?.stringValue?.lowercased() ?? ""
        let version = out["apiVersion"]?.stringValue ?? ""
        let versionSet = out["apiVersionSetId"]?.stringValue?.lowercased()
        for other in state.all(kind: "apis") {
            let otherBase = Self.splitApiName(other.name).base
            guard otherBase.lowercased() != base.lowercased(),
                (other.properties["path"]?.stringValue ?? "").lowercased() == path,
                (other.properties["apiVersion"]?.stringValue ?? "") == version
            else { continue }
            if let versionSet, other.properties["apiVersionSetId"]?.stringValue?.lowercased() == versionSet,
                !version.isEmpty
            {
                continue
            }
            throw ARMError.validation(
                target: "path",
                message:
                    "Cannot create API '\(base)' with the same Path '\(path)' as API '\(otherBase)' unless it's a part of the same version set."
            )
        }
        if out["protocols"] == nil { out["protocols"] = ["https"] }
        if out["subscriptionKeyParameterNames"] == nil {
            out["subscriptionKeyParameterNames"] = .object(
                JSONObject([("header", "Ocp-Apim-Subscription-Key"), ("query", "subscription-key")]))
        }
        if out["subscriptionRequired"] == nil { out["subscriptionRequired"] = true }
        if out["type"] == nil { out["type"] = "http" }
        if out["isOnline"] == nil { out["isOnline"] = true }
        var hidden = context.existing?.hidden ?? JSONObject()
        if hidden["createdDateTime"] == nil { hidden["createdDateTime"] = .string(Self.timestamp()) }
        let makeCurrent = props["isCurrent"]?.boolValue == true
        return Prepared(
            out, hidden: hidden,
            after: .api(
                makeCurrent: makeCurrent, cloneFrom: context.existing == nil ? source?.key : nil, operations: imported))
    }

    func checkTemplateParameters(_ props: JSONObject) throws(ARMError) {
        let template = props["urlTemplate"]?.stringValue ?? ""
        var used = Set<String>()
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            var name = String(rest[rest.index(after: open)..<close])
            if name.hasPrefix("*") { name.removeFirst() }
            used.insert(name.lowercased())
            rest = rest[rest.index(after: close)...]
        }
        var defined = Set<String>()
        for parameter in props["templateParameters"]?.arrayValue ?? [] {
            guard let name = parameter["name"]?.stringValue, parameter["type"]?.stringValue != nil else {
                throw ARMError.validation(
                    target: "templateParameters", message: "Every template parameter needs 'name' and 'type'.")
            }
            defined.insert(name.lowercased())
        }
        guard used == defined else {
            throw ARMError.validation(
                target: "templateParameters",
                message:
                    "All template parameters used in the UriTemplate must be defined in the Operation, and vice-versa.")
        }
    }

    // MARK: - Backends, named values, loggers, diagnostics, subscriptions

    func prepareBackend(_ input: JSONObject) throws(ARMError) -> Prepared {
        var props = input
        var checks = Checks()
        checks.oneOf(props, "type", ["Single", "Pool"], required: false)
        if props["type"]?.stringValue?.lowercased() == "pool" {
            let services = props["pool"]?["services"]?.arrayValue ?? []
            if services.isEmpty { checks.add("pool", "A backend pool needs at least one service in 'pool.services'.") }
            for (offset, service) in services.enumerated() {
                guard let id = service["id"]?.stringValue else {
                    checks.add("pool.services[\(offset)].id", "'id' is required.")
                    continue
                }
                guard let key = keyFromId(id), let member = state.entity(key), member.kind == "backends" else {
                    checks.add("pool.services[\(offset)].id", "Backend with id '\(id)' could not be found.")
                    continue
                }
                if member.properties["type"]?.stringValue?.lowercased() == "pool" {
                    checks.add(
                        "pool.services[\(offset)].id", "Backend '\(member.name)' is a pool and cannot be a pool member."
                    )
                }
                if let priority = service["priority"]?.numberValue, !(0...100).contains(priority) {
                    checks.add("pool.services[\(offset)].priority", "'priority' must be between 0 and 100.")
                }
                if let weight = service["weight"]?.numberValue, !(0...100).contains(weight) {
                    checks.add("pool.services[\(offset)].weight", "'weight' must be between 0 and 100.")
                }
            }
            try checks.check()
            var out = JSONObject()
            out["title"] = props["title"] ?? .null
            out["type"] = "Pool"
            out["url"] = props["url"] ?? .null
            out["protocol"] = props["protocol"] ?? .null
            for (key, value) in props where out[key] == nil { out[key] = value }
            return Prepared(out)
        }
        checks.required(props, "url", maxLength: 2000)
        checks.oneOf(props, "protocol", ["http", "soap"], required: true)
        for name in Self.namedValueReferences(inBackend: props) where namedValue(displayName: name) == nil {
            checks.add("credentials", "Property '\(name)' not found.")
        }
        if let url = props["url"]?.stringValue, !url.isEmpty, URL(string: url)?.scheme == nil {
            checks.add("url", "'url' must be an absolute URL.")
        }
        if let rules = props["circuitBreaker"]?["rules"]?.arrayValue {
            if rules.count > 15 { checks.add("circuitBreaker.rules", "At most 15 circuit breaker rules are allowed.") }
            for (offset, rule) in rules.enumerated() {
                if let ranges = rule["failureCondition"]?["statusCodeRanges"]?.arrayValue {
                    for range in ranges {
                        let low = range["min"]?.numberValue ?? 200
                        let high = range["max"]?.numberValue ?? 599
                        if low < 200 || high > 599 || low > high {
                            checks.add(
                                "circuitBreaker.rules[\(offset)].failureCondition.statusCodeRanges",
                                "Status code ranges must lie within 200-599.")
                        }
                    }
                }
            }
        }
        try checks.check()
        if props["type"] == nil { props["type"] = "Single" }
        return Prepared(props)
    }

    /// `{{named value}}` references in a backend's credentials (header and query values, authorization).
    static func namedValueReferences(inBackend props: JSONObject) -> [String] {
        var texts: [String] = []
        func collect(_ value: JSONValue?) {
            switch value {
            case .string(let text): texts.append(text)
            case .array(let items): items.forEach { collect($0) }
            case .object(let object): object.forEach { collect($0.value) }
            default: break
            }
        }
        collect(props["credentials"])
        var seen = Set<String>()
        return texts.flatMap { PolicyDocument.namedValueNames(in: $0) }.filter { seen.insert($0.lowercased()).inserted }
    }

    func prepareNamedValue(_ context: WriteContext, patchBody: JSONObject?) throws(ARMError) -> Prepared {
        var props = context.properties
        var hidden = context.existing?.hidden ?? JSONObject()
        var checks = Checks()
        checks.required(props, "displayName", maxLength: 256)
        let displayName = props["displayName"]?.stringValue ?? ""
        if !displayName.isEmpty, !displayName.unicodeScalars.allSatisfy(NamedValueRules.allowed) {
            checks.add(
                "displayName", "'displayName' may contain only letters, digits, '-', '.' and '_' (^[A-Za-z0-9-._]+$).")
        }
        // On PATCH the body decides between value and keyVault; on PUT both together are rejected.
        let source = patchBody ?? props
        let newValue = source["value"]
        let newKeyVault = source["keyVault"]
        if patchBody == nil, newValue != nil, newValue?.isNull == false, newKeyVault != nil,
            newKeyVault?.isNull == false
        {
            checks.add("keyVault", "'value' and 'keyVault' are mutually exclusive.")
        }
        if let newValue, !newValue.isNull {
            guard let text = newValue.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                checks.add("value", "'value' must not be empty or white space.")
                try checks.check()
                return Prepared(props)
            }
            if text.count > 4096 { checks.add("value", "'value' must be at most 4096 characters long.") }
            hidden["value"] = .string(text)
            props["keyVault"] = nil
        } else if let keyVault = newKeyVault?.objectValue {
            if keyVault["secretIdentifier"]?.stringValue == nil {
                checks.add("keyVault.secretIdentifier", "'secretIdentifier' is required.")
            }
            var vault = JSONObject()
            vault["secretIdentifier"] = keyVault["secretIdentifier"] ?? .null
            vault["identityClientId"] = keyVault["identityClientId"] ?? .null
            vault["lastStatus"] = .object(
                JSONObject([("code", "Success"), ("timeStampUtc", .string(Self.timestamp()))]))
            props["keyVault"] = .object(vault)
            hidden["value"] = .string("keyvault-secret:" + (keyVault["secretIdentifier"]?.stringValue ?? ""))
        } else if context.existing == nil || patchBody == nil {
            checks.add("value", "Either 'value' or 'keyVault' must be provided.")
        }
        if let tags = props["tags"]?.arrayValue, tags.count > 32 { checks.add("tags", "At most 32 tags are allowed.") }
        for other in state.all(kind: "namedValues")
        where other.key.lowercased() != context.key.lowercased()
            && (other.properties["displayName"]?.stringValue ?? "").lowercased() == displayName.lowercased()
        {
            // Azure/apiops #837: target "name", "Property with the same name already exist."
            checks.add("name", "Property with the same name already exist.")
        }
        try checks.check()
        props["value"] = nil
        if props["secret"] == nil { props["secret"] = false }
        if props["tags"] == nil { props["tags"] = [] }
        return Prepared(props, hidden: hidden)
    }

    func prepareLogger(_ context: WriteContext) throws(ARMError) -> Prepared {
        var props = context.properties
        var checks = Checks()
        checks.oneOf(props, "loggerType", ["azureEventHub", "applicationInsights", "azureMonitor"], required: true)
        if let description = props["description"]?.stringValue, description.count > 256 {
            checks.add("description", "'description' must be at most 256 characters long.")
        }
        let type = props["loggerType"]?.stringValue?.lowercased()
        let credentials = props["credentials"]?.objectValue ?? JSONObject()
        if type == "azureeventhub" || type == "applicationinsights", credentials.isEmpty, props["resourceId"] == nil {
            checks.add(
                "credentials", "'credentials' are required for logger type '\(props["loggerType"]?.stringValue ?? "")'."
            )
        }
        try checks.check()
        // APIM keeps logger credentials as auto-created secret named values and shows only the reference.
        var masked = JSONObject()
        for (key, value) in credentials {
            guard let text = value.stringValue else { continue }
            if text.hasPrefix("{{") && text.hasSuffix("}}") {
                masked[key] = value
                continue
            }
            let name = "Logger-Credentials--" + hexId()
            state.save(
                key: "namedValues/\(name)", kind: "namedValues",
                properties: JSONObject([("displayName", .string(name)), ("secret", true), ("tags", [])]),
                hidden: JSONObject([("value", .string(text))]))
            masked[key] = .string("{{\(name)}}")
        }
        if !credentials.isEmpty { props["credentials"] = .object(masked) }
        if props["isBuffered"] == nil { props["isBuffered"] = true }
        return Prepared(props)
    }

    func prepareDiagnostic(_ input: JSONObject) throws(ARMError) -> Prepared {
        var props = input
        var checks = Checks()
        checks.required(props, "loggerId")
        checks.oneOf(props, "alwaysLog", ["allErrors"], required: false)
        checks.oneOf(props, "verbosity", ["verbose", "information", "error"], required: false)
        checks.oneOf(props, "httpCorrelationProtocol", ["None", "Legacy", "W3C"], required: false)
        checks.oneOf(props, "operationNameFormat", ["Name", "Url"], required: false)
        if let sampling = props["sampling"]?.objectValue {
            checks.oneOf(sampling, "samplingType", ["fixed"], required: false)
        }
        try checks.check()
        let id = props["loggerId"]?.stringValue ?? ""
        guard let key = keyFromId(id), let logger = state.entity(key), logger.kind == "loggers" else {
            throw ARMError.validation(target: "loggerId", message: "Logger with id '\(id)' could not be found.")
        }
        props["loggerId"] = .string(armId(logger.key))
        if let percentage = props["sampling"]?["percentage"]?.numberValue, !(0...100).contains(percentage) {
            throw ARMError.validation(target: "sampling.percentage", message: "'percentage' must be between 0 and 100.")
        }
        return Prepared(props)
    }

    func prepareSubscription(_ context: WriteContext) throws(ARMError) -> Prepared {
        var props = context.properties
        var checks = Checks()
        checks.required(props, "scope")
        checks.required(props, "displayName", maxLength: 100)
        checks.oneOf(
            props, "state", ["suspended", "active", "expired", "submitted", "rejected", "cancelled"], required: false)
        try checks.check()
        let scope = props["scope"]?.stringValue ?? ""
        let relative: String
        if scope.lowercased().hasPrefix(servicePath.lowercased()) {
            relative = String(scope.dropFirst(servicePath.count))
        } else {
            relative = scope.hasPrefix("/") ? scope : "/" + scope
        }
        if relative.lowercased() == "/apis" {
            props["scope"] = .string(servicePath + "/apis")
        } else if let key = keyFromId(relative), let target = state.entity(key),
            target.kind == "apis" || target.kind == "products"
        {
            props["scope"] = .string(armId(target.key))
        } else {
            throw ARMError.validation(target: "scope", message: "Subscription scope '\(scope)' could not be found.")
        }
        var hidden = context.existing?.hidden ?? JSONObject()
        for keyName in ["primaryKey", "secondaryKey"] {
            if let given = props[keyName]?.stringValue {
                guard (1...256).contains(given.count) else {
                    throw ARMError.validation(
                        target: keyName, message: "'\(keyName)' must be 1 to 256 characters long.")
                }
                hidden[keyName] = .string(given)
            } else if hidden[keyName] == nil {
                hidden[keyName] = .string(hexId(32))
            }
            props[keyName] = nil
        }
        if props["state"] == nil { props["state"] = context.existing?.properties["state"] ?? "submitted" }
        if props["createdDate"] == nil {
            props["createdDate"] = context.existing?.properties["createdDate"] ?? .string(Self.timestamp())
        }
        return Prepared(props, hidden: hidden)
    }

    // MARK: - After a write

    func afterWrite(_ context: WriteContext, _ entity: Entity, _ prepared: Prepared) {
        switch prepared.after {
        case .api(let makeCurrent, let cloneFrom, let imported):
            let (base, rev) = Self.splitApiName(entity.name)
            if state.currentRevision[base.lowercased()] == nil || makeCurrent {
                state.currentRevision[base.lowercased()] = rev
            }
            if let cloneFrom {
                let prefix = cloneFrom.lowercased() + "/"
                for child in state.entities.values.sorted(by: { $0.seq < $1.seq })
                where child.key.lowercased().hasPrefix(prefix) {
                    let suffix = child.key.dropFirst(cloneFrom.count)
                    state.save(
                        key: entity.key + suffix, kind: child.kind, properties: child.properties, hidden: child.hidden)
                }
            }
            if let imported { applyImport(imported, apiKey: entity.key) }
        case .release(let apiKey):
            if let api = state.entity(apiKey) {
                let (base, rev) = Self.splitApiName(api.name)
                state.currentRevision[base.lowercased()] = rev
            }
        case nil:
            break
        }
    }

    /// Creates, updates in place (keeping policies) and deletes operations as an OpenAPI re-import does.
    func applyImport(_ operations: [ImportedOperation], apiKey: String) {
        let existing = state.children(of: apiKey, kind: "apis/operations")
        let wanted = Set(operations.map { $0.name.lowercased() })
        for operation in existing where !wanted.contains(operation.name.lowercased()) {
            state.removeTree(operation.key)
        }
        for operation in operations {
            let key = "\(apiKey)/operations/\(operation.name)"
            let before = state.entity(key)
            state.save(key: before?.key ?? key, kind: "apis/operations", properties: operation.properties)
            if before == nil,
                let twin = existing.first(where: {
                    $0.properties["method"]?.stringValue == operation.properties["method"]?.stringValue
                        && $0.properties["urlTemplate"]?.stringValue == operation.properties["urlTemplate"]?.stringValue
                }),
                let policy = state.entity(twin.key + "/policies/policy")
            {
                state.save(
                    key: key + "/policies/policy", kind: "apis/operations/policies", properties: policy.properties)
            }
        }
    }

    // MARK: - Deletes

    /// Everything that still references `entity` (policies, pools, diagnostics), as ARM ids.
    func referrers(of entity: Entity) -> [String] {
        var result: [String] = []
        let policyKinds = Set(Kind.all.filter(\.policy).map(\.pattern) + ["policyFragments"])
        let displayName = entity.properties["displayName"]?.stringValue?.lowercased()
        for candidate in state.entities.values.sorted(by: { $0.seq < $1.seq }) {
            if policyKinds.contains(candidate.kind), entity.kind != "loggers" {
                guard let text = candidate.properties["value"]?.stringValue else { continue }
                let policy = PolicyDocument(storedText: text)
                let hit = policy.references(resolve: { self.namedValueText($0) }).contains { reference in
                    switch (reference.kind, entity.kind) {
                    case (.namedValue, "namedValues"): return reference.id.lowercased() == displayName
                    case (.backend, "backends"): return reference.id.lowercased() == entity.name.lowercased()
                    case (.fragment, "policyFragments"): return reference.id.lowercased() == entity.name.lowercased()
                    default: return false
                    }
                }
                if hit { result.append(armId(candidate.key)) }
            }
            if entity.kind == "namedValues", candidate.kind == "backends",
                Self.namedValueReferences(inBackend: candidate.properties).contains(where: {
                    $0.lowercased() == displayName
                })
            {
                result.append(armId(candidate.key))
            }
            if entity.kind == "backends", candidate.kind == "backends" {
                let members = candidate.properties["pool"]?["services"]?.arrayValue ?? []
                if members.contains(where: {
                    $0["id"]?.stringValue.flatMap { keyFromId($0) }?.lowercased() == entity.key.lowercased()
                }) {
                    result.append(armId(candidate.key))
                }
            }
            if entity.kind == "loggers", candidate.kind == "diagnostics" || candidate.kind == "apis/diagnostics" {
                if candidate.properties["loggerId"]?.stringValue.flatMap({ keyFromId($0) })?.lowercased()
                    == entity.key.lowercased()
                {
                    result.append(armId(candidate.key))
                }
            }
        }
        return result
    }

    func checkDeletable(_ kind: Kind, _ entity: Entity, _ request: EmuRequest) throws(ARMError) {
        if kind.pattern == "groups", entity.properties["builtIn"]?.boolValue == true {
            throw ARMError.badRequest("System group '\(entity.name)' cannot be deleted.")
        }
        if kind.pattern == "subscriptions", entity.name.lowercased() == "master" {
            throw ARMError.badRequest("The master subscription cannot be deleted.")
        }
        if kind.pattern == "apis", let requested = request.rawPath.split(separator: "/").last,
            requested.lowercased().contains(";rev=")
        {
            // Naming the current revision explicitly deletes only that revision, which APIM refuses while others exist.
            let (base, rev) = Self.splitApiName(entity.name)
            let revisions = state.all(kind: "apis").filter {
                Self.splitApiName($0.name).base.lowercased() == base.lowercased()
            }
            if state.currentRevision[base.lowercased()] == rev, revisions.count > 1 {
                throw ARMError.badRequest("Cannot delete the current revision of an API.")
            }
        }
        guard ["namedValues", "backends", "loggers", "policyFragments"].contains(kind.pattern) else { return }
        let users = referrers(of: entity)
        guard !users.isEmpty else { return }
        // APIM's answer for a fragment (Azure/apiops-cli #261): 400 ValidationError, details null,
        // "The Policy Fragment 'x' is used by the following entities:\r\n/policies/policy\r\n". The other kinds
        // follow the same pattern (their exact wording is not documented).
        let what: String
        switch kind.pattern {
        case "namedValues": what = "The Named Value"
        case "backends": what = "The Backend"
        case "loggers": what = "The Logger"
        default: what = "The Policy Fragment"
        }
        let relative = users.map { id in
            id.lowercased().hasPrefix(servicePath.lowercased()) ? String(id.dropFirst(servicePath.count)) : id
        }
        throw ARMError.badRequest(
            "\(what) '\(entity.name)' is used by the following entities:\r\n"
                + relative.map { $0 + "\r\n" }.joined())
    }

    func cascadeDelete(_ kind: Kind, _ entity: Entity, _ request: EmuRequest) {
        switch kind.pattern {
        case "apis":
            let (base, rev) = Self.splitApiName(entity.name)
            let lowerBase = base.lowercased()
            let isCurrent = state.currentRevision[lowerBase] == rev
            let all = isCurrent || request.queryValue("deleteRevisions")?.lowercased() == "true"
            if all {
                let prefix = "apis/\(lowerBase);rev="
                for key in state.entities.keys where key.hasPrefix(prefix) && key.split(separator: "/").count == 2 {
                    state.removeTree(key)
                }
                state.currentRevision[lowerBase] = nil
                removeAssociations(targetKind: "apis", name: base)
            } else {
                state.removeTree(entity.key)
            }
        case "groups":
            state.removeTree(entity.key)
            removeAssociations(targetKind: "groups", name: entity.name)
        case "tags":
            state.removeTree(entity.key)
            removeAssociations(targetKind: "tags", name: entity.name)
        case "products":
            state.removeTree(entity.key)
            removeAssociations(targetKind: "products", name: entity.name)
            if request.queryValue("deleteSubscriptions")?.lowercased() == "true" {
                let id = armId(entity.key).lowercased()
                for subscription in state.all(kind: "subscriptions")
                where subscription.properties["scope"]?.stringValue?.lowercased() == id {
                    state.removeTree(subscription.key)
                }
            }
        case "apis/operations":
            state.removeTree(entity.key)
            let id = armId(entity.key).lowercased()
            for link in state.all(kind: "tags/operationLinks")
            where link.properties["operationId"]?.stringValue?.lowercased() == id {
                state.removeTree(link.key)
            }
        default:
            state.removeTree(entity.key)
        }
    }

    /// Drops association entries and `*Links` that point at a deleted entity.
    func removeAssociations(targetKind: String, name: String) {
        let lowerName = name.lowercased()
        for kind in Kind.all where kind.associationTarget == targetKind {
            for link in state.all(kind: kind.pattern) where link.name.lowercased() == lowerName {
                state.removeTree(link.key)
            }
        }
        for kind in Kind.all where kind.linkTarget == targetKind {
            for link in state.all(kind: kind.pattern) {
                guard let id = link.properties[kind.linkProperty ?? ""]?.stringValue else { continue }
                let last = id.split(separator: "/").last.map { Self.splitApiName(String($0)).base.lowercased() }
                let segment = id.split(separator: "/").dropLast().last.map { $0.lowercased() }
                if last == lowerName, segment == targetKind.split(separator: "/").last?.lowercased() {
                    state.removeTree(link.key)
                }
            }
        }
    }

    // MARK: - POST actions

    func postAction(
        _ kind: Kind, _ route: Route, _ action: String, _ request: EmuRequest
    ) throws(ARMError) -> EmuResponse {
        try checkAncestors(route)
        let key = itemKey(route)
        guard let entity = state.entity(key) else { throw ARMError.notFound(kind.label) }
        switch (kind.pattern, action.lowercased()) {
        case ("namedValues", "listvalue"):
            return .json(
                200, .object(JSONObject([("value", entity.hidden["value"] ?? .null)])), headers: [("ETag", entity.etag)]
            )
        case ("namedValues", "refreshsecret"):
            guard entity.properties["keyVault"] != nil else {
                throw ARMError.badRequest("Named value '\(entity.name)' is not a Key Vault reference.")
            }
            var props = entity.properties
            if var vault = props["keyVault"]?.objectValue {
                vault["lastStatus"] = .object(
                    JSONObject([("code", "Success"), ("timeStampUtc", .string(Self.timestamp()))]))
                props["keyVault"] = .object(vault)
            }
            let saved = state.save(key: entity.key, kind: entity.kind, properties: props)
            let headers = startOperation(key: saved.key, finalStatus: 200, apiLock: nil, isDelete: false, request)
            if options.asyncPolls > 0 { return .empty(202, headers: headers) }
            return .json(200, envelope(saved), headers: headers + [("ETag", saved.etag)])
        case ("subscriptions", "listsecrets"):
            return .json(
                200,
                .object(
                    JSONObject([
                        ("primaryKey", entity.hidden["primaryKey"] ?? .null),
                        ("secondaryKey", entity.hidden["secondaryKey"] ?? .null),
                    ])),
                headers: [("ETag", entity.etag)])
        case ("subscriptions", "regenerateprimarykey"), ("subscriptions", "regeneratesecondarykey"):
            var hidden = entity.hidden
            hidden[action.lowercased() == "regenerateprimarykey" ? "primaryKey" : "secondaryKey"] = .string(hexId(32))
            state.save(key: entity.key, kind: entity.kind, properties: entity.properties, hidden: hidden)
            return .empty(204)
        case ("policyFragments", "listreferences"):
            let items: [JSONValue] = referrers(of: entity).map { id in
                .object(
                    JSONObject([
                        ("id", .string(id)), ("name", .string(String(id.split(separator: "/").last ?? ""))),
                        ("type", "Microsoft.ApiManagement/service/policies"),
                    ]))
            }
            return try page(items, request, filter: nil)
        case ("backends", "reconnect"):
            return .empty(202)
        default:
            throw ARMError(
                status: 404, code: "ResourceNotFound",
                message: "The action '\(action)' is not supported on \(kind.label).")
        }
    }
}
