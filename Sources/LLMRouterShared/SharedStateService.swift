#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
public import Logging
public import Metrics
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Shares this instance's cool-downs and learned limits with every other instance on the same
/// database, and applies theirs to the local provider state.
///
/// - A cool-down started here reaches ``coolDownsStarted(_:)`` on the request's task, which
///   only buffers it; a loop of its own writes the buffer (one statement per batch) and the
///   database announces each row written with `NOTIFY`. Learned limits go the same way
///   (``learnedLimitsChanged(_:)``), written at most every ``Settings/learnedInterval``.
/// - Every instance `LISTEN`s and applies what it hears within milliseconds; a read of the
///   cool-downs in force every ``Settings/syncInterval`` is the backstop, and the first read
///   tells an instance that starts late what is in force.
/// - While the database is away nothing waits on it: admission reads local state only, a
///   warning is logged once, `llmrouter_shared_state_up` drops to 0, and the loops retry until
///   it is back (cool-downs started meanwhile are written then, if still in force).
public final class SharedStateService: Service, SharedStateObserver {
    public struct Settings: Sendable {
        public var url: DatabaseURL
        /// Names this process in the rows it writes; unique per start.
        public var instance: String
        /// How often the cool-downs in force are read, whatever `LISTEN` brought.
        public var syncInterval: Duration
        /// The wait before trying again after the database failed.
        public var retryInterval: Duration
        /// The longest one statement may take before it counts as failed.
        public var operationTimeout: Duration
        /// Batches of started cool-downs kept while the writer is behind; older ones are dropped.
        public var bufferLimit: Int
        /// While the database stays away, the connection pool is replaced this often: an
        /// instance rejoins within about this long after the database is back.
        public var rejoinInterval: Duration
        /// How often configured quotas are reconciled (sooner after a burst of calls).
        public var quotaInterval: Duration
        /// How often counters of windows long over are deleted.
        public var pruneInterval: Duration
        /// Another instance's breakers are shown while it was seen (at its periodic read) this recently.
        public var instanceTimeout: Duration
        /// The least time between two writes of learned limits: answers' headers change them at
        /// every call, and what changed meanwhile is written together.
        public var learnedInterval: Duration
        /// Instances seen this recently split the learned buckets: a few periodic reads, so one
        /// killed without leaving stops counting soon.
        public var peerTimeout: Duration

        public init(
            url: DatabaseURL,
            instance: String = SharedStateService.defaultInstanceName(),
            syncInterval: Duration = .seconds(2),
            retryInterval: Duration = .seconds(1),
            rejoinInterval: Duration = .seconds(5),
            operationTimeout: Duration = .seconds(5),
            bufferLimit: Int = 1024,
            quotaInterval: Duration = .milliseconds(250),
            pruneInterval: Duration = .seconds(60),
            instanceTimeout: Duration = .seconds(30),
            learnedInterval: Duration = .milliseconds(50),
            peerTimeout: Duration = .seconds(6)
        ) {
            self.url = url
            self.instance = instance
            self.syncInterval = syncInterval
            self.retryInterval = retryInterval
            self.rejoinInterval = rejoinInterval
            self.operationTimeout = operationTimeout
            self.bufferLimit = bufferLimit
            self.quotaInterval = quotaInterval
            self.pruneInterval = pruneInterval
            self.instanceTimeout = instanceTimeout
            self.learnedInterval = learnedInterval
            self.peerTimeout = peerTimeout
        }
    }

    public let settings: Settings
    public let health: SharedStateHealth
    /// The connection pool in use; ``clientLoop()`` replaces it while the database stays away.
    let pool: Mutex<PostgresClient>
    /// The driver's logger, for the pools to come.
    let driverLogger: Logger
    let receiver: any SharedStateReceiver
    /// The receiver and any access-key quotas: what takes part in quota reconciliation.
    let quotaSources: [any SharedQuotaReceiver]
    /// Takes the shared access keys table (`LLMROUTER_KEYS=postgres`); `nil` reads none.
    let accessKeys: (any SharedAccessKeysReceiver)?
    let logger: Logger
    let breakerOutbox: AsyncStream<[SharedBreakerState]>
    let breakerInput: AsyncStream<[SharedBreakerState]>.Continuation
    /// Wakes the quota loop: its interval, or calls piling up.
    let quotaWake: AsyncStream<Void>
    let quotaWakeInput: AsyncStream<Void>.Continuation
    /// Learned limits waiting to be written, the latest per scope and unit; wakes its loop.
    let learnedOutbox = Mutex<[LearnedLimitSQL.Key: SharedLearnedLimit]>([:])
    let learnedWake: AsyncStream<Void>
    let learnedWakeInput: AsyncStream<Void>.Continuation
    private let outbox: AsyncStream<[SharedCoolDown]>
    private let outboxInput: AsyncStream<[SharedCoolDown]>.Continuation
    let migrated = Mutex(false)

