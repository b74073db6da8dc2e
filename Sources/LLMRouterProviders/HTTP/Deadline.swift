/// Runs `operation`, throwing `failure` instead if it has not finished by `deadline`.
///
/// The operation runs in a child task, so when the deadline wins it is cancelled, and
/// AsyncHTTPClient cancels the request (closing its connection) when its task is cancelled.
/// AHC's async API takes a `deadline` that only covers the call up to the response head, so the
/// total timeout of a stream, which reads its body through that API, needs this race.
func withDeadline<Result: Sendable>(
    _ deadline: ContinuousClock.Instant,
    failure: @autoclosure @escaping @Sendable () -> any Error,
    operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(until: deadline, clock: .continuous)
            throw failure()
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw failure() }
        return result
    }
}
