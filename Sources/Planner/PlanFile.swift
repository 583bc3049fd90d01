import Model

/// A plan saved with `plan --out`, to be applied exactly by `apply plan.json`.
///
/// It is the JSON form of the plan plus what ties it to its inputs: the target service, the environment and a
/// digest of the desired state. `apply` refuses a file of another format version, target or desired state.
public struct PlanFile: Sendable, Hashable {
    /// `/subscriptions/…/service/{name}` of the service the plan was made against.
    public var target: String
    public var environment: String
    /// SHA-256 of the rendered desired state the plan was made from.
    public var desiredDigest: String
    public var plan: Plan

    public init(target: String, environment: String, desiredDigest: String, plan: Plan) {
        self.target = target
        self.environment = environment
        self.desiredDigest = desiredDigest
        self.plan = plan
    }

    /// Why a saved plan cannot be read.
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The file's text: the plan's JSON with `target`, `environment` and `desiredDigest` added.
    public func encoded() -> String {
        PlanRenderer.json(
            plan,
            metadata: JSONObject([
                ("target", .string(target)), ("environment", .string(environment)),
                ("desiredDigest", .string(desiredDigest)),
            ]))
    }

    /// Reads a saved plan; changes keep their ids, actions, ETags and ordering constraints.
    public static func decode(_ text: String) throws(ReadError) -> PlanFile {
        let document: JSONValue
        do {
            document = try JSONValue.parse(text)
        } catch {
            throw ReadError(description: "not a plan file: \(error)")
        }
        guard let version = document["formatVersion"]?.numberValue else {
            throw ReadError(description: "not a plan file: it has no formatVersion")
        }
        guard Int(version) == Plan.formatVersion else {
            throw ReadError(
                description:
                    "the plan has format version \(Int(version)); this apimsync reads version \(Plan.formatVersion): re-plan"
            )
        }
        guard let target = document["target"]?.stringValue, let environment = document["environment"]?.stringValue,
            let digest = document["desiredDigest"]?.stringValue
        else { throw ReadError(description: "the plan was not saved with --out: it names no target") }
        var plan = Plan()
        for item in document["changes"]?.arrayValue ?? [] {
            guard let path = item["id"]?.stringValue, let id = ResourceID(armPath: path),
                let action = item["action"]?.stringValue.flatMap(ResourceChange.Action.init(rawValue:))
            else { throw ReadError(description: "the plan has a change it cannot read: \(item.serialized())") }
            let dependencies = Set(
                (item["dependsOn"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(ResourceID.init(armPath:)) })
            plan.changes.append(
                ResourceChange(
                    id: id, action: action, liveETag: item["liveETag"]?.stringValue, dependencies: dependencies,
                    generatedBy: item["generatedBy"]?.stringValue, reimport: item["reimport"]?.boolValue ?? false))
        }
        plan.blockers = (document["blockers"]?.arrayValue ?? []).compactMap(\.stringValue)
        plan.target = PlanTarget(json: document["targetService"])
        return PlanFile(target: target, environment: environment, desiredDigest: digest, plan: plan)
    }
}
