import Foundation
import Model
import Planner
import Testing

/// Renders a plan with every kind of entry and compares it with committed snapshots, byte for byte.
/// Set RECORD_SNAPSHOTS=1 to rewrite them after an intended change.
@Suite struct PlanRendererTests {
    static var plan: Plan {
        var live = Fixture.live
        var member = live[ResourceID(.backend, "aoai02")]
        member?.properties["url"] = "https://portal-edit/openai"
        if let member { live.insert(member) }
        var policy = live[ResourceID(.servicePolicy)]
        policy?.properties["value"] =
            "<policies><inbound><set-backend-service backend-id=\"pool\" /><set-header name=\"k\"><value>{{key}}</value></set-header><rate-limit calls=\"5\" renewal-period=\"60\" /></inbound></policies>"
        if let policy { live.insert(policy) }
        live.remove(ResourceID(.backend, "aoai01"))
        live.insert(Fixture.resource(ResourceID(.tag, "old"), ["displayName": "Old | tag"], etag: "t"))
        live.insert(
            Fixture.resource(
                ResourceID(.backend, "legacy"), ["type": "Single", "url": "https://legacy", "protocol": "http"]))
        var desired = Fixture.desired
        var generated = desired[ResourceID(.backend, "aoai02")]
        generated?.generatedBy = "OpenAIGateway/aoai"
        generated?.origin = SourceLocation(file: "manifests/resources/gateway.yaml", line: 2, column: 7)
        if let generated { desired.insert(generated) }
        return Planner.plan(
            desired: desired, live: live,
            scope: PlanScope(
                prune: PruneSettings(enabled: true, maxDeletes: 5, owns: ["tags/*"]), allowMassDelete: true))
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    func assertSnapshot(_ text: String, named name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil
            || !FileManager.default.fileExists(atPath: url.path)
        {
            try text.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded snapshot \(name); run the test again")
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "snapshot \(name) differs")
    }

    @Test func textSnapshot() throws { try assertSnapshot(PlanRenderer.text(Self.plan), named: "plan.txt") }
    @Test func markdownSnapshot() throws { try assertSnapshot(PlanRenderer.markdown(Self.plan), named: "plan.md") }
    @Test func jsonSnapshot() throws { try assertSnapshot(PlanRenderer.json(Self.plan), named: "plan.json") }

    @Test func renderingIsDeterministic() {
        #expect(PlanRenderer.json(Self.plan) == PlanRenderer.json(Self.plan))
        #expect(PlanRenderer.markdown(Self.plan) == PlanRenderer.markdown(Self.plan))
    }

    @Test func jsonIsValidAndVersioned() throws {
        let document = try JSONValue.parse(PlanRenderer.json(Self.plan))
        #expect(document["formatVersion"] == 1)
        #expect(document["summary"]?["create"] == 1)
        #expect(document["summary"]?["update"] == 2)
        #expect(document["summary"]?["delete"] == 1)
    }

    /// A plan of 3,000 changes still fits a pull-request comment: summary, blockers and notes whole, details while
    /// they fit, then one line per change, then a count.
    @Test func largePlansStayWithinACommentsSizeLimit() {
        var plan = Plan()
        plan.changes = (0..<3000).map { index in
            ResourceChange(
                id: ResourceID(.backend, "backend-\(index)"), action: .update,
                fields: [
                    FieldChange(
                        path: "url", before: "https://old-\(index).example.com", after: "https://new.example.com"),
                    FieldChange(path: "description", before: nil, after: String(repeating: "d", count: 150)),
                ])
        }
        plan.blockers = ["the plan deletes 0 resources"]
        plan.notes = ["secret values were not compared"]
        let markdown = PlanRenderer.markdown(plan)
        #expect(markdown.count <= PlanRenderer.markdownBudget)
        #expect(markdown.contains("| 0 | 3000 | 0 | 0 | 0 |"))
        #expect(markdown.contains("> the plan deletes 0 resources"))
        #expect(markdown.hasSuffix("_Note: secret values were not compared_\n\n"))
        #expect(markdown.contains("<details><summary><code>~ backends/backend-0</code>"))
        #expect(markdown.contains("Changes without their fields"))
        #expect(markdown.contains(" more changes\n"))
        #expect(!markdown.contains("backends/backend-2999"))
    }
}
