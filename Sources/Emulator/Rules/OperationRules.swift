import Model

/// API operations: every parameter the URL template names must be a template parameter, and the reverse
/// (apim-rest.md §3.4); the lists `templateParameters` and `responses` read back empty when not given.
struct OperationRules: EntityRules {
    var kinds: [EntityKind] { [.operations] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        try Self.checkTemplateParameters(props)
        if props["templateParameters"] == nil { props["templateParameters"] = [] }
        if props["responses"] == nil { props["responses"] = [] }
        return Prepared(props)
    }

    static func checkTemplateParameters(_ props: JSONObject) throws(ARMError) {
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
        let defined = Set(
            (props["templateParameters"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue?.lowercased() })
        guard used == defined else {
            throw ARMError.validation(
                target: "templateParameters",
                message:
                    "All template parameters used in the UriTemplate must be defined in the Operation, and vice-versa.")
        }
    }
}
