import Foundation
import LLMRouterCore
import LLMRouterTesting
import Synchronization

/// Router instances sharing one rate-limited upstream on a mock clock, without a database:
/// what each hands on (cool-downs, learned buckets) reaches the others 10 ms later, as a
/// `NOTIFY` would. Requests come round-robin at a steady rate and wait for a route's reset as
/// the router does (at most `maxWait`); the upstream allows `limit` calls per fixed window that
/// starts at its first call and answers 50 ms after a call.
struct SplitBucketSimulation {
    enum Dialect {
        /// Every answer carries the bucket (Groq, Cerebras).
        case headersOnEveryAnswer
        /// Only the refusal says anything (OpenRouter).
        case headersOnRefusalOnly
    }

    struct Figures: Equatable {
        var answered = 0
        var refused = 0
        /// Requests that gave up: no call within their wait.
        var turnedAway = 0
    }

    var instances: Int
    var dialect: Dialect
    var rate: Double = 6
    var seconds = 20
    var limit = 5
    var window: Duration = .seconds(5)
    var latency: Duration = .milliseconds(50)
    var maxWait: Duration = .seconds(5)
    let step: Duration = .milliseconds(10)

    /// Keeps what one instance hands on until the relay passes it to the others.
    final class Outbox: SharedStateObserver {
        let coolDowns = Mutex<[SharedCoolDown]>([])
        let learned = Mutex<[SharedLearnedLimit]>([])
        func coolDownsStarted(_ coolDowns: [SharedCoolDown]) { self.coolDowns.withLock { $0 += coolDowns } }
        func learnedLimitsChanged(_ limits: [SharedLearnedLimit]) { learned.withLock { $0 += limits } }
    }

    private struct Call {
        var instance: Int
        var due: MockClock.Instant
        var allowed: Bool
        /// What the upstream had left after this call.
        var remaining: Int
        var windowEnd: MockClock.Instant
    }

    private struct Waiting {
        var instance: Int
        var arrival: MockClock.Instant
        var retryAt: MockClock.Instant
    }

    func run() -> Figures {
        let clock = MockClock()
        let wall = Date(timeIntervalSince1970: 1_750_000_000)
        let states = (0..<instances).map { _ in
            ProviderState(routes: [RouteSpec(name: "free")], clock: clock, wallClockAtStart: wall, jitter: { 0 })
        }
        let outboxes = states.map { _ in Outbox() }
        for (rank, state) in states.enumerated() {
            state.share(with: outboxes[rank])
            state.apply(peers: InstancePeers(rank: rank, count: instances))
        }
        var figures = Figures()
        var calls: [Call] = []
        var waiting: [Waiting] = []
        var windowStart: MockClock.Instant?
        var used = 0
        let start = clock.now
        let total = Int(rate * Double(seconds))
        var sent = 0
        while clock.now < start + .seconds(seconds) + maxWait + .seconds(1) {
            let now = clock.now
            relay(states, outboxes)
            for call in calls where call.due <= now { settle(call, on: states[call.instance], now: now, figures: &figures) }
            calls.removeAll { $0.due <= now }
            while sent < total, start + .seconds(Double(sent) / rate) <= now {
                waiting.append(Waiting(instance: sent % instances, arrival: now, retryAt: now))
                sent += 1
            }
            var stillWaiting: [Waiting] = []
            for var request in waiting {
                guard request.retryAt <= now else {
                    stillWaiting.append(request)
                    continue
                }
                switch states[request.instance].admit("free").0 {
                case .admitted:
                    if let begun = windowStart, now < begun + window {} else {
                        windowStart = windowStart.map { begun in
                            begun + window * Int((begun.duration(to: now) / window).rounded(.down))
                        } ?? now
                        used = 0
                    }
                    let allowed = used < limit
                    if allowed { used += 1 }
                    calls.append(Call(instance: request.instance, due: now + latency, allowed: allowed, remaining: limit - used, windowEnd: (windowStart ?? now) + window))
                case .skipped(let skip):
                    let resume = skip.resumeAt ?? now + .seconds(1)
                    if resume <= request.arrival + maxWait {
                        request.retryAt = max(resume, now + step)
                        stillWaiting.append(request)
                    } else {
                        figures.turnedAway += 1
                    }
                }
            }
            waiting = stillWaiting
            clock.advance(by: step)
        }
        return figures
    }

    private func settle(_ call: Call, on state: ProviderState<MockClock>, now: MockClock.Instant, figures: inout Figures) {
        let resetIn = now < call.windowEnd ? now.duration(to: call.windowEnd) : .zero
        if call.allowed {
            figures.answered += 1
            let signal = RateLimitSignal(windows: [.init(unit: .requests, limit: limit, remaining: call.remaining, resetIn: resetIn)])
            let report = dialect == .headersOnEveryAnswer ? UpstreamReport(rateLimit: signal) : UpstreamReport()
            state.settle("free", .answered(latency: latency, report: report, tokens: 1))
        } else {
            figures.refused += 1
            let signal = RateLimitSignal(kind: .shortWindow, windows: [.init(unit: .requests, limit: limit, remaining: 0, resetIn: resetIn)])
            state.settle("free", .failed(UpstreamFailure(kind: .rateLimited, message: "limit reached", status: 429, rateLimit: signal), latency: latency))
        }
    }

    /// Hands what each instance told its outbox to every other instance.
    private func relay(_ states: [ProviderState<MockClock>], _ outboxes: [Outbox]) {
        for (source, outbox) in outboxes.enumerated() {
            let coolDowns = outbox.coolDowns.withLock { taken in defer { taken = [] }; return taken }
            let learned = outbox.learned.withLock { taken in defer { taken = [] }; return taken }
            for (target, state) in states.enumerated() where target != source {
                state.apply(remote: coolDowns)
                state.apply(remoteLearned: learned)
            }
        }
    }
}
