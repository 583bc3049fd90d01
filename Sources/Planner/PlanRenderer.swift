import Model

/// Renders plans for people and machines. Pure functions of the plan, so the same plan always renders to the
/// same bytes.
public enum PlanRenderer {
    static func symbol(_ action: ResourceChange.Action) -> String {
        switch action {
        case .create: "+"
        case .update: "~"
        case .delete: "-"
        }
    }

    /// `+`, `~` or `-`.
    public static func symbol(for action: ResourceChange.Action) -> String { symbol(action) }

    static func summary(_ plan: Plan) -> String {
        "\(plan.count(.create)) to create, \(plan.count(.update)) to update, \(plan.count(.delete)) to delete, "
            + "\(plan.unchanged.count) unchanged"
    }

    static func provenance(_ change: ResourceChange) -> String {
        var parts: [String] = []
        if let generator = change.generatedBy { parts.append(generator.replacingFirst("/", with: " ")) }
        if let origin = change.origin { parts.append(origin.description) }
        return parts.joined(separator: ", ")
    }

    static func describe(_ field: FieldChange) -> String {
        switch (field.before, field.after) {
        case (nil, let after?): "\(field.path): \(shorten(after)) (added)"
        case (let before?, nil): "\(field.path): \(shorten(before)) (removed)"
        case (let before?, let after?): "\(field.path): \(shorten(before)) → \(shorten(after))"
        case (nil, nil): field.path
        }
    }

    static func shorten(_ text: String, limit: Int = 160) -> String {
        let flat = text.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }

