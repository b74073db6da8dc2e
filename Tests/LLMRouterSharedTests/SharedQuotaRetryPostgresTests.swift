import Foundation
import LLMRouterCore
import LLMRouterShared
import LLMRouterTesting
import Logging
import PostgresNIO
import Testing

/// A quota hand-over that committed but whose answer came too late counts once, through a real
/// PostgreSQL.
@Suite(.enabled(if: TestDatabase.isConfigured, TestDatabase.skipped))
struct SharedQuotaRetryPostgresTests {
    @Test func aHandOverThatTimedOutAfterCommittingIsNotCountedTwice() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let instance = RouterInstance(
                url: url, instance: "slow", primaryLimits: .init(requestsPerMinute: 100), wall: SharedQuotaPostgresTests.pinnedWall(),
                operationTimeout: .milliseconds(300)
            )
            try await instance.running {
                try await instance.waitUntilListening()
                #expect(try await instance.send() == "primary")
                try await waitForCounter(url) { $0 == 1 }
                // Another session holds the counter's row: the next hand-over waits on it past
                // the timeout, is sent again (and again), and the first commits once let go.
                let held = Locked(false)
                let locker = Task {
                    try await TestDatabase.withClient(url) { client in
                        try await client.withTransaction(logger: Logger(label: "test")) { connection in
                            _ = try await connection.query("SELECT used FROM llmrouter_quota_counters WHERE scope = 'route:primary' FOR UPDATE", logger: Logger(label: "test")).collect()
                            held.withLock { $0 = true }
                            try await Task.sleep(for: .milliseconds(1500))
                        }
                    }
                }
                try await waitFor("the row to be held") { held.withLock { $0 } }
                for _ in 0..<4 { #expect(try await instance.send() == "primary") }
                try await waitFor("the hand-over to time out", limit: .seconds(3)) { instance.shared.health.isUp == false }
                try await locker.value
                try await waitFor("the database to answer again", limit: .seconds(5)) { instance.shared.health.isUp == true }
                try await waitForCounter(url) { $0 >= 5 }
                // Retries still queued behind the first had time to add theirs, had they any.
                try await Task.sleep(for: .milliseconds(1000))
            }
            let counted = try await counter(url)
            print("5 calls, a hand-over timed out after committing: counted \(counted)")
            #expect(counted == 5)
        }
    }
}

/// The sum of `route:primary`'s per-minute counters.
func counter(_ url: DatabaseURL) async throws -> Int {
    try await TestDatabase.withClient(url) { try await counter(on: $0) }
}

func counter(on client: PostgresClient) async throws -> Int {
    var total = 0
    let query: PostgresQuery = "SELECT coalesce(sum(used), 0)::bigint FROM llmrouter_quota_counters WHERE scope = 'route:primary' AND window_key LIKE 'rpm:%'"
    for try await used in try await client.query(query).decode(Int64.self) { total = Int(used) }
    return total
}

/// Polls (≤ 10 s) until the counter satisfies `condition`.
func waitForCounter(_ url: DatabaseURL, _ condition: @escaping @Sendable (Int) -> Bool) async throws {
    try await TestDatabase.poll(url, "the quota counter", read: { try await counter(on: $0) }, until: condition)
}
