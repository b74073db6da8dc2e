/// What happened to one candidate during a request, in the order they were tried.
public struct AttemptRecord: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case succeeded
        case failed(UpstreamFailure)
        /// Not called: breaker open, trial in progress, or provider disabled.
        case skipped(reason: String)
    }

    public var provider: String
    public var outcome: Outcome
    /// Time spent on the call; `nil` when it was skipped.
    public var latency: Duration?

    public init(provider: String, outcome: Outcome, latency: Duration? = nil) {
        self.provider = provider
        self.outcome = outcome
        self.latency = latency
    }

    /// Whether the provider was actually called.
    public var wasCalled: Bool {
        if case .skipped = outcome { return false }
        return true
    }

    /// A one-line reason for error messages: `groq: rate_limited (HTTP 429): ...`.
    public var summary: String {
        switch outcome {
        case .succeeded: "\(provider): ok"
        case .failed(let failure): "\(provider): \(failure)"
        case .skipped(let reason): "\(provider): skipped (\(reason))"
        }
    }
}
