/// What happened to one candidate during a request, in the order they were tried.
public struct AttemptRecord: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case succeeded
        case failed(UpstreamFailure)
        /// Not called: breaker open, trial in progress, or provider disabled.
        case skipped(reason: String)
        /// Called, then cancelled: another call of the request answered first (hedging).
        case cancelled(reason: String)
    }

    public var provider: String
    public var outcome: Outcome
    /// Time spent on the call; `nil` when it was skipped.
    public var latency: Duration?
    /// The model id sent (or that would have been sent) upstream.
    public var upstreamModel: String?
    /// For a route held back by a rate limit: how long until it takes calls again, when known.
    public var resumeIn: Duration?
    /// Whether a rate limit (a 429, a cool-down or a used-up quota) kept this route from answering.
    public var rateLimited: Bool

    public init(provider: String, outcome: Outcome, latency: Duration? = nil, upstreamModel: String? = nil, resumeIn: Duration? = nil, rateLimited: Bool = false) {
        self.provider = provider
        self.outcome = outcome
        self.latency = latency
        self.upstreamModel = upstreamModel
        self.resumeIn = resumeIn
        self.rateLimited = rateLimited
    }

    /// Whether the provider was actually called.
    public var wasCalled: Bool {
        if case .skipped = outcome { return false }
        return true
    }

    /// A one-line reason for error messages: `groq: rate_limited (HTTP 429): ...`.
    public var summary: String {
        let resume = resumeIn.map { ", resets in \(Self.roundedSeconds($0)) s" } ?? ""
        return switch outcome {
        case .succeeded: "\(provider): ok"
        case .failed(let failure): "\(provider): \(failure)\(resume)"
        case .skipped(let reason): "\(provider): skipped (\(reason)\(resume))"
        case .cancelled(let reason): "\(provider): cancelled (\(reason))"
        }
    }

    /// The outcome as the usage log writes it: `ok`, a failure kind, or `skipped`.
    public var outcomeLabel: String {
        switch outcome {
        case .succeeded: "ok"
        case .failed(let failure): failure.kind.rawValue
        case .skipped: "skipped"
        case .cancelled: "cancelled"
        }
    }

    /// `duration` in whole seconds, rounded up (a client told "0 s" would retry too early).
    public static func roundedSeconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return max(parts.seconds + (parts.attoseconds > 0 ? 1 : 0), 0)
    }
}
