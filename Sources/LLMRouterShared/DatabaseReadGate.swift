/// Whether a request may ask the database now: after a read failed or timed out, requests stop
/// asking for ``retryAfter`` (a plain miss at once instead of a wait for the timeout each), then
/// one request tries again while the others keep missing; its success opens the gate.
///
/// Outcomes count in the order their operations began, not ended (see ``failed(startedAt:now:)``).
/// A plain value on an injected clock's instants; its owner locks it and logs the changes.
public struct DatabaseReadGate<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What a reported outcome changed.
    public enum Change: Sendable, Equatable {
        case none
        /// The first failure after a success (or the start): say the database is away.
        case wentAway
        /// The first success after a failure: say it is back.
        case cameBack
    }

    public let retryAfter: Duration
    /// Until when requests do not ask; `nil` while the database answers.
    private var closedUntil: Instant?
    /// When the operation last reported began. A report of one that began earlier is stale: a
    /// read sent before the network was cut may still answer after a later one failed.
    private var latestStart: Instant?

    public init(retryAfter: Duration) {
        self.retryAfter = retryAfter
    }

    /// Whether the database is taken to be away.
    public var isClosed: Bool { closedUntil != nil }

    /// Whether a request may read now. Once the wait is over, the first to ask is let through
    /// and the gate closes again behind it until it reports.
    public mutating func admits(now: Instant) -> Bool {
        guard let until = closedUntil else { return true }
        guard now >= until else { return false }
        closedUntil = now.advanced(by: retryAfter)
        return true
    }

    /// An operation begun at `startedAt` failed (an error, or no answer within its timeout).
    public mutating func failed(startedAt: Instant, now: Instant) -> Change {
        guard isCurrent(startedAt) else { return .none }
        defer { closedUntil = now.advanced(by: retryAfter) }
        return closedUntil == nil ? .wentAway : .none
    }

    /// An operation begun at `startedAt` reached the database.
    public mutating func succeeded(startedAt: Instant) -> Change {
        guard isCurrent(startedAt) else { return .none }
        defer { closedUntil = nil }
        return closedUntil == nil ? .none : .cameBack
    }

    private mutating func isCurrent(_ startedAt: Instant) -> Bool {
        if let latestStart, startedAt < latestStart { return false }
        latestStart = startedAt
        return true
    }
}
