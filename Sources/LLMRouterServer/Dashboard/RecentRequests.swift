#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterCore
import Synchronization

/// The dashboard's feed: a ring of the newest records and one bucket per minute for the last
/// hour, each with a bounded sample of latencies for its percentiles.
public final class RecentRequests: RequestRecorder {
    /// Minutes of history kept. Defaults to 60.
    public let minutes: Int
    /// Newest records kept for the requests list. Defaults to 200.
    public let capacity: Int
    /// Latencies kept per minute for its percentiles; beyond it the minute still counts them.
    static let samplesPerMinute = 512

    struct Minute {
        var index: Int
        var requests = 0
        var errors = 0
        var failovers = 0
        /// Requests answered from the response cache: upstream calls saved.
        var cacheHits = 0
        /// Requests per ``EndpointLabel`` value, so one minute holds at most five keys.
        var endpoints: [String: Int] = [:]
        /// Requests per route that answered them (cache hits excluded: no route spent quota).
        var routes: [String: Int] = [:]
        /// Requests per rule that decided them and per `auto` tier (``ChoiceLabel``).
        var rules: [String: Int] = [:]
        var tiers: [String: Int] = [:]
        var choices: [String: Int] { ChoiceLabel.labels(rules: rules, tiers: tiers) }
        var latencies: [Double] = []
        var firstTokens: [Double] = []
    }

    private struct State {
        var ring: [RequestRecord] = []
        var next = 0
        var total = 0
        var minutes: [Minute] = []
    }

    private let state = Mutex(State())

    public init(minutes: Int = 60, capacity: Int = 200) {
        self.minutes = max(1, minutes)
        self.capacity = max(1, capacity)
    }

    public func record(_ record: RequestRecord) {
        let minute = Self.minuteIndex(record.startedAt)
        let failed = record.status >= 400 || record.errorCode != nil
        let latency = Self.milliseconds(record.latency)
        let firstToken = record.timeToFirstToken.map(Self.milliseconds)
        let endpoint = EndpointLabel.bounded(record.endpoint)
        let route = record.cacheHit ? nil : record.provider
        let (rule, tier) = ChoiceLabel.choices(record)
        state.withLock { state in
            if state.ring.count < capacity {
                state.ring.append(record)
            } else {
                state.ring[state.next] = record
            }
            state.next = (state.next + 1) % capacity
            state.total += 1
            var slot = state.minutes.lastIndex { $0.index == minute }
            if slot == nil {
                state.minutes.append(Minute(index: minute))
                state.minutes.sort { $0.index < $1.index }
                state.minutes.removeAll { $0.index <= minute - minutes }
                slot = state.minutes.lastIndex { $0.index == minute }
            }
            guard let slot else { return }
            state.minutes[slot].requests += 1
            state.minutes[slot].endpoints[endpoint, default: 0] += 1
            if let route { Self.count(route, in: &state.minutes[slot].routes) }
            if let rule { Self.count(rule, in: &state.minutes[slot].rules) }
            if let tier { Self.count(tier, in: &state.minutes[slot].tiers) }
            if failed { state.minutes[slot].errors += 1 }
            if record.failedOver { state.minutes[slot].failovers += 1 }
            if record.cacheHit { state.minutes[slot].cacheHits += 1 }
            if state.minutes[slot].latencies.count < Self.samplesPerMinute { state.minutes[slot].latencies.append(latency) }
            if let firstToken, state.minutes[slot].firstTokens.count < Self.samplesPerMinute {
                state.minutes[slot].firstTokens.append(firstToken)
            }
        }
    }

    /// The newest records, newest first.
    public func latest(limit: Int) -> [RequestRecord] {
        state.withLock { state in
            let ordered = state.ring.count < capacity
                ? state.ring
                : Array(state.ring[state.next...] + state.ring[..<state.next])
            return Array(ordered.reversed().prefix(max(0, limit)))
        }
    }

    /// Per-minute figures for the hour before `now`, oldest first, with a bucket for every
    /// minute (zeros where nothing happened).
    public func summary(now: Date = Date()) -> DashboardSummary {
        let current = Self.minuteIndex(now)
        let (kept, total) = state.withLock { ($0.minutes, $0.total) }
        let buckets = ((current - minutes + 1)...current).map { index in
            let minute = kept.first { $0.index == index } ?? Minute(index: index)
            let latencies = minute.latencies.sorted()
            let firstTokens = minute.firstTokens.sorted()
            return DashboardSummary.Bucket(
                minute: Date(timeIntervalSince1970: Double(index) * 60),
                requests: minute.requests,
                errors: minute.errors,
                failovers: minute.failovers,
                latencyP50Ms: Self.percentile(latencies, 50),
                latencyP95Ms: Self.percentile(latencies, 95),
                ttftP50Ms: Self.percentile(firstTokens, 50),
                ttftP95Ms: Self.percentile(firstTokens, 95),
                choices: minute.choices
            )
        }
        var byEndpoint = Dictionary(uniqueKeysWithValues: EndpointLabel.known.map { ($0, 0) })
        var cacheHits = 0
        var byRoute: [String: Int] = [:]
        var choices: [String: Int] = [:]
        for minute in kept where minute.index > current - minutes && minute.index <= current {
            byEndpoint.merge(minute.endpoints, uniquingKeysWith: +)
            byRoute.merge(minute.routes, uniquingKeysWith: +)
            choices.merge(minute.choices, uniquingKeysWith: +)
            cacheHits += minute.cacheHits
        }
        let hour = buckets.reduce(into: (requests: 0, errors: 0, failovers: 0)) {
            $0.requests += $1.requests
            $0.errors += $1.errors
            $0.failovers += $1.failovers
        }
        // The last 60 seconds: this minute so far plus the part of the previous one still inside.
        let elapsed = now.timeIntervalSince1970 / 60 - Double(current)
        let previous = Double(buckets.dropLast().last?.requests ?? 0)
        let lastMinute = Double(buckets.last?.requests ?? 0) + previous * (1 - elapsed)
        return DashboardSummary(
            now: now,
            totalRequests: total,
            requestsLastHour: hour.requests,
            requestsPerSecond: lastMinute / 60,
            errorRate: hour.requests == 0 ? 0 : Double(hour.errors) / Double(hour.requests),
            failoverRate: hour.requests == 0 ? 0 : Double(hour.failovers) / Double(hour.requests),
            cacheHitsLastHour: cacheHits,
            cacheHitRate: hour.requests == 0 ? 0 : Double(cacheHits) / Double(hour.requests),
            requestsByEndpoint: byEndpoint,
            requestsByRoute: byRoute,
            choicesLastHour: choices,
            buckets: buckets
        )
    }

    /// Labels a minute keeps apart; more (names from config reloads) count as `other`.
    public static let labelsPerMinute = 64

    static let otherLabel = "other"

    static func count(_ label: String, in counts: inout [String: Int]) {
        // One hash for a label already counted, as most are: this runs under the lock every
        // event loop records through.
        if let index = counts.index(forKey: label) {
            counts.values[index] += 1
        } else {
            counts[counts.count < labelsPerMinute ? label : otherLabel, default: 0] += 1
        }
    }

    static func minuteIndex(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// Nearest-rank percentile of sorted `values`.
    static func percentile(_ values: [Double], _ percent: Int) -> Double? {
        guard !values.isEmpty else { return nil }
        let rank = (values.count * percent + 99) / 100
        return values[max(0, rank - 1)]
    }
}
