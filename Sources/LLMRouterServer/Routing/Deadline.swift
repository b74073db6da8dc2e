/// Thrown when a request's deadline passes before a provider answered.
struct DeadlineExceeded: Error {}

/// Runs `operation`, cancelling it and throwing ``DeadlineExceeded`` if it takes longer than `timeout`.
///
/// The operation sees an ordinary task cancellation, so an in-flight upstream call is torn down
/// instead of left running after the client got its 504.
func withDeadline<Output: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable () async throws -> Output
) async throws -> Output {
    try await withThrowingTaskGroup(of: Output?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        // The first child to finish decides: an answer, or the timer (nil).
        guard let first = try await group.next(), let output = first else {
            throw DeadlineExceeded()
        }
        return output
    }
}
