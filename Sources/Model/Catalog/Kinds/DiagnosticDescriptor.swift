extension ResourceKind {
    /// A service-level diagnostic.
    public static let diagnostic = ResourceKind(declaring: "Diagnostic")
}

extension KindDescriptor {
    /// The fields apimsync manages on a diagnostic, at the service and API level alike.
    static let diagnosticFields = [
        "loggerId", "alwaysLog", "sampling", "frontend", "backend", "logClientIp", "httpCorrelationProtocol",
        "verbosity", "operationNameFormat", "metrics", "largeLanguageModel",
    ]

    /// What APIM fills in when a diagnostic leaves these out.
    static let diagnosticDefaults: [String: JSONValue] = [
        "httpCorrelationProtocol": "Legacy", "verbosity": "information", "operationNameFormat": "Name",
        "logClientIp": false,
    ]

    static let diagnostic = KindDescriptor(
        .diagnostic, path: "diagnostics/{}",
        managedFields: diagnosticFields,
        defaults: diagnosticDefaults,
        references: [PropertyReference("loggerId", to: .logger)],
        specDefinition: "DiagnosticContract",
        exportFile: "diagnostics")
}
