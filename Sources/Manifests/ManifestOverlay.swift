import Model
import YAML

/// Environment overlays (`environments.<env>.overlays` in `apimsync.yaml`): documents with a manifest's envelope
/// whose `spec` and `metadata` are merged into the manifest of the same kind and name, before it is decoded.
///
/// Mappings merge key by key, anything else (a scalar, a list) replaces what the manifest has, and `null` removes
/// the field. The merged nodes keep their own source marks, so a typo in an overlay is reported at the overlay's
/// line; an overlay that matches no manifest is an error, never silently ignored. Merging recurses once per level
/// of the trees, which the loader bounds (`YAMLLimits.maximumDepth`).
enum ManifestOverlay {
    /// The manifests with every overlay applied, in the order given.
    static func apply(
        _ overlays: [YAMLNode], to manifests: [YAMLNode], environment: String, reportUnmatched: Bool = true,
        diagnostics: inout [Diagnostic]
    ) -> [YAMLNode] {
        var merged = manifests
        func identity(_ root: YAMLNode) -> (kind: String, name: String)? {
            guard let kind = root["kind"]?.scalar?.text, let name = root["metadata"]?["name"]?.scalar?.text else {
                return nil
            }
            return (kind, name)
        }
        for overlay in overlays {
            guard let pairs = overlay.mapping, let target = identity(overlay) else {
                diagnostics.append(
                    .error(
                        "an overlay must be a mapping with 'kind', 'metadata.name' and 'spec' naming the manifest it "
                            + "changes", at: overlay.mark.location))
                continue
            }
            for pair in pairs {
                let key = pair.key.scalar?.text ?? ""
                if !["apiVersion", "kind", "metadata", "spec"].contains(key) {
                    diagnostics.append(
                        .error(
                            "unknown field '\(key)' in an overlay (it may set 'metadata' and 'spec')",
                            at: pair.key.mark.location))
                }
            }
            guard let index = merged.firstIndex(where: { identity($0).map { $0 == target } ?? false }) else {
                guard reportUnmatched else { continue }
                let names = merged.compactMap(identity).filter { $0.kind == target.kind }.map(\.name)
                let location = (overlay["metadata"]?["name"] ?? overlay).mark.location
                diagnostics.append(
                    .error(
                        "overlay of environment '\(environment)' changes \(target.kind) '\(target.name)', which no "
                            + "manifest defines" + Suggestions.hint(for: target.name, in: names), at: location))
                continue
            }
            var base = merged[index]
            for key in ["metadata", "spec"] {
                guard let change = overlay[key] else { continue }
                base = set(key, in: base, to: base[key].map { merge($0, change) } ?? change)
            }
            merged[index] = base
        }
        return merged
    }

    /// `overlay` merged into `base`: mappings key by key, otherwise the overlay's node.
    static func merge(_ base: YAMLNode, _ overlay: YAMLNode) -> YAMLNode {
        guard var pairs = base.mapping, let changes = overlay.mapping else { return overlay }
        for change in changes {
            let key = change.key.scalar?.text
            let index = pairs.firstIndex { $0.key.scalar?.text == key }
            if change.value.resolved == .null {
                if let index { pairs.remove(at: index) }
            } else if let index {
                pairs[index] = YAMLPair(key: change.key, value: merge(pairs[index].value, change.value))
            } else {
                pairs.append(change)
            }
        }
        return YAMLNode(.mapping(pairs), mark: base.mark, tag: base.tag)
    }

    /// `root` with the value of `key` replaced (or added).
    private static func set(_ key: String, in root: YAMLNode, to value: YAMLNode) -> YAMLNode {
        var pairs = root.mapping ?? []
        if let index = pairs.firstIndex(where: { $0.key.scalar?.text == key }) {
            pairs[index].value = value
        } else {
            pairs.append(YAMLPair(key: YAMLNode(.scalar(YAMLScalar(key)), mark: value.mark), value: value))
        }
        return YAMLNode(.mapping(pairs), mark: root.mark, tag: root.tag)
    }
}
