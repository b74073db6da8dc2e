/// Code rules (``RequestRule``) that outlive reloads: a reload or catalog refresh builds a table
/// from YAML, and the application adds its code rules to each one.
extension RoutingTable {
    /// The rules that came from code, after `routing.rules`.
    public var codeRules: [any RequestRule] {
        Array(rules.dropFirst(routing.rules.count))
    }

    /// This table with `more` tried after its own rules; itself when `more` is empty.
    public func adding(rules more: [any RequestRule]) -> RoutingTable {
        guard !more.isEmpty else { return self }
        return RoutingTable(routes: routes, routing: routing, rules: codeRules + more)
    }
}
