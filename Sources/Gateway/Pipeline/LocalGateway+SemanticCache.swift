import Foundation
import Model

/// An answer `llm-semantic-cache-store` kept: the vector of the prompt it answered, and until when it is served.
struct SemanticCacheEntry {
    var vector: [Float]
    var response: ResponseState
    var expires: Double
}

/// What a lookup that missed leaves for the store in `<outbound>`: the partition (`vary-by` values) and the
/// prompt's vector.
struct SemanticCacheMiss {
    var partition: String
    var vector: [Float]
}

extension LocalGateway {
    /// `llm-semantic-cache-lookup` / `azure-openai-semantic-cache-lookup`
    /// (https://learn.microsoft.com/azure/api-management/llm-semantic-cache-lookup-policy). The prompt (the chat
    /// messages, without system messages when `ignore-system-messages` is true; a completion's `prompt`; a
    /// `responses` input) is embedded by the simulated embeddings deployment `embeddings-backend-id` points at; an
    /// answer stored under the same `vary-by` values for a prompt whose vector lies within `score-threshold` (a cosine
    /// distance: lower values require closer prompts) answers the request at once, without a backend. A request with
    /// no prompt, or more than `max-message-count` messages, is not cached; as the page says, a lookup that cannot
    /// be made raises no error (the request goes on as a miss, noted in the trace).
    func semanticCacheLookup(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        guard let threshold = try double("score-threshold", of: element, policy: policy, run),
            (0...1).contains(threshold)
        else {
            throw PolicyFailure(
                source: element.name, reason: "PolicyConfigurationError",
                message: "'score-threshold' of <\(element.name)> must be a number from 0.0 to 1.0.", status: 500)
        }
        let backendID = try required("embeddings-backend-id", of: element, policy: policy, run)
        let ignoreSystem = try boolean("ignore-system-messages", of: element, policy: policy, run) ?? false
        let maxMessages = try integer("max-message-count", of: element, policy: policy, run)
        var partition: [String] = []
        for child in element.elements where child.name == "vary-by" {
            partition.append(try content(of: child, policy: policy, run, trimming: true).csharpString)
        }
        guard snapshot.backend(backendID) != nil else {
            noteLast(run, "miss: no backend '\(backendID)' for embeddings")
            return
        }
        guard let prompt = Self.cachedPrompt(run.body, ignoreSystemMessages: ignoreSystem, maxMessages: maxMessages)
        else {
            noteLast(run, "not cached: no prompt, or more messages than max-message-count")
            return
        }
        let vector = SimulatedOpenAI.embedding(prompt, dimensions: Self.cacheDimensions)
        let key = partition.joined(separator: "\u{1F}")
        let now = clock.now()
        semanticCache[key]?.removeAll { $0.expires <= now }
        let nearest = (semanticCache[key] ?? []).map { entry in
            (entry: entry, distance: 1 - Double(zip(vector, entry.vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }))
        }.min { $0.distance < $1.distance }
        if let nearest, nearest.distance <= threshold {
            noteLast(run, "hit (score \(ExpressionValue.format(max(0, (nearest.distance * 1000).rounded() / 1000))))")
            run.response = nearest.entry.response
            throw PipelineReturn()
        }
        noteLast(run, "miss")
        run.semanticCacheMiss = SemanticCacheMiss(partition: key, vector: vector)
    }

    /// `llm-semantic-cache-store` / `azure-openai-semantic-cache-store`
    /// (https://learn.microsoft.com/azure/api-management/llm-semantic-cache-store-policy): keeps the answer to a
    /// prompt the lookup missed for `duration` seconds (on the gateway's clock). Only successful answers are kept;
    /// without a lookup that missed there is nothing to store, and no error.
    func semanticCacheStore(_ element: PolicyElement, _ policy: CompiledPolicy, _ run: PolicyRun) throws {
        guard let duration = try double("duration", of: element, policy: policy, run), duration >= 0 else {
            throw PolicyFailure(
                source: element.name, reason: "PolicyConfigurationError",
                message: "<\(element.name)> needs a 'duration' in seconds.", status: 500)
        }
        guard let miss = run.semanticCacheMiss, let response = run.response, (200..<300).contains(response.status)
        else {
            noteLast(run, "nothing stored")
            return
        }
        semanticCache[miss.partition, default: []].append(
            SemanticCacheEntry(vector: miss.vector, response: response, expires: clock.now() + duration))
        run.semanticCacheMiss = nil
        noteLast(run, "stored for \(ExpressionValue.format(duration))s")
    }

    /// The size of the simulated embeddings the cache compares.
    static let cacheDimensions = 256

    /// The text a prompt is compared by, or nil when the request cannot be cached.
    static func cachedPrompt(_ body: [UInt8], ignoreSystemMessages: Bool, maxMessages: Int?) -> String? {
        guard let json = try? JSONValue.parse(body) else { return nil }
        if var messages = json["messages"]?.arrayValue {
            if ignoreSystemMessages { messages.removeAll { $0["role"]?.stringValue == "system" } }
            if let maxMessages, messages.count > maxMessages { return nil }
            guard !messages.isEmpty else { return nil }
            return messages.map { message in
                (message["role"]?.stringValue ?? "") + ": " + SimulatedOpenAI.text(of: message["content"])
            }.joined(separator: "\n")
        }
        if let prompt = json["prompt"] ?? json["input"] {
            return prompt.stringValue ?? prompt.serialized()
        }
        return nil
    }

    private func noteLast(_ run: PolicyRun, _ note: String) {
        guard !run.trace.isEmpty else { return }
        run.trace[run.trace.count - 1].note = note
    }
}
