/// A statement's bind values as one database's driver takes them: SQLite's `[SQLiteData]`, or
/// PostgreSQL's `PostgresBindings` (LLMRouterShared). ``UsageRow/appendBinds(of:instance:to:)``
/// fills either in the one column order of ``UsageSQL/columns``, specialized for each, without
/// an intermediate copy per row.
package protocol UsageBinds {
    mutating func bindInteger(_ value: Int)
    mutating func bindReal(_ value: Double)
    mutating func bindText(_ value: String)
    mutating func bindNull()
}

extension UsageBinds {
    mutating func bind(_ value: Int?) {
        if let value { bindInteger(value) } else { bindNull() }
    }

    mutating func bind(_ value: Double?) {
        if let value { bindReal(value) } else { bindNull() }
    }

    mutating func bind(_ value: String?) {
        if let value { bindText(value) } else { bindNull() }
    }

    mutating func bind(_ flag: Bool) {
        bindInteger(flag ? 1 : 0)
    }

    /// Binds a value of a stats query.
    package mutating func bind(_ value: UsageSQLValue) {
        switch value {
        case .integer(let number): bindInteger(number)
        case .real(let number): bindReal(number)
        case .text(let text): bindText(text)
        case .null: bindNull()
        }
    }
}

/// A value a stats query binds or returns, whichever database ran it.
package enum UsageSQLValue: Sendable, Equatable {
    case integer(Int)
    case real(Double)
    case text(String)
    case null

    var integer: Int? {
        switch self {
        case .integer(let number): number
        case .real(let number): Int(exactly: number.rounded())
        default: nil
        }
    }

    var double: Double? {
        switch self {
        case .integer(let number): Double(number)
        case .real(let number): number
        default: nil
        }
    }

    var string: String? {
        if case .text(let text) = self { text } else { nil }
    }
}
