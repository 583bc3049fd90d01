import Foundation
import Model

extension LocalGateway {
    /// `file:line` of a statement.
    func location(_ policy: CompiledPolicy, _ element: PolicyElement) -> String { policy.location(of: element) }

    /// The value of attribute `name` (a policy expression is evaluated), nil when absent.
    func attribute(
        _ name: String, of element: PolicyElement, policy: CompiledPolicy, _ run: PolicyRun
    ) throws -> ExpressionValue? {
        guard let attribute = element.attribute(name) else { return nil }
        return try evaluate(
            attribute.value, line: attribute.line, column: attribute.column, element: element, policy: policy, run)
    }

    func string(_ name: String, of element: PolicyElement, policy: CompiledPolicy, _ run: PolicyRun) throws -> String? {
        try attribute(name, of: element, policy: policy, run)?.csharpString
    }

    func integer(_ name: String, of element: PolicyElement, policy: CompiledPolicy, _ run: PolicyRun) throws -> Int? {
        guard let value = try attribute(name, of: element, policy: policy, run) else { return nil }
        switch ExpressionInterpreter.scalar(value) {
        case .int(let number): return number
        case .double(let number): return Int(number)
        case .string(let text):
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw invalid(name, text, element, policy)
            }
            return number
        default: throw invalid(name, value.csharpString, element, policy)
        }
    }

    func double(_ name: String, of element: PolicyElement, policy: CompiledPolicy, _ run: PolicyRun) throws -> Double? {
        guard let value = try attribute(name, of: element, policy: policy, run) else { return nil }
        if let number = ExpressionInterpreter.number(ExpressionInterpreter.scalar(value)) { return number }
        guard let number = Double(value.csharpString.trimmingCharacters(in: .whitespaces)) else {
            throw invalid(name, value.csharpString, element, policy)
        }
        return number
    }

    func boolean(_ name: String, of element: PolicyElement, policy: CompiledPolicy, _ run: PolicyRun) throws -> Bool? {
        guard let value = try attribute(name, of: element, policy: policy, run) else { return nil }
        switch ExpressionInterpreter.scalar(value) {
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default: throw invalid(name, value.csharpString, element, policy)
        }
    }

    /// A required attribute: its absence is a configuration error APIM would have refused on save.
    func required(_ name: String, of element: PolicyElement, policy: CompiledPolicy, _ run: PolicyRun) throws -> String
    {
        guard let value = try string(name, of: element, policy: policy, run) else {
            throw UnsupportedFeature(
                message:
                    "<\(element.name)> at \(location(policy, element)) has no '\(name)' attribute, which APIM requires")
        }
        return value
    }

    private func invalid(
        _ name: String, _ text: String, _ element: PolicyElement, _ policy: CompiledPolicy
    ) -> PolicyFailure {
        PolicyFailure(
            source: element.name, reason: "PolicyConfigurationError",
            message: "The value '\(text)' of '\(name)' in <\(element.name)> is not valid.", status: 500)
    }

    /// The element's content as a value: a policy expression is evaluated, text is taken as written.
    func content(
        of element: PolicyElement, policy: CompiledPolicy, _ run: PolicyRun, trimming: Bool
    ) throws -> ExpressionValue {
        let raw = element.textContent
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("@(") || trimmed.hasPrefix("@{") else {
            return .string(trimming ? trimmed : raw)
        }
        let place = element.firstText
        var line = place?.line ?? element.line
        var column = place?.column ?? element.column
        // Place the expression past the white space before it.
        for character in (place?.value ?? "").prefix(while: { $0.isWhitespace }) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return try evaluate(trimmed, line: line, column: column, element: element, policy: policy, run)
    }

    /// `text` evaluated when it is a policy expression (`@(…)`, `@{…}`), else taken as a string.
    /// `line`/`column` place the text in its file, for errors.
    func evaluate(
        _ text: String, line: Int, column: Int, element: PolicyElement, policy: CompiledPolicy, _ run: PolicyRun
    ) throws -> ExpressionValue {
        guard text.hasPrefix("@(") || text.hasPrefix("@{") else { return .string(text) }
        func placed(_ place: ExpressionPlace) -> String {
            let fileLine = line + place.line - 1
            let fileColumn = place.line == 1 ? column + place.column - 1 : place.column
            return "\(policy.file):\(fileLine):\(fileColumn)"
        }
        let compiledExpression: CompiledExpression
        if let cached = expressions[text] {
            switch cached {
            case .success(let expression): compiledExpression = expression
            case .failure(let error):
                throw UnsupportedFeature(
                    message: "the expression at \(placed(error.place)) is not supported by the local gateway: "
                        + error.message)
            }
        } else {
            do {
                compiledExpression = try ExpressionParser.parse(text)
                expressions[text] = .success(compiledExpression)
            } catch let error as ExpressionError {
                expressions[text] = .failure(error)
                throw UnsupportedFeature(
                    message: "the expression at \(placed(error.place)) is not supported by the local gateway: "
                        + error.message)
            }
        }
        var interpreter = ExpressionInterpreter(host: run)
        do {
            return try interpreter.evaluate(compiledExpression)
        } catch let error as ExpressionError {
            switch error.kind {
            case .unsupported:
                throw UnsupportedFeature(
                    message: "the expression at \(placed(error.place)) is not supported by the local gateway: "
                        + error.message)
            case .runtime:
                throw PolicyFailure(
                    source: element.name, reason: "ExpressionValueEvaluationFailure",
                    message: "Expression evaluation failed. \(error.message) (at \(placed(error.place)))", status: 500,
                    policyID: policy.id)
            }
        }
    }
}
