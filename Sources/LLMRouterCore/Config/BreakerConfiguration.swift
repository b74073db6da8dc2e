/// When a provider's circuit breaker opens and how long it stays open.
///
/// The breaker opens on either signal: a run of consecutive failures (a provider that is down),
/// or a failure rate over a sliding window (a provider that fails often but not every time).
public struct BreakerConfiguration: Sendable, Equatable {
    /// Consecutive failures that open the breaker. Defaults to 3.
    public var failureThreshold: Int
    /// How long an open breaker rejects calls before admitting one trial. Defaults to 15 seconds.
    public var recoveryTime: Duration
    /// The sliding window the failure rate is measured over. Defaults to 60 seconds.
    public var window: Duration
    /// The failure rate (0...1) in the window that opens the breaker. Defaults to 0.5.
    public var failureRateThreshold: Double
    /// The fewest calls in the window before the rate is trusted. Defaults to 10.
    public var minimumRequests: Int

    public init(
        failureThreshold: Int = 3,
        recoveryTime: Duration = .seconds(15),
        window: Duration = .seconds(60),
        failureRateThreshold: Double = 0.5,
        minimumRequests: Int = 10
    ) {
        self.failureThreshold = failureThreshold
        self.recoveryTime = recoveryTime
        self.window = window
        self.failureRateThreshold = failureRateThreshold
        self.minimumRequests = minimumRequests
    }
}
