import Synchronization
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
        // The call waits, deaf to its cancellation as a connection attempt may be, until the test
        // lets it go — which it does only after withTimeout has returned. Had withTimeout waited
        // for the call, it would never return; no wall-clock bound is needed to tell.
        let release = Release()
        await #expect(throws: TimedOut.self) {
            try await withTimeout(.milliseconds(50)) { () async throws -> Int in
                await release.wait()
                return 1
            }
        }
        release.open()
    }
}

/// A gate a call waits on regardless of cancellation.
private final class Release: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Void, Never>?
        var isOpen = false
    }

    private let state = Mutex(State())

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.isOpen { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.isOpen = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
