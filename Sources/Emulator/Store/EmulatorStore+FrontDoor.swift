import APIMSpec
import Foundation
import Model

/// ARM's front door: authentication, the api-version, the service path, throttling and injected faults, then the
/// entity dispatch and persistence of what changed.
extension EmulatorStore {
    func arm(_ request: EmuRequest, kindLabel: inout String) throws(ARMError) -> EmuResponse {
        let principal = try authenticator.principal(of: request)
        try checkApiVersion(request)
        let segments = try serviceRelativeSegments(request.rawPath)
        let route = segments.isEmpty ? nil : Route.parse(segments, method: request.method)
        if let route { kindLabel = route.pattern }
        let limit = buckets.take(
            principal: principal, method: request.method, now: ProcessInfo.processInfo.systemUptime)
        if var throttled = limit.throttled {
            stats.throttled += 1
            throttled.headers.append(contentsOf: limit.headers)
            return throttled
        }
        var lost = false
        switch faults.fault(method: request.method, path: segments.joined(separator: "/")) {
        case .response(var fault):
            stats.faultsInjected += 1
            fault.headers.append(contentsOf: limit.headers)
            return fault
        case .stuck:
            stats.faultsInjected += 1
            return neverFinishingOperation(request, path: segments.joined(separator: "/"), headers: limit.headers)
        case .lost:
            stats.faultsInjected += 1
            lost = true
        case nil: break
        }
        var response: EmuResponse
        do throws(ARMError) {
            if segments.isEmpty {
                response = serviceResource()
            } else if segments.count == 3, segments[0].lowercased() == "tenant",
                segments[1].lowercased() == "operationresults"
            {
                kindLabel = "tenant/operationResults"
                guard request.method == "GET" else { throw methodNotAllowed(request.method) }
                response = operationResult(segments[2], request)
            } else if let route {
                response = try dispatch(route, request)
            } else {
                throw unknownPath(segments.joined(separator: "/"), request)
            }
        } catch {
            var failed = EmuResponse.error(error)
            failed.headers.append(contentsOf: limit.headers)
            return failed
        }
        response.headers.append(contentsOf: limit.headers)
        if let stateFile, ["PUT", "PATCH", "DELETE", "POST"].contains(request.method), response.status < 300 {
            stateFile.save(state)
        }
        response.drop = response.drop || lost
        return response
    }

    /// `api-version` is required, and must be one the vendored spec describes (`APIVersion.all`).
    private func checkApiVersion(_ request: EmuRequest) throws(ARMError) {
        guard let version = request.queryValue("api-version"), !version.isEmpty else {
            throw ARMError(
                status: 400, code: "MissingApiVersionParameter",
                message: "The api-version query parameter (?api-version=) is required for all requests.")
        }
        requestVersion = APIVersion(rawValue: version)
        guard requestVersion.isVendored else {
            throw ARMError(
                status: 400, code: "InvalidApiVersionParameter",
                message:
                    "The api-version '\(version)' is invalid. The supported versions are '\(EmulatorInfo.apiVersions.joined(separator: ","))'."
            )
        }
    }

    /// The path's segments below the service. A path to another subscription, resource group or service answers
    /// ARM's 404 for what the request named (not the emulated service's own names).
    private func serviceRelativeSegments(_ path: String) throws(ARMError) -> [String] {
        // The transport already percent-decoded the path once.
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        func segment(_ index: Int, is expected: String) -> Bool {
            parts.count > index && parts[index].caseInsensitiveCompare(expected) == .orderedSame
        }
        guard segment(0, is: "subscriptions"), parts.count > 1 else { throw unknownPath(path, nil) }
        guard segment(1, is: options.subscriptionId) else {
            throw ARMError(
                status: 404, code: "SubscriptionNotFound", message: "The subscription '\(parts[1])' could not be found."
            )
        }
        guard segment(2, is: "resourceGroups"), parts.count > 3 else { throw unknownPath(path, nil) }
        guard segment(3, is: options.resourceGroup) else {
            throw ARMError(
                status: 404, code: "ResourceGroupNotFound", message: "Resource group '\(parts[3])' could not be found.")
        }
        guard segment(4, is: "providers"), segment(5, is: "Microsoft.ApiManagement"), segment(6, is: "service"),
            parts.count > 7
        else { throw unknownPath(path, nil) }
        guard segment(7, is: options.serviceName) else {
            throw ARMError(
                status: 404, code: "ResourceNotFound",
                message:
                    "The Resource 'Microsoft.ApiManagement/service/\(parts[7])' under resource group '\(parts[3])' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
            )
        }
        return Array(parts.dropFirst(8))
    }

    /// The answer for a path the emulator does not serve (at the request's api-version).
    func unknownPath(_ path: String, _ request: EmuRequest?) -> ARMError {
        let version = request?.queryValue("api-version").map { " at api-version '\($0)'" } ?? ""
        return ARMError(
            status: 404, code: "ResourceNotFound",
            message: "The requested path '\(path)' is not an API Management entity path\(version).")
    }

    private func serviceResource() -> EmuResponse {
        let body: JSONValue = .object(
            JSONObject([
                ("id", .string(servicePath)), ("name", .string(options.serviceName)),
                ("type", "Microsoft.ApiManagement/service"), ("location", "West Europe"),
                ("etag", "\"AAAAAAAAAAE=\""),
                (
                    "properties",
                    .object(
                        JSONObject([
                            ("provisioningState", "Succeeded"), ("publisherEmail", "apim@example.com"),
                            ("publisherName", "apimsync"),
                            ("gatewayUrl", .string("https://\(options.serviceName).azure-api.net")),
                            ("managementApiUrl", .string("https://\(options.serviceName).management.azure-api.net")),
                        ]))
                ),
                ("sku", .object(JSONObject([("name", "Developer"), ("capacity", 1)]))),
            ]))
        return .json(200, body)
    }
}
