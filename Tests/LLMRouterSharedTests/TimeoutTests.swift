import Testing

@testable import LLMRouterShared

/// The bound on one database call: the loops must report an outage on time even when a call is
/// slow to notice its cancellation.
struct TimeoutTests {
    struct Refused: Error {}

    @Test func aQuickCallGivesItsValueOrItsError() async throws {
        #expect(try await withTimeout(.seconds(5)) { 42 } == 42)
        await #expect(throws: Refused.self) { try await withTimeout(.seconds(5)) { () async throws -> Int in throw Refused() } }
    }

    @Test func aCallIgnoringCancellationIsGivenUpOnAtTheLimit() async throws {
        let started = ContinuousClock.now
        await #expect(throws: TimedOut.self) {
            try await withTimeout(.milliseconds(50)) { () async throws -> Int in
                // Sleeps on through its cancellation, as a connection attempt may.
                let end = ContinuousClock.now + .seconds(3)
                while ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(10)) }
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .seconds(2), "not waited for")
    }
}
