extension ResourceKind {
    /// An Application Insights, Event Hub or Azure Monitor logger.
    public static let logger = ResourceKind(declaring: "Logger")
}

extension KindDescriptor {
    static let logger = KindDescriptor(
        .logger, path: "loggers/{}",
        managedFields: ["loggerType", "description", "resourceId", "credentials", "isBuffered"],
        defaults: ["isBuffered": true],
        // APIM stores credentials as named values and returns `{{Logger-Credentials--<id>}}` (apim-rest.md §9).
        maskedOnRead: ["credentials"],
        specDefinition: "LoggerContract",
        exportFile: "loggers")
}
