extension ResourceID {
    /// The service-relative path of a full ARM id (`/subscriptions/…/service/{name}/apis/a` → `/apis/a`); strings
    /// that are not ARM ids of an APIM service are returned unchanged. The match is case-insensitive, as in ARM.
    public static func serviceRelativePath(_ armID: String) -> String {
        guard armID.hasPrefix("/subscriptions/") else { return armID }
        let marker = Array("/providers/microsoft.apimanagement/service/".unicodeScalars)
        let scalars = Array(armID.unicodeScalars)
        let lowered = scalars.map { $0.properties.lowercaseMapping.unicodeScalars.first ?? $0 }
        guard scalars.count > marker.count else { return armID }
        for start in 0...(scalars.count - marker.count) where Array(lowered[start..<start + marker.count]) == marker {
            let rest = scalars[(start + marker.count)...]
            guard let slash = rest.firstIndex(of: "/") else { return "/" }
            return String(String.UnicodeScalarView(scalars[slash...]))
        }
        return armID
    }

    /// The id of a full ARM id or a service-relative path (`/backends/b1`, `backends/b1`).
    public init?(armID: String) {
        let relative = ResourceID.serviceRelativePath(armID)
        self.init(armPath: relative.hasPrefix("/") ? String(relative.dropFirst()) : relative)
    }
}
