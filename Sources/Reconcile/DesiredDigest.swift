import Crypto
import Foundation
import Manifests
import Model

/// A SHA-256 over the rendered desired state and the API specifications, tying a saved plan to the manifests it
/// was made from (secret values are not in it: they never enter the model).
public enum DesiredDigest {
    public static func of(_ state: State) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(DesiredStateRenderer.render(state).utf8))
        for resource in state.sorted {
            if let specification = resource.specification { hasher.update(data: Data(specification.content.utf8)) }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
