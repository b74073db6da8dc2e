import LLMRouterCore
import Logging
import PostgresNIO

/// The shared access keys (`LLMROUTER_KEYS=postgres`): heard on the listening connection that
/// carries the cool-downs, read again at every periodic read, given to ``accessKeys``.
extension SharedStateService {
    /// Runs `listening` (the cool-downs' `LISTEN`) while this connection also listens for changes
    /// to the access keys table, when this instance reads it; whichever stops first (the
    /// connection lost) stops both, and the listen loop starts them again.
    func listeningForAccessKeys(on connection: PostgresConnection, _ listening: @escaping @Sendable () async throws -> Void) async throws {
        guard accessKeys != nil else { return try await listening() }
        try await hearing(AccessKeySQL.channel, on: connection, readFirst: true, read: { await self.syncAccessKeys() }, while: listening)
    }

    /// Reads the keys not revoked and hands them to ``accessKeys``; the database away leaves the
    /// last keys read in force (``operation(_:)`` reports the outage).
    func syncAccessKeys() async {
        guard let accessKeys else { return }
        let read = accessKeys.readStarting()
        do {
            let records = try await operation { [self] in
                try await AccessKeySQL.records(includingRevoked: false, client: client, logger: logger)
            }
            // A read that started earlier and ended later than another is stale: dropped.
            guard let change = accessKeys.apply(sharedKeys: records.map(\.key), read: read) else { return }
            if !change.isEmpty {
                logger.notice(
                    "access keys changed",
                    metadata: [
                        "llmrouter.added": "\(change.added.joined(separator: ","))",
                        "llmrouter.removed": "\(change.removed.joined(separator: ","))",
                    ]
                )
            }
            if !change.shadowed.isEmpty, !change.isEmpty {
                logger.warning(
                    "keys of the table left out: a key of LLMROUTER_API_KEYS or LLMROUTER_ADMIN_KEY has their name",
                    metadata: ["llmrouter.keys": "\(change.shadowed.joined(separator: ","))"]
                )
            }
        } catch {}
    }
}
