import Model
import Planner

/// How one change is written to ARM: the path, the body and the `If-Match` to send.
struct WriteRequest: Sendable {
    enum Method: Sendable { case put, delete }

    var method: Method
    var path: String
    var body: JSONValue?
    var ifMatch: String?
    /// Writes that must succeed first (a new API revision and its release).
    var before: [WriteRequest] = []
    /// Writes that follow (a first revision above 1 for a new API).
    var after: [WriteRequest] = []

    /// The properties with every reference the kind's descriptor names expanded to a full ARM id, which is what
    /// ARM wants there (`/loggers/x` → `/subscriptions/…/service/s/loggers/x`).
    static func expandingIDs(_ properties: JSONValue, of kind: ResourceKind, servicePath: String) -> JSONValue {
        var result = properties
        for reference in kind.descriptor.references {
            result = result.mappingStrings(at: reference.path) { value in
                value.hasPrefix("/") && !value.hasPrefix("/subscriptions/") ? servicePath + value : value
            }
        }
        return result
    }

    /// The request for `change`, or a message saying why it cannot be made (a secret not available here).
    static func make(
        for change: ResourceChange, desired: Resource?, secretValues: [String: String], servicePath: String,
        useETags: Bool
    ) -> Result<WriteRequest, ExecutionError> {
        let id = change.id
        let ifMatch = useETags ? change.liveETag : nil
        if change.action == .delete {
            return .success(WriteRequest(method: .delete, path: id.armPath, body: nil, ifMatch: ifMatch ?? "*"))
        }
        if id.kind.isLink {
            return .success(WriteRequest(method: .put, path: id.armPath, body: nil, ifMatch: nil))
        }
        guard let resource = desired else {
            return .failure(
                ExecutionError("the desired state has no \(id) (the manifests changed since the plan was made)"))
        }
        var properties = expandingIDs(resource.properties, of: id.kind, servicePath: servicePath)
        for (path, source) in resource.secrets.sorted(by: { $0.key < $1.key }) {
            guard let value = secretValues[path] else {
                return .failure(ExecutionError("the value of secret \(id) '\(path)' is not available here (\(source))"))
            }
            properties = properties.setting(.string(value), atPath: path)
        }
        if change.reimport || change.action == .create, let specification = resource.specification {
            properties["format"] = .string(specification.format)
            properties["value"] = .string(specification.content)
        }
        var write = WriteRequest(method: .put, path: id.armPath, body: ["properties": properties], ifMatch: ifMatch)
        if id.kind == .api, let revision = properties["apiRevision"]?.stringValue {
            properties["apiRevision"] = nil
            write.body = ["properties": properties]
            let steps = revisionSteps(
                api: id.name, revision: revision, description: properties["apiRevisionDescription"],
                servicePath: servicePath)
            if change.action == .update, change.fields.contains(where: { $0.path == "apiRevision" }) {
                write.before = steps
            } else if change.action == .create, revision != "1" {
                write.after = steps
            }
        }
        return .success(write)
    }

    /// A new revision cloned from the current one (`PUT apis/{api};rev=N` with `sourceApiId`), then a release that
    /// makes it current. The previous revision stays in APIM as `{api};rev=M`, to roll back to; the clone behaves
    /// exactly like it until the changes that follow are written to it.
    static func revisionSteps(
        api: String, revision: String, description: JSONValue?, servicePath: String
    ) -> [WriteRequest] {
        var properties: JSONValue = ["sourceApiId": .string(servicePath + "/apis/" + api)]
        if let description { properties["apiRevisionDescription"] = description }
        var release: JSONValue = ["apiId": .string(servicePath + "/apis/\(api);rev=\(revision)")]
        if let description { release["notes"] = description }
        return [
            WriteRequest(method: .put, path: "apis/\(api);rev=\(revision)", body: ["properties": properties]),
            WriteRequest(
                method: .put, path: "apis/\(api)/releases/apimsync-rev-\(revision)", body: ["properties": release]),
        ]
    }
}

/// Why a change could not be made before any request was sent.
public struct ExecutionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