    /// Plain text for terminals and logs; ANSI colours when `color` is set.
    public static func text(_ plan: Plan, color: Bool = false) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let colors: [ResourceChange.Action: String] = [.create: "32", .update: "33", .delete: "31"]
        var lines: [String] = []
        if let target = plan.target { lines += [paint("Target: \(target)", "1"), ""] }
        for change in plan.changes {
            var header = paint("\(symbol(change.action)) \(change.id)", colors[change.action] ?? "0")
            let origin = provenance(change)
            if !origin.isEmpty { header += paint("  (\(origin))", "2") }
            if change.reimport { header += " [re-import specification]" }
            lines.append(header)
            if change.action == .create, change.id.kind.descriptor.holdsPolicyDocument {
                lines.append("    policy document (\(change.properties?["value"]?.stringValue?.count ?? 0) characters)")
            }
            for field in change.fields { lines.append("    " + describe(field)) }
        }
        for change in plan.skipped {
            lines.append(paint("? \(change.id)", "2") + "  (apimsync/reconcile: skip; would \(change.action.rawValue))")
            for field in change.fields { lines.append("    " + describe(field)) }
        }
        if !plan.unmanaged.isEmpty {
            lines.append("")
            lines.append("Unmanaged (in APIM, not in the manifests, not pruned):")
            for id in plan.unmanaged { lines.append("  · \(id)") }
        }
        for note in plan.notes { lines.append("note: \(note)") }
        for blocker in plan.blockers { lines.append(paint("error: \(blocker)", "31")) }
        if !lines.isEmpty { lines.append("") }
        lines.append(
            plan.hasChanges
                ? "Plan: \(summary(plan))."
                : "No changes. APIM matches the manifests (\(plan.unchanged.count) resources).")
        return lines.joined(separator: "\n") + "\n"
    }

    /// GitHub/Azure DevOps-flavoured Markdown for a pull-request comment: a summary table, then one collapsible
    /// section per changed resource.
    /// GitHub refuses comments over 65,536 characters; the Markdown stays below this by default.
    public static let markdownBudget = 60_000

    /// The plan as a pull-request comment. Within `maxLength` characters: the summary, blockers and notes always;
    /// each change with its fields while they fit, then the remaining changes one line each, then a count.
    public static func markdown(
        _ plan: Plan, title: String = "apimsync plan", maxLength: Int = markdownBudget
    ) -> String {
        var out = "### \(title)\n\n"
        if let target = plan.target { out += "Target: `\(escape(target.description))`\n\n" }
        out += plan.hasChanges ? "**\(summary(plan))**\n\n" : "**No changes.** APIM matches the manifests.\n\n"
        out += "| create | update | delete | unchanged | unmanaged |\n|---:|---:|---:|---:|---:|\n"
        out +=
            "| \(plan.count(.create)) | \(plan.count(.update)) | \(plan.count(.delete)) | \(plan.unchanged.count) | \(plan.unmanaged.count) |\n\n"
        for blocker in plan.blockers { out += "> [!CAUTION]\n> \(escape(blocker))\n\n" }
        var tail = ""
        if !plan.unmanaged.isEmpty {
            let noun = plan.unmanaged.count == 1 ? "resource" : "resources"
            tail += "<details><summary>\(plan.unmanaged.count) unmanaged \(noun) (not pruned)</summary>\n\n"
            var listed = ""
            for (index, id) in plan.unmanaged.enumerated() {
                let line = "- `\(id)`\n"
                if listed.utf8.count + line.utf8.count > maxLength / 10 {
                    listed += "- … and \(plan.unmanaged.count - index) more\n"
                    break
                }
                listed += line
            }
            tail += listed + "\n</details>\n\n"
        }
        for note in plan.notes { tail += "_Note: \(escape(note))_\n\n" }
        // What the changes may use (in UTF-8 bytes, never fewer than characters); the last lines say how many did
        // not fit.
        let budget = maxLength - out.utf8.count - tail.utf8.count - 200
        var body = ""
        var detailed = 0
        for change in plan.changes {
            let section = details(change)
            guard body.utf8.count + section.utf8.count <= budget else { break }
            body += section
            detailed += 1
        }
        if detailed < plan.changes.count {
            body += "Changes without their fields (the comment has a size limit; `--output json` has everything):\n\n"
            var listed = detailed
            for change in plan.changes[detailed...] {
                let line = "- <code>\(symbol(change.action)) \(change.id)</code>\n"
                guard body.utf8.count + line.utf8.count <= budget else { break }
                body += line
                listed += 1
            }
            if listed < plan.changes.count { body += "- … and \(plan.changes.count - listed) more changes\n" }
            body += "\n"
        }
        return out + body + tail
    }

    /// One change as a collapsible section with its fields.
    static func details(_ change: ResourceChange) -> String {
        var out = ""
        let origin = provenance(change)
        out += "<details><summary><code>\(symbol(change.action)) \(change.id)</code>"
        out += origin.isEmpty ? "" : " — \(escape(origin))"
        out += change.reimport ? " — re-import specification" : ""
        out += "</summary>\n\n"
        if change.fields.isEmpty {
            out +=
                change.action == .delete
                ? "Deleted (pruned: owned by this repository, absent from the manifests).\n\n" : "New resource.\n\n"
        } else {
            out += "| field | before | after |\n|---|---|---|\n"
            for field in change.fields {
                out +=
                    "| \(code(field.path)) | \(field.before.map { code(shorten($0)) } ?? "") | \(field.after.map { code(shorten($0)) } ?? "") |\n"
            }
            out += "\n"
        }
        return out + "</details>\n\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("<", with: "&lt;")
    }

    static func code(_ text: String) -> String {
        "<code>"
            + text.replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;").replacingAll("|", with: "&#124;")
            + "</code>"
    }

    /// The documented, versioned JSON form (see docs/plan-format.md).
    public static func json(_ plan: Plan, metadata: JSONObject = JSONObject()) -> String {
        func fields(_ list: [FieldChange]) -> JSONValue {
            .array(
                list.map {
                    [
                        "path": .string($0.path), "before": $0.before.map(JSONValue.string) ?? .null,
                        "after": $0.after.map(JSONValue.string) ?? .null,
                    ]
                })
        }
        func change(_ change: ResourceChange) -> JSONValue {
            var object: JSONValue = [
                "id": .string(change.id.armPath), "kind": .string(change.id.kind.rawValue),
                "action": .string(change.action.rawValue),
                "fields": fields(change.fields),
                "dependsOn": .array(change.dependencies.sorted().map { .string($0.armPath) }),
            ]
            object["source"] = change.origin.map { .string($0.description) } ?? .null
            object["generatedBy"] = change.generatedBy.map(JSONValue.string) ?? .null
            object["liveETag"] = change.liveETag.map(JSONValue.string) ?? .null
            object["reimport"] = .bool(change.reimport)
            return object
        }
        var document: JSONValue = [
            "formatVersion": .number(Double(Plan.formatVersion)),
            "summary": [
                "create": .number(Double(plan.count(.create))), "update": .number(Double(plan.count(.update))),
                "delete": .number(Double(plan.count(.delete))), "unchanged": .number(Double(plan.unchanged.count)),
                "unmanaged": .number(Double(plan.unmanaged.count)),
            ],
            "changes": .array(plan.changes.map(change)),
            "skipped": .array(plan.skipped.map(change)),
            "unmanaged": .array(plan.unmanaged.map { .string($0.armPath) }),
            "blockers": .array(plan.blockers.map(JSONValue.string)),
            "notes": .array(plan.notes.map(JSONValue.string)),
        ]
        if let target = plan.target { document["targetService"] = target.json }
        for (key, value) in metadata { document[key] = value }
        return document.serialized(pretty: true) + "\n"
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: Substring(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }

    func replacingFirst(_ target: Character, with replacement: String) -> String {
        guard let index = firstIndex(of: target) else { return self }
        return String(self[..<index]) + replacement + String(self[self.index(after: index)...])
    }
}
