import APIMSpec
import Emulator
import Foundation
import HTTPTypes
import Model
import Testing

/// ARM's front door: every vendored api-version is served, and a request for another subscription, resource group or
/// service is answered with the names the request used.
@Suite struct ServicePathAndVersionTests {
    @Test(arguments: APIVersion.all)
    func everyVendoredApiVersionIsServed(version: APIVersion) async throws {
        try await withEmulator({ $0.asyncPolls = 1 }) { arm in
            let list = try await arm.call(.get, "apis", apiVersion: version.rawValue)
            #expect(list.status == 200)
            let created = try await arm.call(
                .put, "apis/orders", body: ["properties": ["displayName": "Orders", "path": "orders"]],
                apiVersion: version.rawValue)
            #expect(created.status == 202)
            // Long-running operations are polled at the version they were started with.
            #expect(created.header("Location")?.contains("api-version=\(version.rawValue)&asyncId=") == true)
            #expect(created.header("Azure-AsyncOperation")?.hasSuffix("?api-version=\(version.rawValue)") == true)
        }
    }

    @Test func anUnknownVersionIsRefusedWithTheServedOnes() async throws {
        try await withEmulator { arm in
            let reply = try await arm.call(.get, "apis", apiVersion: "2023-03-01-preview")
            #expect(reply.status == 400)
            #expect(reply.errorCode == "InvalidApiVersionParameter")
            #expect(reply.errorMessage?.contains("'2023-03-01-preview'") == true)
            #expect(reply.errorMessage?.contains("2025-09-01-preview") == true)
            #expect(EmulatorInfo.apiVersions == APIVersion.all.map(\.rawValue))
        }
    }

    @Test func messagesNameWhatTheRequestAskedFor() async throws {
        try await withEmulator { arm in
            let own = EmulatorOptions()
            let provider = "/providers/Microsoft.ApiManagement/service/"
            let group = try await arm.call(
                .get, "/subscriptions/\(own.subscriptionId)/resourceGroups/rg-other\(provider)\(own.serviceName)/apis")
            #expect(group.status == 404)
            #expect(group.errorCode == "ResourceGroupNotFound")
            #expect(group.errorMessage == "Resource group 'rg-other' could not be found.")
            let service = try await arm.call(
                .get,
                "/subscriptions/\(own.subscriptionId)/resourceGroups/\(own.resourceGroup)\(provider)other-apim/apis")
            #expect(service.status == 404)
            #expect(service.errorCode == "ResourceNotFound")
            #expect(
                service.errorMessage?.hasPrefix(
                    "The Resource 'Microsoft.ApiManagement/service/other-apim' under resource group '\(own.resourceGroup)' was not found."
                ) == true)
            let subscription = try await arm.call(
                .get, "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg\(provider)x/apis")
            #expect(subscription.errorCode == "SubscriptionNotFound")
            #expect(subscription.errorMessage?.contains("11111111-1111-1111-1111-111111111111") == true)
            #expect(group.errorMessage?.contains(own.resourceGroup) == false)
            #expect(subscription.errorMessage?.contains(own.subscriptionId) == false)
        }
    }
}
