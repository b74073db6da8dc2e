/// Latency of recent successful calls: an EWMA for a smooth "typical" figure and percentiles
/// over the last samples for the tail.
struct LatencyStats: Sendable {
    /// Weight of the newest sample in the EWMA: about the last ten calls dominate.
    static let smoothing = 0.2
    /// Samples kept for percentiles; older ones fall out first.
    static let capacity = 256

    private(set) var ewmaMilliseconds: Double?
    private var samples: [Double] = []
    private var next = 0

    mutating func record(_ latency: Duration) {
        let milliseconds = latency.milliseconds
        ewmaMilliseconds = ewmaMilliseconds.map { $0 + Self.smoothing * (milliseconds - $0) } ?? milliseconds
        if samples.count < Self.capacity {
            samples.append(milliseconds)
        } else {
            samples[next] = milliseconds
        }
        next = (next + 1) % Self.capacity
    }

    /// The `fraction` percentile (0...1) of the kept samples, nearest-rank.
    func percentile(_ fraction: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

extension Duration {
    /// The duration in milliseconds, as a `Double`.
    public var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }

    /// The duration in seconds, as a `Double`.
    public var seconds: Double { milliseconds / 1000 }

    /// The whole nanoseconds of the duration, for NIO's `TimeAmount` and metrics timers.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
