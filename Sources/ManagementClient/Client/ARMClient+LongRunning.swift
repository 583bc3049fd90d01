import Foundation
import Logging
import Model

/// Long-running operations: ARM answers 202 (or 200/201 with a non-terminal `provisioningState`) and a
/// `Location` and/or `Azure-AsyncOperation` URL to poll.
extension ARMClient {
    private static let terminalStates: Set<String> = ["succeeded", "failed", "canceled", "cancelled"]

    /// Returns the final response of `request`, polling when `initial` says the operation is still running.
    func completeLongRunning(
        _ request: ARMRequest, initial: ARMResponse, resourcePath: String?
    ) async throws
        -> ARMResponse
    {
        let state = initial.properties?["provisioningState"]?.stringValue?.lowercased()
        if let state, state == "failed" || state == "canceled" || state == "cancelled" {
            throw operationFailure(request, status: initial.status, error: nil, state: state, response: initial)
        }
        let running = initial.status == 202 || (state.map { !Self.terminalStates.contains($0) } ?? false)
        guard running else { return initial }

        let asyncOperation = initial.header("azure-asyncoperation")
        let location = initial.header("location")
        if let asyncOperation { try checkSameOrigin(asyncOperation, request: request, what: "Azure-AsyncOperation") }
        if let location { try checkSameOrigin(location, request: request, what: "Location") }

        let deadline = clock.now() + configuration.longRunningTimeoutSeconds
        var delay = pollDelay(after: initial)
        let pollOperation = request.operation + " (polling)"
        logger.debug(
            "waiting for long-running ARM operation",
            metadata: ["operation": "\(request.operation)", "status": "\(initial.status)"])

        // Phase 1: the status document, when ARM gave one.
        if let asyncOperation {
            while true {
                try await waitForPoll(delay, deadline: deadline, request: request)
                let poll = try await send(pollRequest(asyncOperation, operation: pollOperation, request: request))
                let status = poll.body?["status"]?.stringValue?.lowercased() ?? (poll.status == 202 ? "inprogress" : "")
                if status == "succeeded" { break }
                if status == "failed" || status == "canceled" || status == "cancelled" {
                    throw operationFailure(
                        request, status: poll.status, error: poll.body?["error"], state: status, response: poll)
                }
                if poll.status != 202, status.isEmpty {
                    // Not a status document: treat a 200/201/204 as the final answer.
                    return poll
                }
                delay = pollDelay(after: poll)
            }
            // Final state via Location (or the resource itself) for PUT/PATCH; nothing more for DELETE.
            if request.method == "DELETE" { return ARMResponse(status: 200, requestID: initial.requestID) }
            if let location {
                return try await send(pollRequest(location, operation: pollOperation, request: request))
            }
            if let resourcePath {
                return try await send(pollRequest(url(path: resourcePath), operation: pollOperation, request: request))
            }
            return initial
        }

        // Phase 2: Location (202 while running, then the final status and body), or the resource itself.
        let target: String
        if let location {
            target = location
        } else if let resourcePath, request.method != "DELETE" {
            target = url(path: resourcePath)
        } else {
            return initial
        }
        while true {
            try await waitForPoll(delay, deadline: deadline, request: request)
            let poll = try await send(pollRequest(target, operation: pollOperation, request: request))
            let pollState = poll.properties?["provisioningState"]?.stringValue?.lowercased()
            if poll.status != 202, pollState.map({ Self.terminalStates.contains($0) }) ?? true {
                if let pollState, pollState != "succeeded" {
                    throw operationFailure(request, status: poll.status, error: nil, state: pollState, response: poll)
                }
                return poll
            }
            delay = pollDelay(after: poll)
        }
    }

    private func pollRequest(_ link: String, operation: String, request: ARMRequest) -> ARMRequest {
        ARMRequest(
            method: "GET", url: link, operation: operation, resource: request.resource, requestClass: .read,
            idempotent: true, acceptedStatuses: [])
    }

    private func pollDelay(after response: ARMResponse) -> Double {
        let requested = response.header("retry-after").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        return max(configuration.minimumPollingIntervalSeconds, requested ?? configuration.pollingIntervalSeconds)
    }

    private func waitForPoll(_ delay: Double, deadline: Double, request: ARMRequest) async throws {
        if clock.now() + delay > deadline {
            throw ARMError(
                code: .timeout, operation: request.operation, resource: request.resource,
                message: "the long-running operation did not finish within "
                    + "\(Int(configuration.longRunningTimeoutSeconds))s")
        }
        try await clock.sleep(seconds: delay)
    }

    private func operationFailure(
        _ request: ARMRequest, status: Int, error: JSONValue?, state: String, response: ARMResponse
    ) -> ARMError {
        let fields: (code: String?, message: String?) =
            error.map(Self.errorFields) ?? (response.body?["error"]).map(Self.errorFields) ?? (nil, nil)
        return ARMError(
            code: .operationFailed, operation: request.operation, resource: request.resource, status: status,
            armCode: fields.code,
            message: fields.message ?? "the long-running operation ended with status \(state)",
            requestID: response.requestID, clientRequestID: response.clientRequestID)
    }
}
