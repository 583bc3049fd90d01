import Foundation

/// An error raised while a policy runs (a failed backend call, an expression that throws, a statement that fails):
/// APIM moves to `on-error` with `context.LastError` describing it
/// (https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies).
struct PolicyFailure: Error, Sendable {
    /// The element that raised it (`forward-request`), or `configuration`.
    var source: String
    var reason: String
    var message: String
    /// The status the caller gets when `on-error` does not answer.
    var status: Int
    var section: String = ""
    var scope: String = ""
    var path: String = ""
    var policyID: String = ""
}

/// `return-response`, `mock-response`, a limit or a check ended the pipeline: the run's response is the answer.
struct PipelineReturn: Error, Sendable {}

/// Something the local gateway does not run; the request fails with this message, never skips it.
struct UnsupportedFeature: Error, Sendable {
    var message: String
}
