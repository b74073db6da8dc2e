import Foundation
import LLMRouterCore
import LLMRouterShared
import LLMRouterTesting
import Logging
import PostgresNIO
import Testing

/// Configured quotas and breaker states crossing router instances through a real PostgreSQL.
@Suite(.enabled(if: TestDatabase.isConfigured, TestDatabase.skipped))
struct SharedQuotaPostgresTests {
    /// Five seconds into the current wall-clock minute, a day ahead: the test's calls all fall
    /// in one minute window, whatever the time the test runs at.
    static func pinnedWall() -> Date {
        let now = Date().timeIntervalSince1970
        return Date(timeIntervalSince1970: (now / 60).rounded(.down) * 60 + 86_400 + 5)
    }

    @Test func thirtyRequestsPerMinuteAcrossThreeInstancesStayWithinTheDocumentedBound() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let wall = Self.pinnedWall()
            let instances = (0..<3).map {
                RouterInstance(url: url, instance: "router-\($0)", primaryLimits: .init(requestsPerMinute: 30), wall: wall)
            }
            let gap = Duration.milliseconds(50)
            let started = ContinuousClock.now
            try await instances[0].running {
                try await instances[1].running {
                    try await instances[2].running {
                        for instance in instances { try await instance.waitUntilListening() }
                        for index in 0..<90 {
                            #expect(try await instances[index % 3].send() != nil, "over the quota, the backup answers")
                            try await Task.sleep(for: gap)
                        }
                    }
                }
            }
            let admitted = instances.map { $0.calls("primary") }
            let total = admitted.reduce(0, +)
            // The README's bound: L + (N − 1) × what one instance admits in 2 × interval + a
            // round trip (0.25 s each, 50 ms allowed for the trip); requests reach one instance
            // every 3 gaps, so at most ⌈0.55 s / 150 ms⌉ + 1 = 5 there.
            let perInstance = Int((0.55 / (3 * gap.seconds)).rounded(.up)) + 1
            let bound = 30 + 2 * perInstance
            print("30 rpm across 3 instances: 90 requests in \(ContinuousClock.now - started), primary admitted \(admitted) = \(total) (bound \(bound), without sharing 90)")
            #expect(total >= 30, "the quota itself is spent")
            #expect(total <= bound)
        }
    }

    @Test func windowKeysRollWithTheWallClockAndOldWindowsAreDeleted() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let wall = Self.pinnedWall()
            let clocks = [MockClock(), MockClock()]
            let states = clocks.map {
                ProviderState(routes: [RouteSpec(name: "a", limits: .init(requestsPerMinute: 10))], clock: $0, wallClockAtStart: wall)
            }
            let services = (0..<2).map { index in
                SharedStateService(
                    settings: .init(url: url, instance: "roll-\(index)", retryInterval: .milliseconds(100), pruneInterval: .milliseconds(200)),
                    receiver: states[index], logger: Logger(label: "test")
                )
            }
            for (state, service) in zip(states, services) { state.share(with: service) }
            // A window long over, as a previous day left it.
            try await TestDatabase.withClient(url) { client in
                try await SharedSchema.migrate(client, logger: Logger(label: "test"))
                try await TestDatabase.execute(
                    "INSERT INTO llmrouter_quota_counters VALUES ('route:a', 'rpm:2020-01-01T00:00', 7, now() - interval '1 hour')", on: client
                )
            }
            let tasks = services.map { service in Task { await service.run() } }
            defer { for task in tasks { task.cancel() } }
            for _ in 0..<10 {
                guard case .admitted = states[0].admit("a").0 else { break }
                states[0].settle("a", .answered(latency: .zero, report: .init(), tokens: 1))
            }
            try await waitFor("the second instance to learn the minute is spent", limit: .seconds(5)) {
                if case .skipped = states[1].peek("a") { return true }
                return false
            }
            for clock in clocks { clock.advance(by: .seconds(120)) }
            #expect(states[1].peek("a") == .admitted(trial: false), "two minutes on, a new window")
            _ = states[1].admit("a")
            let later = wall.addingTimeInterval(120)
            let keys = [Self.minuteKey(wall), Self.minuteKey(later)]
            // The 2020 row is gone too: pruned.
            let expected = [keys[0]: 10, keys[1]: 1]
            var found: [String: Int] = [:]
            let deadline = ContinuousClock.now + .seconds(5)
            while found != expected, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                found = try await Self.counters(url)
            }
            #expect(found == expected)
            print("window keys: \(found)")
        }
    }

    @Test func breakerStatesOfOtherInstancesAreShown() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let broken = RouterInstance(url: url, instance: "broken", failing: ["primary"], syncInterval: .milliseconds(100))
            let healthy = RouterInstance(url: url, instance: "healthy", syncInterval: .milliseconds(100))
            try await broken.running {
                try await healthy.running {
                    try await waitFor("each instance to see the other's closed breakers") {
                        healthy.state.snapshot("primary")?.elsewhere?.map(\.instance) == ["broken"]
                            && broken.state.snapshot("primary")?.elsewhere?.first?.state == "closed"
                    }
                    for _ in 0..<3 { #expect(try await broken.send() == "backup") }
                    #expect(broken.state.snapshot("primary")?.state == .open)
                    try await waitFor("the healthy instance to show the other's open breaker") {
                        healthy.state.snapshot("primary")?.elsewhere?.first?.state == "open"
                    }
                    let mine = try #require(healthy.state.snapshot("primary"))
                    #expect(mine.state == .closed, "breakers stay local")
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = .sortedKeys
                    let json = String(decoding: try encoder.encode(mine), as: UTF8.self)
                    #expect(json.contains(#""elsewhere":[{"instance":"broken","#) && json.contains(#""state":"open""#))
                }
            }
        }
    }

    static func minuteKey(_ date: Date) -> String {
        "rpm:" + String(ISO8601DateFormatter().string(from: date).prefix(16))
    }

    static func counters(_ url: DatabaseURL) async throws -> [String: Int] {
        try await TestDatabase.withClient(url) { client in
            var found: [String: Int] = [:]
            for try await (key, used) in try await client.query("SELECT window_key, used FROM llmrouter_quota_counters WHERE scope = 'route:a'")
                .decode((String, Int64).self)
            {
                found[key] = Int(used)
            }
            return found
        }
    }
}

/// The database away: each instance keeps its own quota, exactly.
struct SharedQuotaDatabaseAwayTests {
    @Test func theLocalQuotaHoldsWhileTheDatabaseIsAway() async throws {
        let url = try DatabaseURL("postgres://router@127.0.0.1:1/shared?sslmode=disable")
        let instance = RouterInstance(url: url, instance: "alone", primaryLimits: .init(requestsPerMinute: 5), wall: SharedQuotaPostgresTests.pinnedWall())
        try await instance.running {
            for _ in 0..<12 { #expect(try await instance.send() != nil) }
            try await Task.sleep(for: .milliseconds(600))
            for _ in 0..<3 { #expect(try await instance.send() == "backup") }
        }
        #expect(instance.calls("primary") == 5, "the local quota alone, neither more nor less")
    }
}
