#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
import Logging
import PostgresNIO
import Synchronization

/// What upstreams' headers said (limit, remaining, reset) crossing instances: written when it
/// changes, announced with `NOTIFY`, read with the cool-downs as the backstop; another
/// instance's bucket is merged into the local one (``ProviderState/apply(remoteLearned:)``).
extension SharedStateService {
    /// Buffers `limits` (the latest per scope and unit) for ``learnedLoop()``; called on the
    /// request's task, so it only takes a short lock and wakes the loop.
    public func learnedLimitsChanged(_ limits: [SharedLearnedLimit]) {
        let wasIdle = learnedOutbox.withLock { outbox in
            defer { for limit in limits { outbox[LearnedLimitSQL.Key(limit)] = limit } }
            return outbox.isEmpty
        }
        if wasIdle { learnedWakeInput.yield() }
    }

    /// Writes the buffered learned limits: at once after a quiet spell, then at most every
    /// ``Settings/learnedInterval`` (what changed meanwhile goes in one statement). What could
    /// not be written is kept, unless newer news of the same bucket came, until its reset.
    func learnedLoop() async {
        for await _ in learnedWake {
            while !Task.isCancelled {
                let now = Date()
                let rows = learnedOutbox.withLock { outbox in
                    defer { outbox = [:] }
                    return outbox.values.filter { $0.resetAt > now }
                }
                guard !rows.isEmpty else { break }
                do {
                    let written = try await operation { [self] in
                        try await LearnedLimitSQL.publish(rows, instance: settings.instance, client: client, logger: logger)
                    }
                    logger.trace("learned limits shared", metadata: ["llmrouter.offered": "\(rows.count)", "llmrouter.written": "\(written)"])
                    break
                } catch {
                    learnedOutbox.withLock { outbox in
                        for row in rows where outbox[LearnedLimitSQL.Key(row)] == nil { outbox[LearnedLimitSQL.Key(row)] = row }
                    }
                    await pause()
                }
            }
            // What comes meanwhile has woken the loop already, and is written after the pause.
            try? await Task.sleep(for: settings.learnedInterval)
        }
    }

    /// Runs `listening` (the cool-downs' `LISTEN`) while this connection also listens for learned
    /// limits; whichever stops first (the connection lost) stops both, and the listen loop starts
    /// them again.
    func listeningForLearnedLimits(on connection: PostgresConnection, _ listening: @escaping @Sendable () async throws -> Void) async throws {
        try await connection.listen(on: LearnedLimitSQL.channel) { announcements in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await listening() }
                group.addTask {
                    for try await announcement in announcements { self.takeLearned(announcement.payload) }
                }
                defer { group.cancelAll() }
                _ = try await group.next()
            }
        }
    }

    /// Reads the buckets in force; with the periodic read of cool-downs.
    func syncLearned() async {
        do {
            let inForce = try await operation { [self] in try await LearnedLimitSQL.inForce(client: client, logger: logger) }
            log(learned: receiver.apply(remoteLearned: inForce), from: "read")
        } catch {}
    }

    /// Merges one announced bucket, unless this instance wrote it.
    func takeLearned(_ payload: String) {
        guard let announcement = try? JSONDecoder().decode(LearnedLimitSQL.Announcement.self, from: Data(payload.utf8)),
            let learned = announcement.learned
        else {
            logger.debug("unreadable learned-limit announcement ignored")
            return
        }
        guard announcement.instance != settings.instance else { return }
        log(learned: receiver.apply(remoteLearned: [learned]), from: announcement.instance)
    }

    private func log(learned adopted: [SharedLearnedLimit], from source: String) {
        for limit in adopted {
            logger.debug(
                "learned limit from another instance",
                metadata: [
                    "llmrouter.scope": "\(limit.scope)", "llmrouter.unit": "\(limit.unit.rawValue)", "llmrouter.remaining": "\(limit.remaining)",
                    "llmrouter.reset_at": "\(limit.resetAt)", "llmrouter.source": "\(source)",
                ]
            )
        }
    }
}
