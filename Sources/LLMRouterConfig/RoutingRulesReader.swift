import Foundation
import LLMRouterCore
import Yams

/// Reads `routing.rules:`, compiling globs, selectors and time windows once:
///
/// ```yaml
/// routing:
///   rules:
///     - name: business-hours-gpu
///       when: {time: {days: [mon, tue, wed, thu, fri], hours: "09:00-18:00", zone: Europe/Berlin}}
///       then: {prefer: ["tag:gpu"]}
/// ```
///
/// Every error names the field, `routing.rules[2].when.time.hours`.
struct RoutingRulesReader {
    static let ruleKeys: Set<String> = ["name", "when", "then"]
    static let whenKeys: Set<String> = ["model", "endpoint", "key", "header", "time", "prompt_tokens", "needs"]
    static let thenKeys: Set<String> = ["only", "prefer", "avoid", "policy", "max_wait_seconds", "model", "deny"]
    static let endpoints: Set<String> = ["chat", "embeddings", "messages", "responses"]

    let file: String

    func read(_ node: Node) throws(ConfigurationError) -> [RoutingRule] {
        guard let items = node.sequence else { throw error("routing.rules", "must be a list of {name, when, then}") }
        var rules: [RoutingRule] = []
        for (index, item) in items.enumerated() {
            let field = "routing.rules[\(index)]"
            guard let map = item.mapping else { throw error(field, "must be a mapping with name, when and then") }
            try unknown(map, Self.ruleKeys, field)
            guard let name = map["name"]?.string?.trimmingWhitespace(), !name.isEmpty else { throw error("\(field).name", "must be a non-empty string") }
            if rules.contains(where: { $0.name == name }) { throw error("\(field).name", "'\(name)' names an earlier rule too") }
            var conditions = RuleConditions()
            if let node = map["when"], !node.isNull { conditions = try when(node, "\(field).when") }
            guard let thenNode = map["then"] else { throw error("\(field).then", "is required: what the rule does") }
            rules.append(RoutingRule(name: name, when: conditions, then: try then(thenNode, rule: name, "\(field).then")))
        }
        return rules
    }

    private func when(_ node: Node, _ field: String) throws(ConfigurationError) -> RuleConditions {
        guard let map = node.mapping else { throw error(field, "must be a mapping of conditions") }
        try unknown(map, Self.whenKeys, field)
        var conditions = RuleConditions()
        conditions.models = try list(map["model"], "\(field).model").map(GlobPattern.init)
        conditions.endpoints = try list(map["endpoint"], "\(field).endpoint").map { $0.lowercased() }
        for endpoint in conditions.endpoints where !Self.endpoints.contains(endpoint) {
            throw error("\(field).endpoint", "unknown endpoint '\(endpoint)'; expected chat, embeddings, messages or responses")
        }
        conditions.keys = try list(map["key"], "\(field).key")
        if let headers = map["header"] {
            guard let entries = headers.mapping else { throw error("\(field).header", "must map header names to values or globs") }
            for (key, value) in entries {
                guard let name = key.string?.trimmingWhitespace(), !name.isEmpty else { throw error("\(field).header", "header names must be strings") }
                guard case .scalar = value, let text = value.string else { throw error("\(field).header.\(name)", "must be a value or glob") }
                conditions.headers.append(HeaderCondition(name: name, value: GlobPattern(text.trimmingWhitespace())))
            }
        }
        if let time = map["time"] { conditions.time = try self.time(time, "\(field).time") }
        if let tokens = map["prompt_tokens"] {
            guard let range = tokens.mapping, !range.keys.isEmpty else { throw error("\(field).prompt_tokens", "must be {min: N, max: N}") }
            try unknown(range, ["min", "max"], "\(field).prompt_tokens")
            conditions.minPromptTokens = try count(range["min"], "\(field).prompt_tokens.min")
            conditions.maxPromptTokens = try count(range["max"], "\(field).prompt_tokens.max")
            if let low = conditions.minPromptTokens, let high = conditions.maxPromptTokens, low > high {
                throw error("\(field).prompt_tokens", "min \(low) is above max \(high)")
            }
        }
        if let needs = map["needs"] {
            guard let flags = needs.mapping else { throw error("\(field).needs", "must be {tools: true, vision: true, json: true}") }
            try unknown(flags, ["tools", "vision", "json"], "\(field).needs")
            conditions.tools = try flag(flags["tools"], "\(field).needs.tools")
            conditions.vision = try flag(flags["vision"], "\(field).needs.vision")
            conditions.json = try flag(flags["json"], "\(field).needs.json")
        }
        return conditions
    }

