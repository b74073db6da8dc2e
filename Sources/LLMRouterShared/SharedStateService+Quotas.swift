#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import Logging
import PostgresNIO

/// Configured quotas reconciled across instances, breaker states published, old rows pruned:
/// the service's loops besides the cool-downs'.
extension SharedStateService {
    /// Reconciles the quotas at every wake (the interval, or ``quotaUsageWaiting()``): hands the
    /// use counted since over in one statement, and tells each quota the others' use.
    ///
    /// What this instance added to each counter is remembered, so the totals read back become
    /// the others' share. A hand-over whose answer did not come (the database away, or a
    /// timeout after it committed) is sent again as it was, with its number, until it is
    /// acknowledged or its windows' rows would have expired: the database adds it once. Use
    /// counted meanwhile waits for the next one.
    func quotaLoop() async {
        var pending: [QuotaSQL.Key: SharedQuotaUsage] = [:]
        var unacknowledged: QuotaSQL.Batch?
        var lastNumber: Int64 = 0
        var addedHere: [QuotaSQL.Key: (used: Int, expires: Date)] = [:]
        for await _ in quotaWake {
            for usage in quotaSources.flatMap({ $0.drainQuotaUsage() }) {
                let key = QuotaSQL.key(of: usage)
                if pending[key] == nil { pending[key] = usage } else { pending[key]?.used += usage.used }
            }
            let now = Date()
            pending = pending.filter { QuotaSQL.expiry(of: $0.value) > now }
            addedHere = addedHere.filter { $0.value.expires > now }
            if var batch = unacknowledged {
                batch.rows = batch.rows.filter { QuotaSQL.expiry(of: $0.value) > now }
                unacknowledged = batch.rows.isEmpty ? nil : batch
            }
            if unacknowledged == nil, !pending.isEmpty {
                lastNumber += 1
                unacknowledged = QuotaSQL.Batch(number: lastNumber, rows: pending)
                pending = [:]
            }
            guard let batch = unacknowledged else { continue }
            do {
                let totals = try await operation { [self] in try await QuotaSQL.reconcile(batch, instance: settings.instance, client: client, logger: logger) }
                var others: [SharedQuotaUsage] = []
                for (key, usage) in batch.rows {
                    let added = (addedHere[key]?.used ?? 0) + usage.used
                    addedHere[key] = (added, QuotaSQL.expiry(of: usage))
                    var elsewhere = usage
                    elsewhere.used = max((totals[key] ?? added) - added, 0)
                    others.append(elsewhere)
                }
                // Zero rows are asked for again at the next drain; nothing is left to write.
                unacknowledged = nil
                for source in quotaSources { source.apply(remoteQuota: others) }
            } catch {
                // Zero rows only read: not worth sending again.
                var again = batch
                again.rows = batch.rows.filter { $0.value.used > 0 }
                unacknowledged = again.rows.isEmpty ? nil : again
                pending = pending.filter { $0.value.used > 0 }
            }
        }
    }

    /// Wakes ``quotaLoop()`` every ``Settings/quotaInterval``.
    func quotaTimer() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.quotaInterval)
            quotaWakeInput.yield()
        }
    }

    /// Writes this instance's breaker changes, the latest per route, until a write succeeds.
    func breakerLoop() async {
        var pending: [String: SharedBreakerState] = [:]
        for await batch in breakerOutbox {
            for state in batch { pending[state.route] = state }
            while !pending.isEmpty, !Task.isCancelled {
                let states = Array(pending.values)
                do {
                    try await operation { [self] in
                        try await BreakerSQL.publish(states, instance: settings.instance, client: client, logger: logger)
                    }
                    pending = [:]
                } catch {
                    await pause()
                }
            }
        }
    }

    /// Says this instance is running and reads the other running instances' breakers; called
    /// with the periodic read of cool-downs.
    func syncBreakers() async {
        do {
            let others = try await operation { [self] in
                try await BreakerSQL.others(instance: settings.instance, alive: settings.instanceTimeout, client: client, logger: logger)
            }
            receiver.apply(remoteBreakers: others)
        } catch {}
    }

    /// Deletes counters of windows long over and instances long gone, every ``Settings/pruneInterval``.
    func pruneLoop() async {
        // Not at startup, when the other loops connect and read first.
        while (try? await Task.sleep(for: settings.pruneInterval)) != nil {
            do {
                let deleted = try await operation { [self] in
                    let deleted = try await QuotaSQL.prune(client: client, logger: logger)
                    try await BreakerSQL.prune(client: client, logger: logger)
                    return deleted
                }
                if deleted > 0 { logger.debug("old quota windows deleted", metadata: ["llmrouter.rows": "\(deleted)"]) }
            } catch {}
        }
    }
}
