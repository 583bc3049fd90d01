extension JSONValue {
    /// The strings found at a dotted property path, where `[]` after a name stands for every element of that list:
    /// `strings(at: "pool.services[].id")` is the `id` of every pool member.
    public func strings(at path: String) -> [String] {
        var values: [JSONValue] = [self]
        for segment in path.split(separator: ".") {
            let everyElement = segment.hasSuffix("[]")
            let name = String(everyElement ? segment.dropLast(2) : segment)
            values = values.compactMap { $0[name] }
            if everyElement { values = values.flatMap { $0.arrayValue ?? [] } }
        }
        return values.compactMap(\.stringValue)
    }
}

extension JSONValue {
    /// A copy with every string at the dotted property path (`[]` for every element of a list) replaced by
    /// `transform(string)`; other values are left as they are.
    public func mappingStrings(at path: String, _ transform: (String) -> String) -> JSONValue {
        mapping(path.split(separator: ".").map(String.init)[...], transform)
    }

    private func mapping(_ segments: ArraySlice<String>, _ transform: (String) -> String) -> JSONValue {
        guard let segment = segments.first else {
            if case .string(let text) = self { return .string(transform(text)) }
            return self
        }
        let everyElement = segment.hasSuffix("[]")
        let name = everyElement ? String(segment.dropLast(2)) : segment
        guard case .object(var object) = self, let child = object[name] else { return self }
        let rest = segments.dropFirst()
        if everyElement, case .array(let items) = child {
            object[name] = .array(items.map { $0.mapping(rest, transform) })
        } else if !everyElement {
            object[name] = child.mapping(rest, transform)
        }
        return .object(object)
    }
}

extension JSONValue {
    /// The value at a property path as validators report it (`pool.services[0].priority`), if there is one.
    public func value(atPath path: String) -> JSONValue? {
        var current: JSONValue? = self
        for segment in path.split(separator: ".") {
            var rest = Substring(segment)
            let name = rest.prefix { $0 != "[" }
            rest = rest.dropFirst(name.count)
            if !name.isEmpty { current = current?[String(name)] }
            while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                let index = Int(rest[rest.index(after: rest.startIndex)..<close]) ?? -1
                let items = current?.arrayValue ?? []
                current = items.indices.contains(index) ? items[index] : nil
                rest = rest[rest.index(after: close)...]
            }
        }
        return current
    }
}

extension JSONValue {
    /// A copy with `value` at the dotted property path (objects created on the way).
    public func setting(_ value: JSONValue, atPath path: String) -> JSONValue {
        setting(value, at: path.split(separator: ".").map(String.init)[...])
    }

    private func setting(_ value: JSONValue, at path: ArraySlice<String>) -> JSONValue {
        guard let key = path.first else { return value }
        var object = objectValue ?? JSONObject()
        object[key] = (object[key] ?? .object(JSONObject())).setting(value, at: path.dropFirst())
        return .object(object)
    }

    /// A copy without the member at the dotted property path.
    public func removing(path: String) -> JSONValue {
        removing(path.split(separator: ".").map(String.init)[...])
    }

    private func removing(_ path: ArraySlice<String>) -> JSONValue {
        guard let key = path.first, case .object(var object) = self else { return self }
        if path.count == 1 {
            object[key] = nil
        } else if let child = object[key] {
            object[key] = child.removing(path.dropFirst())
        }
        return .object(object)
    }
}
