/// What the router does when an upstream stream breaks after its first chunk went to the client
/// (`routing.stream_failover`): failover before the first byte is always on; after it, the
/// client has an answer in progress that another route can only finish, not restart.
public enum StreamFailover: String, Sendable, CaseIterable {
    /// The stream ends with an error event in the client's API shape (the default).
    case error
    /// The answer goes on from the next admissible route, spliced into the same stream (see
    /// ``StreamContinuation``); a break after a tool call started still ends with the error event.
    case `continue`
}
