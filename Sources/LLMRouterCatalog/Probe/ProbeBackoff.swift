#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import LLMRouterProviders

/// How long to wait before retrying a `/models` call that answered 429 or 5xx or did not answer.
///
/// Exponential from 500 ms, doubling, capped at 8 s, with ±10 % jitter so concurrent builds do
/// not retry in step. A `Retry-After` from the server (seconds or HTTP date, read by the same
/// ``RateLimitValues`` as the chat adapter's) wins when it is no longer than
/// ``maximumRetryAfter``; a longer one means the provider is out for a while, so the probe gives up
/// instead of stalling the build.
///
/// | retry | delay (jitter 0) | range with ±10 % |
/// |---|---|---|
/// | 1 | 0.5 s | 0.45 – 0.55 s |
/// | 2 | 1 s | 0.9 – 1.1 s |
/// | 3 | 2 s | 1.8 – 2.2 s |
/// | 4 | 4 s | 3.6 – 4.4 s |
/// | 5 and later | 8 s (cap) | 7.2 – 8.8 s |
public struct ProbeBackoff: Sendable, Equatable {
    /// The first delay. Defaults to 500 ms.
    public var initial: Duration
    /// The longest computed delay. Defaults to 8 s.
    public var maximum: Duration
    /// The longest `Retry-After` honoured. Defaults to 30 s.
    public var maximumRetryAfter: Duration
    /// The jitter fraction applied either way. Defaults to 0.1.
    public var jitterFraction: Double

    public init(
        initial: Duration = .milliseconds(500),
        maximum: Duration = .seconds(8),
        maximumRetryAfter: Duration = .seconds(30),
        jitterFraction: Double = 0.1
    ) {
        self.initial = initial
        self.maximum = maximum
        self.maximumRetryAfter = maximumRetryAfter
        self.jitterFraction = jitterFraction
    }

    /// The delay before retry number `retry`, or `nil` to stop retrying.
    /// - Parameters:
    ///   - retry: 1 for the first retry.
    ///   - retryAfter: the server's `Retry-After` value, if any; unreadable values are ignored.
    ///   - jitter: a value in -1...1 (random in production, fixed in tests).
    ///   - now: the wall clock, for a `Retry-After` date.
    public func delay(beforeRetry retry: Int, retryAfter: String? = nil, jitter: Double = 0, now: Date = Date()) -> Duration? {
        if let retryAfter, let asked = RateLimitValues.parseRetryAfter(retryAfter, now: now) {
            return asked <= maximumRetryAfter ? asked : nil
        }
        let exponent = min(max(retry - 1, 0), 30)
        let capped = min(initial * (1 << exponent), maximum)
        let factor = 1 + jitterFraction * min(max(jitter, -1), 1)
        // Whole milliseconds: finer precision means nothing for a retry and makes delays compare exactly.
        let milliseconds = Double(capped.components.seconds) * 1000 + Double(capped.components.attoseconds) / 1e15
        return .milliseconds(Int64((milliseconds * factor).rounded()))
    }
}