    /// - Parameters:
    ///   - receiver: the local provider state, which takes other instances' cool-downs. Give
    ///     this service to its ``ProviderState/share(with:)`` so it hears this instance's.
    ///   - quotas: more quotas to reconcile besides the receiver's (the access keys').
    ///   - accessKeys: takes the access keys table whenever it changes.
    public init(
        settings: Settings, receiver: any SharedStateReceiver, quotas: [any SharedQuotaReceiver] = [],
        accessKeys: (any SharedAccessKeysReceiver)? = nil, logger: Logger, metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.settings = settings
        self.receiver = receiver
        self.quotaSources = [receiver] + quotas
        self.accessKeys = accessKeys
        var logger = logger
        logger[metadataKey: "llmrouter.instance"] = "\(settings.instance)"
        self.logger = logger
        self.health = SharedStateHealth(database: settings.url.description, secrets: settings.url.secrets, logger: logger, metrics: metrics)
        // The driver's own logs stay quiet below warnings: they would name every connection.
        var driverLogger = logger
        driverLogger.logLevel = max(logger.logLevel, .warning)
        self.driverLogger = driverLogger
        self.pool = Mutex(PostgresClient(configuration: settings.url.clientConfiguration, backgroundLogger: driverLogger))
        (outbox, outboxInput) = AsyncStream.makeStream(of: [SharedCoolDown].self, bufferingPolicy: .bufferingNewest(settings.bufferLimit))
        (breakerOutbox, breakerInput) = AsyncStream.makeStream(of: [SharedBreakerState].self, bufferingPolicy: .bufferingNewest(settings.bufferLimit))
        (quotaWake, quotaWakeInput) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (learnedWake, learnedWakeInput) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// `hostname-pid-random`: readable in the table, unique per start.
    public static func defaultInstanceName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "llmrouter"
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt16.random(in: .min ... .max))"
    }

    public func coolDownsStarted(_ coolDowns: [SharedCoolDown]) {
        outboxInput.yield(coolDowns)
    }

    public func breakersChanged(_ states: [SharedBreakerState]) {
        breakerInput.yield(states)
    }

    public func quotaUsageWaiting() {
        quotaWakeInput.yield()
    }

    /// Runs until cancelled or a graceful shutdown; never throws: a database that is away is
    /// waited out, not a reason to stop the server.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.clientLoop() }
            group.addTask { await self.publishLoop() }
            group.addTask { await self.listenLoop() }
            group.addTask { await self.syncLoop() }
            group.addTask { await self.quotaLoop() }
            group.addTask { await self.quotaTimer() }
            group.addTask { await self.breakerLoop() }
            group.addTask { await self.pruneLoop() }
            group.addTask { await self.learnedLoop() }
            breakerInput.yield(receiver.breakerStates())
            try? await gracefulShutdown()
            await leave()
            outboxInput.finish()
            breakerInput.finish()
            quotaWakeInput.finish()
            learnedWakeInput.finish()
            group.cancelAll()
        }
    }

    // MARK: Loops

    /// Writes started cool-downs, keeping the latest per scope until a write succeeds.
    private func publishLoop() async {
        var pending: [String: SharedCoolDown] = [:]
        for await batch in outbox {
            for coolDown in batch where (pending[coolDown.scope]?.until ?? .distantPast) < coolDown.until {
                pending[coolDown.scope] = coolDown
            }
            while !pending.isEmpty, !Task.isCancelled {
                let now = Date()
                pending = pending.filter { $0.value.until > now }
                guard !pending.isEmpty else { break }
                let rows = Array(pending.values)
                do {
                    let written = try await operation { [self] in
                        try await CoolDownSQL.publish(rows, instance: settings.instance, client: client, logger: logger)
                    }
                    pending = [:]
                    logger.debug("cool-downs shared", metadata: ["llmrouter.offered": "\(rows.count)", "llmrouter.written": "\(written)"])
                } catch {
                    await pause()
                }
            }
        }
    }

    /// Listens for other instances' cool-downs and learned limits, reconnecting after a failure.
    private func listenLoop() async {
        while !Task.isCancelled {
            do {
                // Bounded like every other call: a migration whose connection is cut under it
                // may never return. Not through operation(_:): once migrated it asks the database
                // nothing, and must not report it answering.
                try await withTimeout(settings.operationTimeout) { [self] in try await ensureSchema() }
                try await client.withConnection { [self] connection in
                    try await listeningForAccessKeys(on: connection) { [self] in
                        try await listeningForLearnedLimits(on: connection) { [self] in
                            try await listeningForInstances(on: connection) { [self] in
                                try await connection.listen(on: CoolDownSQL.channel) { notifications in
                                    health.listening(true)
                                    // What was announced while nobody here listened.
                                    await sync()
                                    await join()
                                    for try await notification in notifications {
                                        take(notification.payload)
                                    }
                                }
                            }
                        }
                    }
                }
            } catch {
                if !Task.isCancelled { health.failed(error) }
            }
            health.listening(false)
            await pause()
        }
    }

    /// Reads the cool-downs in force every ``Settings/syncInterval``: the backstop for a missed
    /// announcement, and the first read of an instance that starts late.
    private func syncLoop() async {
        while !Task.isCancelled {
            await sync()
            await syncBreakers()
            await syncPeers()
            await syncAccessKeys()
            try? await Task.sleep(for: settings.syncInterval)
        }
    }

    private func sync() async {
        do {
            let inForce = try await operation { [self] in try await CoolDownSQL.inForce(client: client, logger: logger) }
            let adopted = receiver.apply(remote: inForce)
            log(adopted, from: "read")
        } catch {}
        await syncLearned()
    }

    private func take(_ payload: String) {
        guard let announcement = try? JSONDecoder().decode(CoolDownSQL.Announcement.self, from: Data(payload.utf8)) else {
            logger.debug("unreadable cool-down announcement ignored")
            return
        }
        guard announcement.instance != settings.instance else { return }
        log(receiver.apply(remote: [announcement.coolDown]), from: announcement.instance)
    }

    private func log(_ adopted: [SharedCoolDown], from source: String) {
        for coolDown in adopted {
            logger.info(
                "cool-down from another instance",
                metadata: [
                    "llmrouter.scope": "\(coolDown.scope)", "llmrouter.reason": "\(coolDown.reason)",
                    "llmrouter.until": "\(coolDown.until)", "llmrouter.source": "\(source)",
                ]
            )
        }
    }
}
