/// When a connection has waited too long for its client: the state machine behind
/// ``ConnectionDeadlineHandler``, a plain value on the caller's clock.
///
/// A connection is in one of four phases, and only three have a deadline:
///
/// | phase | starts | deadline | on expiry |
/// | --- | --- | --- | --- |
/// | idle | connection open, or last answer sent | ``ConnectionLimits/idleTimeout`` | close |
/// | reading head | first byte of a request | ``ConnectionLimits/headerTimeout`` | 408, close |
/// | reading body | end of the head | ``ConnectionLimits/bodyTimeout`` | 408 (close once an answer started) |
/// | answering | end of the body | none: the request deadline bounds the answer | — |
///
/// Events return the new deadline, and the owner arms its timer for it; when the timer fires,
/// ``timerFired(now:)`` says whether the deadline really passed (events may have moved it).
struct ConnectionDeadlines<Instant: InstantProtocol> where Instant.Duration == Duration {
    enum Expiry: Equatable {
        /// Nothing to do; wait until `deadline`, if any.
        case wait(until: Instant?)
        /// Close without a word: the client sent nothing.
        case close
        /// The client is mid-request and no answer has started: answer 408, then close.
        case requestTimeout
    }

    let limits: ConnectionLimits
    /// Requests whose head arrived and whose answer has not ended (more than one when pipelined).
    private var inFlight = 0
    /// When the body still arriving began; `nil` when no body is being read.
    private var bodyStartedAt: Instant?
    private var answerStarted = false
    private var headStartedAt: Instant?
    private var idleSince: Instant

    init(limits: ConnectionLimits, now: Instant) {
        self.limits = limits
        self.idleSince = now
    }

    /// When the connection times out if nothing else happens; `nil` while answering.
    var deadline: Instant? {
        if let bodyStartedAt, inFlight <= 1 { return bodyStartedAt.advanced(by: limits.bodyTimeout) }
        if inFlight > 0 { return nil }
        if let headStartedAt { return headStartedAt.advanced(by: limits.headerTimeout) }
        return idleSince.advanced(by: limits.idleTimeout)
    }

    /// Bytes came from the client; the first after idling starts a request head.
    mutating func bytesArrived(now: Instant) -> Instant? {
        if inFlight == 0, bodyStartedAt == nil, headStartedAt == nil { headStartedAt = now }
        return deadline
    }

    /// A request's head was read in full; its body (perhaps empty) follows.
    mutating func headReceived(now: Instant) -> Instant? {
        inFlight += 1
        headStartedAt = nil
        if inFlight == 1 {
            bodyStartedAt = now
            answerStarted = false
        }
        return deadline
    }

    /// A request's body was read in full.
    mutating func requestEnded() -> Instant? {
        bodyStartedAt = nil
        return deadline
    }

    /// The answer's head went out; a body timeout now can only close the connection.
    mutating func answerBegan() {
        answerStarted = true
    }

    /// An answer was sent in full. A body still arriving (the answer did not need it) keeps its
    /// deadline.
    mutating func answerEnded(now: Instant) -> Instant? {
        inFlight = max(0, inFlight - 1)
        if inFlight == 0 {
            idleSince = now
            headStartedAt = nil
        }
        return deadline
    }

    /// The timer armed for a deadline fired.
    func timerFired(now: Instant) -> Expiry {
        guard let deadline else { return .wait(until: nil) }
        guard now >= deadline else { return .wait(until: deadline) }
        if bodyStartedAt != nil { return inFlight == 0 || answerStarted ? .close : .requestTimeout }
        return headStartedAt != nil ? .requestTimeout : .close
    }
}
