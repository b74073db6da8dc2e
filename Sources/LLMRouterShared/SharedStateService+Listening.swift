import PostgresNIO

/// What the listening connection hears besides the cool-downs: one `LISTEN` per channel, each
/// announcement asking for a read of what it names.
extension SharedStateService {
    /// Runs `listening` while this connection also hears `channel`. An announcement whose
    /// payload `counts` asks for a `read`, and a burst of them waits for one read, not one each;
    /// with `readFirst`, what changed while nobody here listened is read at once. Whichever stops
    /// first (the connection lost) stops both, and the listen loop starts them again.
    func hearing(
        _ channel: String, on connection: PostgresConnection, counts: @escaping @Sendable (String) -> Bool = { _ in true }, readFirst: Bool,
        read: @escaping @Sendable () async -> Void, while listening: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await connection.listen(on: channel) { announcements in
            if readFirst { await read() }
            let (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await listening() }
                group.addTask {
                    for try await announcement in announcements where counts(announcement.payload) { changed.yield() }
                }
                group.addTask {
                    for await _ in changes { await read() }
                }
                defer { group.cancelAll() }
                _ = try await group.next()
            }
        }
    }
}
