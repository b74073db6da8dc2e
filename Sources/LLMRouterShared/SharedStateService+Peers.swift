import LLMRouterCore
import Logging
import PostgresNIO

/// The running instances, among which learned buckets are split (``ProviderState/apply(peers:)``):
/// each says it runs at every periodic read and announces itself when it starts listening and
/// when it leaves, so the others re-read who runs at once rather than at their next read.
extension SharedStateService {
    /// Says this instance runs, tells the others, and reads who runs.
    func join() async {
        _ = try? await operation { [self] in try await InstanceSQL.join(instance: settings.instance, client: client, logger: logger) }
        await syncPeers()
    }

    /// Reads the running instances (seen within ``Settings/peerTimeout``) and hands the
    /// provider state this instance's place among them when it changed.
    func syncPeers() async {
        do {
            let running = try await operation { [self] in
                try await InstanceSQL.running(alive: settings.peerTimeout, client: client, logger: logger)
            }
            let peers = InstanceSQL.peers(of: settings.instance, among: running)
            health.running(peers.count)
            guard peers != receiver.peers else { return }
            logger.info("learned limits split among the running instances", metadata: ["llmrouter.instances": "\(peers.count)", "llmrouter.rank": "\(peers.rank)"])
            receiver.apply(peers: peers)
        } catch {}
    }

    /// Leaves the running instances at a graceful shutdown, within 3 s: a database that is away
    /// does not hold the shutdown up (the others drop this one after ``Settings/peerTimeout``).
    func leave() async {
        do {
            try await withTimeout(.seconds(3)) { [self] in
                try await InstanceSQL.leave(instance: settings.instance, client: client, logger: logger)
            }
        } catch {
            logger.debug("running instances not told of this one leaving", metadata: ["llmrouter.error": "\(health.describe(error))"])
        }
    }

    /// Runs `listening` while this connection also hears other instances join and leave.
    func listeningForInstances(on connection: PostgresConnection, _ listening: @escaping @Sendable () async throws -> Void) async throws {
        let instance = settings.instance
        try await hearing(InstanceSQL.channel, on: connection, counts: { $0 != instance }, readFirst: false, read: { await self.syncPeers() }, while: listening)
    }
}
