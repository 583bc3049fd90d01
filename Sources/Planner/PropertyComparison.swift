import Model

/// Compares the managed properties of a desired and a (normalised) live resource, as the kind's descriptor says:
/// which fields are managed, APIM's defaults for those a manifest leaves out, which are secret or masked on read.
enum PropertyComparison {
    static func fields(desired: Resource, live: Resource) -> [FieldChange] {
        let descriptor = desired.id.kind.descriptor
        var changes: [FieldChange] = []
        if descriptor.holdsPolicyDocument {
            let want = desired.properties["value"]?.stringValue ?? ""
            let have = live.properties["value"]?.stringValue ?? ""
            // The format each side was written or read in (none: unknown, read tolerantly).
            let wantFormat = desired.properties["format"]?.stringValue.flatMap(PolicyFormat.init(rawValue:))
            let haveFormat = live.properties["format"]?.stringValue.flatMap(PolicyFormat.init(rawValue:))
            if !PolicyCanonicalizer.equivalent(want, have, lhsFormat: wantFormat, rhsFormat: haveFormat) {
                changes += PolicyCanonicalizer.diff(have, want, beforeFormat: haveFormat, afterFormat: wantFormat)
            }
        }
        for key in descriptor.managedFields where key != "value" || !descriptor.holdsPolicyDocument {
            var want = desired.properties[key]
            var have = live.properties[key]
            if desired.secrets[key] != nil || (key == descriptor.secretField && desired.properties["secret"] == true) {
                continue  // secrets compare by digest, never by value
            }
            // Secrets nested in the field are compared by digest too: the rest of the field is compared without them.
            for path in desired.secrets.keys where path.hasPrefix(key + ".") {
                let rest = String(path.dropFirst(key.count + 1))
                want = want?.removing(path: rest)
                have = have?.removing(path: rest)
            }
            if descriptor.maskedOnRead.contains(key), isMasked(have),
                Set(want?.objectValue?.keys ?? []) == Set(have?.objectValue?.keys ?? [])
            {
                continue  // APIM masks these on read; only their names can be compared
            }
            guard let want else {
                if descriptor.comparedOnlyWhenSet.contains(key) { continue }
                // An import fills these from the specification when the manifest leaves them out.
                if desired.specification != nil, descriptor.filledByImport.contains(key) { continue }
                // A field APIM does not return, or returns empty, is not drift.
                guard let have, have != .null else { continue }
                if let fallback = descriptor.defaults[key] {
                    if !JSONDiff.equal(have, fallback) {
                        changes.append(
                            FieldChange(
                                path: key, before: display(have, key: key, descriptor: descriptor),
                                after: "\(display(fallback, key: key, descriptor: descriptor)) (default)"))
                    }
                } else if !isEmpty(have) {
                    changes.append(
                        FieldChange(path: key, before: display(have, key: key, descriptor: descriptor), after: nil))
                }
                continue
            }
            changes += JSONDiff.diff(have ?? descriptor.defaults[key], want, path: key).map {
                masked($0, descriptor: descriptor)
            }
        }
        return changes
    }

    /// Whether a value says nothing: null, empty, false or zero, or containers of only such values.
    static func isEmpty(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: true
        case .string(let text)?: text.isEmpty
        case .bool(let flag)?: !flag
        case .number(let number)?: number == 0
        case .array(let items)?: items.isEmpty
        case .object(let object)?: object.allSatisfy { isEmpty($0.value) }
        }
    }

    static func isMasked(_ value: JSONValue?) -> Bool {
        value?.objectValue?.contains { $0.value.stringValue?.hasPrefix("{{Logger-Credentials--") == true } == true
    }

    /// Values of fields masked on read that are not `{{named value}}` references are secrets: never shown.
    static func masked(_ change: FieldChange, descriptor: KindDescriptor) -> FieldChange {
        guard descriptor.maskedOnRead.contains(where: { change.path.hasPrefix($0) }) else { return change }
        func mask(_ text: String?) -> String? { text.map { $0.hasPrefix("{{") ? $0 : "***" } }
        return FieldChange(path: change.path, before: mask(change.before), after: mask(change.after))
    }

    static func display(_ value: JSONValue, key: String, descriptor: KindDescriptor) -> String {
        if descriptor.maskedOnRead.contains(key), let object = value.objectValue {
            return "{"
                + object.map {
                    "\($0.key): \(($0.value.stringValue ?? "").hasPrefix("{{") ? $0.value.stringValue ?? "" : "***")"
                }
                .joined(separator: ", ") + "}"
        }
        return JSONDiff.display(value)
    }
}
