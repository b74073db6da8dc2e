extension StringProtocol {
    /// The string without leading and trailing white space; FoundationEssentials has no
    /// `trimmingCharacters(in:)`, and config, environment and header values all need it.
    public func trimmingWhitespace() -> String {
        var view = self[...]
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