    private func time(_ node: Node, _ field: String) throws(ConfigurationError) -> TimeWindow {
        guard let map = node.mapping else { throw error(field, "must be {days: [...], hours: \"09:00-18:00\", zone: ...}") }
        try unknown(map, ["days", "hours", "zone"], field)
        var zone = TimeZone(identifier: "UTC") ?? TimeZone.current
        if let name = map["zone"] {
            guard let text = name.string?.trimmingWhitespace(), let found = TimeZone(identifier: text) else {
                throw error("\(field).zone", "'\(name.string ?? "")' is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)")
            }
            zone = found
        }
        var window = TimeWindow(zone: zone)
        if map["days"] != nil {
            var days: UInt8 = 0
            for day in try list(map["days"], "\(field).days") {
                guard let bit = TimeWindow.dayNames.firstIndex(of: String(day.lowercased().prefix(3))) else {
                    throw error("\(field).days", "unknown day '\(day)'; expected mon, tue, wed, thu, fri, sat, sun")
                }
                days |= 1 << UInt8(bit)
            }
            guard days != 0 else { throw error("\(field).days", "must name at least one day") }
            window.days = days
        }
        if let hours = map["hours"] {
            guard let text = hours.string, let span = TimeWindow.parseHours(text) else {
                throw error("\(field).hours", "must be \"HH:MM-HH:MM\" (24-hour, e.g. \"09:00-18:00\" or \"22:00-06:00\")")
            }
            window.startMinute = span.start
            window.endMinute = span.end
        }
        return window
    }

    private func then(_ node: Node, rule: String, _ field: String) throws(ConfigurationError) -> RuleDecision {
        guard let map = node.mapping else { throw error(field, "must be a mapping (only, prefer, avoid, policy, max_wait_seconds, model, deny)") }
        try unknown(map, Self.thenKeys, field)
        var decision = RuleDecision(rule: rule)
        if map["only"] != nil {
            let only = try selectors(map["only"], "\(field).only")
            guard !only.isEmpty else { throw error("\(field).only", "must name at least one provider or tag:NAME") }
            decision.only = only
        }
        decision.prefer = try selectors(map["prefer"], "\(field).prefer")
        decision.avoid = try selectors(map["avoid"], "\(field).avoid")
        if let policy = map["policy"] {
            let names = RoutingPolicyName.allCases.map(\.rawValue).joined(separator: ", ")
            guard let text = policy.string, let name = RoutingPolicyName(rawValue: text.trimmingWhitespace().lowercased()) else {
                throw error("\(field).policy", "unknown policy; expected one of \(names)")
            }
            decision.policy = name
        }
        if let wait = map["max_wait_seconds"] {
            guard let value = wait.float ?? wait.int.map(Double.init), value.isFinite, value >= 0 else {
                throw error("\(field).max_wait_seconds", "must be a number of seconds ≥ 0")
            }
            decision.maxWait = .milliseconds(Int64((value * 1000).rounded()))
        }
        if let model = map["model"] {
            guard case .scalar = model, let text = model.string?.trimmingWhitespace(), !text.isEmpty else {
                throw error("\(field).model", "must name a canonical model")
            }
            decision.model = text
        }
        if let deny = map["deny"] {
            guard case .scalar = deny, let text = deny.string?.trimmingWhitespace(), !text.isEmpty else {
                throw error("\(field).deny", "must be the message the client gets with its 403")
            }
            decision.deny = text
        }
        return decision
    }

    private func selectors(_ node: Node?, _ field: String) throws(ConfigurationError) -> [RouteSelector] {
        let selectors = try list(node, field).map(RouteSelector.init)
        if selectors.contains(.tag("")) { throw error(field, "'tag:' needs a tag name, e.g. tag:gpu") }
        return selectors
    }

    private func list(_ node: Node?, _ field: String) throws(ConfigurationError) -> [String] {
        do {
            return try YAMLTextList.read(node)
        } catch {
            throw self.error(field, error.message)
        }
    }

    private func count(_ node: Node?, _ field: String) throws(ConfigurationError) -> Int? {
        guard let node, !node.isNull else { return nil }
        guard let value = node.int, value >= 0 else { throw error(field, "must be a whole number of tokens ≥ 0") }
        return value
    }

    private func flag(_ node: Node?, _ field: String) throws(ConfigurationError) -> Bool? {
        guard let node, !node.isNull else { return nil }
        guard let value = node.bool else { throw error(field, "must be true or false") }
        return value
    }

    private func unknown(_ map: Node.Mapping, _ known: Set<String>, _ field: String) throws(ConfigurationError) {
        for key in map.keys.compactMap(\.string) where !known.contains(key) {
            throw error("\(field).\(key)", "unknown key; expected one of \(known.sorted().joined(separator: ", "))")
        }
    }

    private func error(_ field: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, provider: nil, field: field, message: message)
    }
}
