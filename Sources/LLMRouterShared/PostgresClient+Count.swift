import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `query`, whose one row holds one count (`SELECT count(*)::bigint …` over what a
    /// `WITH … RETURNING` wrote or deleted), and returns it; 0 when no row came back.
    func count(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        var counted = 0
        for try await count in try await self.query(query, logger: logger).decode(Int64.self) {
            counted = Int(count)
        }
        return counted
    }
}
