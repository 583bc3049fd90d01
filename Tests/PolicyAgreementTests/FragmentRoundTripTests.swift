import Emulator
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner
import Testing

/// A policy fragment goes through the whole flow — validate, plan, apply, plan — against an in-process emulator.
@Suite struct FragmentRoundTripTests {
    /// A fragment whose C# holds `&lt;` inside a string: in `rawxml` that is five literal characters, which APIM
    /// stores escaped as `&amp;lt;`. Read back as `xml` and compared with the written `rawxml`, it differed forever.
    static let fragment = """
        <fragment>
            <set-variable name="escaped" value="@(context.Request.Headers.GetValueOrDefault("x-in", "").Replace("&lt;", "<"))" />
            <set-body>@{
                var body = context.Request.Body.As<string>(preserveContent: true);
                return body.Replace("&lt;", "<").Replace("&amp;", "&");
            }</set-body>
        </fragment>

        """

    @Test func roughEdge9_aFragmentWithAnEscapeInsideAnExpressionPlansNoChangesAfterApply() async throws {
        let repository = try PolicyRepository(files: [
            "resources/fragment.yaml": """
            apiVersion: apimsync/v1
            kind: PolicyFragment
            metadata: { name: unescape }
            spec:
              description: Undo a caller's escaping
              policyFile: policies/unescape.xml

            """,
            "policies/unescape.xml": Self.fragment,
        ])
        let emulator = try await EmulatorServer.start(PolicyRepository.emulatorOptions)
        let client = try PolicyRepository.client(for: emulator)
        defer { Task { try? await emulator.shutdown() } }

        let (first, desired) = try await repository.plan(client: client)
        #expect(first.changes.map(\.id) == [ResourceID(.policyFragment, "unescape")])
        let report = await Executor(api: client).apply(first, desired: desired, secretValues: [:])
        #expect(report.succeeded, "\(report.outcomes)")

        // The live fragment is read as it was written: in rawxml, the C# string keeps its `&lt;`.
        let id = ResourceID(.policyFragment, "unescape")
        let live = await LiveStateReader(client: client).read(.init(kinds: [.policyFragment], children: [:]))
        #expect(live.state[id]?.properties["format"]?.stringValue == "rawxml")
        #expect(live.state[id]?.properties["value"]?.stringValue?.contains(#"Replace("&lt;", "<")"#) == true)
        #expect(try await client.get(id).properties?["format"]?.stringValue == "rawxml")

        let (second, _) = try await repository.plan(client: client)
        #expect(second.changes.isEmpty, "\(second.changes.map { "\($0.id): \($0.fields)" })")
        #expect(PlanRenderer.text(second).contains("No changes."))
    }
}
