/// `database:` in the providers YAML: the PostgreSQL address to share state through, as
/// written (a `${VAR}` in it is filled in at startup). It may hold a password, so every text
/// shown of it masks that.
public struct DatabaseSetting: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The address as written; hand it only to the address parser.
    public var text: String
    /// The file it was read from, named in messages.
    public var file: String

    public init(text: String, file: String) {
        self.text = text
        self.file = file
    }

    public var description: String { Self.masked(text) }
    public var debugDescription: String { description }

    /// `text` with the password of its `user:password@` part replaced by `***`.
    public static func masked(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "://") else { return text }
        let authority = text[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<authority.index(after: colon)]) + "***" + String(text[at...])
    }
}
