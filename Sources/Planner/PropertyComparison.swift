import Model

/// Compares the managed properties of a desired and a (normalised) live resource.
enum PropertyComparison {
    static func fields(desired: Resource, live: Resource) -> [FieldChange] {
        let kind = desired.id.kind
        var changes: [FieldChange] = []
        if kind.isPolicy || kind == .policyFragment {
            let want = desired.properties["value"]?.stringValue ?? ""
            let have = live.properties["value"]?.stringValue ?? ""
            if !PolicyCanonicalizer.equivalent(want, have) {
                changes += PolicyCanonicalizer.diff(have, want)
            }
        }
        let defaults = PropertyRules.defaults(kind)
        for key in PropertyRules.managedKeys(kind) where key != "value" || !(kind.isPolicy || kind == .policyFragment) {
            let want = desired.properties[key]
            let have = live.properties[key]
            if key == "value", kind == .namedValue,
                desired.secret != nil || desired.properties["secret"]?.boolValue == true
            {
                continue  // secrets compare by digest, never by value
            }
            if key == "credentials", kind == .logger, isMasked(have),
                Set(want?.objectValue?.keys ?? []) == Set(have?.objectValue?.keys ?? [])
            {
                continue  // APIM masks logger credentials on read; only their names can be compared
            }
            guard let want else {
                if PropertyRules.comparedOnlyWhenSet(kind).contains(key) { continue }
                // An import fills these from the specification when the manifest leaves them out.
                if kind == .api, desired.specification != nil, ["serviceUrl", "description"].contains(key) { continue }
                // A field APIM does not return, or returns empty, is not drift.
                guard let have, have != .null else { continue }
                if let fallback = defaults[key] {
                    if !JSONDiff.equal(have, fallback) {
                        changes.append(
                            FieldChange(
                                path: key, before: display(have, key: key, kind: kind),
                                after: "\(display(fallback, key: key, kind: kind)) (default)"))
                    }
                } else if !PropertyRules.isEmpty(have) {
                    changes.append(FieldChange(path: key, before: display(have, key: key, kind: kind), after: nil))
                }
                continue
            }
            changes += JSONDiff.diff(have ?? defaults[key], want, path: key).map { masked($0, kind: kind) }
        }
        return changes
    }

    static func isMasked(_ value: JSONValue?) -> Bool {
        value?.objectValue?.contains { $0.value.stringValue?.hasPrefix("{{Logger-Credentials--") == true } == true
    }

    /// Logger credentials that are not `{{named value}}` references are secrets: never shown.
    static func masked(_ change: FieldChange, kind: ResourceKind) -> FieldChange {
        guard kind == .logger, change.path.hasPrefix("credentials") else { return change }
        func mask(_ text: String?) -> String? { text.map { $0.hasPrefix("{{") ? $0 : "***" } }
        return FieldChange(path: change.path, before: mask(change.before), after: mask(change.after))
    }

    static func display(_ value: JSONValue, key: String, kind: ResourceKind) -> String {
        if kind == .logger, key == "credentials", let object = value.objectValue {
            return "{"
                + object.map {
                    "\($0.key): \(($0.value.stringValue ?? "").hasPrefix("{{") ? $0.value.stringValue ?? "" : "***")"
                }
                .joined(separator: ", ") + "}"
        }
        return JSONDiff.display(value)
    }
}
