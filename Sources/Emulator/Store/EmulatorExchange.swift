/// One request the emulator answered and its answer, recorded when ``EmulatorOptions/recordRequests`` is set (a
/// request log for tests that check what a client sends, e.g. that no secret leaves it but in its own PUT).
public struct EmulatorExchange: Sendable {
    public var method: String
    /// The percent-decoded path.
    public var path: String
    /// The percent-decoded query, `name=value` joined with `&`.
    public var query: String
    /// Request headers, names lower-cased.
    public var headers: [String: String]
    /// The request body (UTF-8, invalid bytes replaced).
    public var body: String
    /// The answer's status; 0 for a dropped connection.
    public var status: Int
    public var responseHeaders: [(String, String)]
    public var responseBody: String
}

extension EmulatorStore {
    /// Appends one exchange to the request log when recording is on.
    func record(_ request: EmuRequest, _ response: EmuResponse) {
        guard options.recordRequests else { return }
        requestLog.append(
            EmulatorExchange(
                method: request.method, path: request.rawPath,
                query: request.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&"), headers: request.headers,
                body: String(decoding: request.body, as: UTF8.self), status: response.drop ? 0 : response.status,
                responseHeaders: response.headers, responseBody: String(decoding: response.body, as: UTF8.self)))
    }

    func recordedRequests() -> [EmulatorExchange] { requestLog }
}
