import LLMRouterCore
import Logging
import PostgresNIO

/// The running instances (`llmrouter_instances`, written when an instance starts listening and
/// at every periodic read by ``BreakerSQL/others(instance:alive:client:logger:)``): who splits
/// the learned buckets.
enum InstanceSQL {
    /// Where instances announce that they joined or left (the payload names the instance).
    static let channel = "llmrouter_instances"

    /// Says `instance` runs (unless it left) and announces it at commit, so the row is there
    /// when others read.
    static func join(instance: String, client: PostgresClient, logger: Logger) async throws {
        let query: PostgresQuery = """
            WITH seen AS (
                INSERT INTO llmrouter_instances AS noted (instance, seen_at) VALUES (\(instance), now())
                ON CONFLICT (instance) DO UPDATE SET seen_at = now() WHERE noted.seen_at <> '-infinity'
            )
            SELECT pg_notify(\(channel), \(instance))
            """
        _ = try await client.query(query, logger: logger).collect()
    }

    /// The instances seen within `alive`, sorted, so every instance computes the same order.
    static func running(alive: Duration, client: PostgresClient, logger: Logger) async throws -> [String] {
        let seconds = alive.seconds
        let rows = try await client.query(
            "SELECT instance FROM llmrouter_instances WHERE seen_at > now() - make_interval(secs => \(seconds)) ORDER BY instance COLLATE \"C\"",
            logger: logger
        )
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }

    /// Takes this instance out at a graceful shutdown, so the others split buckets without it
    /// at once rather than after ``SharedStateService/Settings/peerTimeout``.
    static func leave(instance: String, client: PostgresClient, logger: Logger) async throws {
        // Marked, not deleted: a note or a join still on its way must not insert the row again.
        // Names are made per start (`hostname-pid-random`), so one that left never comes back.
        let query: PostgresQuery = """
            WITH gone AS (
                INSERT INTO llmrouter_instances (instance, seen_at) VALUES (\(instance), '-infinity')
                ON CONFLICT (instance) DO UPDATE SET seen_at = '-infinity'
            )
            SELECT pg_notify(\(channel), \(instance))
            """
        _ = try await client.query(query, logger: logger).collect()
    }

    /// Where `instance` falls among `running` (sorted by byte value, as the query sorts them),
    /// counting it in when its own row is not there yet.
    static func peers(of instance: String, among running: [String]) -> InstancePeers {
        var names = running
        if !names.contains(instance) { names.append(instance) }
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return InstancePeers(rank: names.firstIndex(of: instance) ?? 0, count: names.count)
    }
}
