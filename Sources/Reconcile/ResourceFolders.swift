import Foundation
import Manifests
import Model

/// The entries of `spec.resources` (and the environment's own `resources`) that yielded no manifest, for the
/// empty-folder prune guard. A folder that does not exist is already a load error; an existing one emptied by a
/// bad merge or a wrong path is not, and would otherwise read as "delete everything it used to declare".
enum ResourceFolders {
    static func empty(_ result: LoadResult, environment: EnvironmentConfig, configPath: String) -> [String] {
        let base = (configPath as NSString).deletingLastPathComponent
        func display(_ entry: String) -> String {
            if entry.hasPrefix("/") || base.isEmpty || base == "." { return entry }
            return base.hasSuffix("/") ? base + entry : base + "/" + entry
        }
        let files = Set(result.sources.values.flatMap { $0 })
        var entries: [String] = []
        for entry in (result.config?.resources ?? []) + environment.resources where !entries.contains(entry) {
            entries.append(entry)
        }
        return entries.filter { entry in
            let path = display(entry)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            return !files.contains { $0 == path || (isDirectory.boolValue && $0.hasPrefix(prefix)) }
        }
    }
}
