import Metrics
import Synchronization

/// The router's counters (attempts, skips, cool-downs, breaker transitions), each made once per
/// label set and kept: counting an attempt then costs a dictionary look-up, not a trip through
/// the metrics backend's registry.
final class RouterCounters: Sendable {
    private struct Key: Hashable {
        var label: String
        var first: String
        var firstValue: String
        var second: String
        var secondValue: String
    }

    private let factory: any MetricsFactory
    private let counters = Mutex<[Key: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Adds one to `label` with the two dimensions.
    func increment(_ label: String, _ first: (String, String), _ second: (String, String)) {
        let key = Key(label: label, first: first.0, firstValue: first.1, second: second.0, secondValue: second.1)
        let counter = counters.withLock { counters in
            if let known = counters[key] { return known }
            let made = Counter(label: label, dimensions: [first, second], factory: factory)
            counters[key] = made
            return made
        }
        counter.increment()
    }
}
