/// Which conversation a request belongs to, for sticky routing: the client's `X-Session-Id`,
/// else the request's `user` field, else its opening (the system prompt and the first user
/// message), each within one access key.
///
/// The key is a hash seeded per process: the table lives in memory and dies with it, and a
/// hash keeps an entry small whatever a client sends.
public struct StickySession: Sendable, Equatable {
    public enum Source: String, Sendable {
        /// `X-Session-Id`.
        case header
        /// The request's `user` field.
        case user
        /// A hash of the access key, the system prompt and the first user message.
        case conversation
    }

    public var key: Int
    public var source: Source

    public init(key: Int, source: Source) {
        self.key = key
        self.source = source
    }

    /// The session of a request; `nil` when it has none of the three (no user message).
    /// - Parameters:
    ///   - sessionID: the `X-Session-Id` header's value.
    ///   - fields: the request's members (`user`, `messages`).
    ///   - keyName: the access key's name, so two keys never share a session.
    public static func identify(sessionID: String?, fields: [String: JSONValue]?, keyName: String?) -> StickySession? {
        var hasher = Hasher()
        hasher.combine(keyName)
        if let sessionID = sessionID?.trimmingWhitespace(), !sessionID.isEmpty {
            hasher.combine(Source.header.rawValue)
            hasher.combine(sessionID)
            return StickySession(key: hasher.finalize(), source: .header)
        }
        if let user = fields?["user"]?.stringValue, !user.isEmpty {
            hasher.combine(Source.user.rawValue)
            hasher.combine(user)
            return StickySession(key: hasher.finalize(), source: .user)
        }
        hasher.combine(Source.conversation.rawValue)
        for message in fields?["messages"]?.arrayValue ?? [] {
            guard let object = message.objectValue else { continue }
            let role = object["role"]?.stringValue
            // Canonical JSON (sorted members): the same content hashes the same however sent.
            let content = JSONValue.encodedBytes(object["content"] ?? .null)
            guard role == "system" || role == "developer" || role == "user" else { continue }
            // The length first: "ab" + "c" and "a" + "bc" must not hash alike.
            hasher.combine(role)
            hasher.combine(content.count)
            content.withUnsafeBytes { hasher.combine(bytes: $0) }
            if role == "user" { return StickySession(key: hasher.finalize(), source: .conversation) }
        }
        return nil
    }
}

/// How a request met its sticky session, for `X-LLMRouter-Sticky`.
public enum StickyVerdict: String, Sendable, Equatable {
    /// Answered by the route the session was on.
    case hit
    /// The session had no route (first request, or it ran out); it is on the answering route now.
    case new
    /// The session's route was not admissible (or failed); it moved to the answering route.
    case moved
}
