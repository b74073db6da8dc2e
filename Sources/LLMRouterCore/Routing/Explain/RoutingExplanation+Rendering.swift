#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An explanation as JSON (`POST /admin/explain`, `debug-models --explain --json`) and as text
/// (`debug-models --explain`). Neither holds anything secret: route names, types, models, tags
/// and reasons, never a key or a request body.
extension RoutingExplanation {
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "endpoint": .string(endpoint),
            "requested_model": requestedModel.map(JSONValue.string) ?? .null,
            "model": model.map(JSONValue.string) ?? .null,
            "rule": rule.map(JSONValue.string) ?? .null,
            "policy": .string(policy.rawValue),
            "max_wait_seconds": Self.seconds(maxWait),
            "needs": .object([
                "tools": .bool(needs.tools), "vision": .bool(needs.vision), "json": .bool(needs.jsonMode),
                "estimated_prompt_tokens": .integer(Int64(needs.estimatedPromptTokens)),
            ]),
            "verdict": .string(verdict.label),
            "first_candidate": firstCandidate.map(JSONValue.string) ?? .null,
            "routes": .array(routes.map(json)),
            "cache": cacheJSON,
            "sticky": sticky.map { sticky in
                .object([
                    "session": .string(sticky.source.rawValue),
                    "route": sticky.route.map(JSONValue.string) ?? .null,
                    "expires_in_seconds": sticky.expiresIn.map(Self.seconds) ?? .null,
                ])
            } ?? .null,
            "auto": auto.map { auto in
                .object([
                    "tier": .string(auto.tier.rawValue), "models": .array(auto.models.map(JSONValue.string)),
                    "cascade_first": .array(auto.cascadeFirst.map(JSONValue.string)),
                ])
            } ?? .null,
            "at": .string(Self.timestamp(wallTime)),
            "upstream_calls": .integer(0),
            "hedge_after_ms": hedgeAfter.map { .integer($0.wholeMilliseconds) } ?? .null,
        ]
        switch verdict {
        case .denied(_, let message): object["message"] = .string(message)
        case .modelNotAllowed(let model, let key): object["message"] = .string("The key '\(key)' may not use the model '\(model)'.")
        case .wrongKind(let kind): object["message"] = .string("the model is served by \(kind.rawValue) routes")
        default: break
        }
        return .object(object)
    }

    private func json(_ line: RouteLine) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(line.name), "type": .string(line.type),
            "upstream_model": line.upstreamModel.map(JSONValue.string) ?? .null,
            "priority": .integer(Int64(line.priority)), "tags": .array(line.tags.map(JSONValue.string)),
            "status": .string(line.status.rawValue),
        ]
        if let position = line.position { object["position"] = .integer(Int64(position)) }
        if let reason = line.reason { object["reason"] = .string(reason) }
        if let skip = line.skip { object["skip"] = .string(skip) }
        if let resumeIn = line.resumeIn {
            object["resume_in_seconds"] = Self.seconds(resumeIn)
            object["resume_at"] = .string(Self.timestamp(wallTime + resumeIn.wholeMilliseconds))
        }
        if line.trial { object["trial"] = .bool(true) }
        if line.sticky { object["sticky"] = .bool(true) }
        return .object(object)
    }

    private var cacheJSON: JSONValue {
        switch cache {
        case .off: .object(["state": .string("off")])
        case .bypass(let reason): .object(["state": .string("bypass"), "reason": .string(reason)])
        case .hit(let age): .object(["state": .string("hit"), "age_seconds": Self.seconds(age)])
        case .miss: .object(["state": .string("miss")])
        }
    }

    /// The explanation for a person, one line per route.
    public var text: String {
        var lines: [String] = []
        let asked = requestedModel ?? "auto"
        let served = model ?? "auto"
        lines.append("model:    \(served)\(served == asked ? "" : " (asked for \(asked))")  endpoint: \(endpoint)")
        lines.append("rule:     \(rule ?? "none")  policy: \(policy.rawValue)  max wait: \(Self.words(maxWait))")
        if let auto {
            let cascade = auto.cascadeFirst.isEmpty ? "" : "; cascade from \(auto.cascadeFirst.joined(separator: ", "))"
            lines.append("auto:     tier \(auto.tier.rawValue): \(auto.models.joined(separator: ", "))\(cascade)")
        }
        var wants = [needs.tools ? "tools" : nil, needs.vision ? "vision" : nil, needs.jsonMode ? "json" : nil].compactMap { $0 }
        wants.append("about \(needs.estimatedPromptTokens) prompt tokens")
        lines.append("needs:    \(wants.joined(separator: ", "))")
        lines.append("verdict:  \(verdictText)")
        if let sticky {
            let on = sticky.route.map { "on \($0) for \(sticky.expiresIn.map(Self.words) ?? "?")" } ?? "on no route yet"
            lines.append("sticky:   session from \(sticky.source.rawValue), \(on)")
        }
        lines.append("cache:    \(cacheText)")
        if let hedgeAfter { lines.append("hedge:    the next route is called too when the first sends nothing in \(hedgeAfter.wholeMilliseconds) ms") }
        guard !routes.isEmpty else { return lines.joined(separator: "\n") }
        lines.append("routes, in the order they would be tried:")
        let width = routes.map(\.name.count).max() ?? 0
        for line in routes {
            let number = line.position.map { "\($0)." } ?? "-"
            let name = line.name + String(repeating: " ", count: max(width - line.name.count, 0))
            var text = "  \(number.padding(3)) \(name)  \(line.status.rawValue.padding(9))"
            text += " \(line.type) \(line.upstreamModel ?? "*"), priority \(line.priority)"
            if !line.tags.isEmpty { text += ", tags \(line.tags.joined(separator: ","))" }
            if let reason = line.reason { text += " — \(reason)" }
            if let resumeIn = line.resumeIn { text += ", ends in \(Self.words(resumeIn)) (\(Self.timestamp(wallTime + resumeIn.wholeMilliseconds)))" }
            if line.trial { text += " — the breaker's trial call" }
            if line.sticky { text += " — the session's route" }
            lines.append(text)
        }
        return lines.joined(separator: "\n")
    }

    private var verdictText: String {
        switch verdict {
        case .route: "would call \(firstCandidate ?? "?") first; no upstream call was made"
        case .denied(let rule, let message): "refused by rule \(rule) (403): \(message)"
        case .modelNotAllowed(let model, let key): "refused (403): the key '\(key)' may not use the model '\(model)'"
        case .modelNotFound: "no route serves this model (404)"
        case .wrongKind(let kind): "the model is served by \(kind.rawValue) routes (400)"
        case .unsupported: "no route supports what the request needs (400)"
        case .noCandidate(true): "every route is held back now: would wait up to \(Self.words(maxWait)) for a reset, else 429"
        case .noCandidate(false): "no route can take it now (503)"
        }
    }

    private var cacheText: String {
        switch cache {
        case .off: "off"
        case .bypass(let reason): "bypassed: \(reason)"
        case .hit(let age): "would answer (an exact entry \(Self.words(age)) old)"
        case .miss: "no exact entry"
        }
    }

    static func seconds(_ duration: Duration) -> JSONValue {
        .number(Double(duration.wholeMilliseconds) / 1000)
    }

    static func words(_ duration: Duration) -> String {
        let seconds = max(Int((Double(duration.wholeMilliseconds) / 1000).rounded(.up)), 0)
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }

    static func timestamp(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
