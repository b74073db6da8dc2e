// Foundation itself: trimming and replacing are not in FoundationEssentials.
import Foundation
import Logging
import Metrics
import PostgresNIO
import Synchronization

/// Whether the database answers, as the shared-state loops find it: one warning when it goes
/// away, one notice when it is back, and the `llmrouter_shared_state_up` gauge (1 up, 0 away).
///
/// Nothing here is read on the request path: the router serves on its local state either way.
public final class SharedStateHealth: Sendable {
    public static let gaugeLabel = "llmrouter_shared_state_up"
    /// The running instances learned buckets are split among (this one included).
    public static let instancesLabel = "llmrouter_shared_instances"

    private struct State {
        /// `nil` until the first operation ends.
        var up: Bool?
        var listening = false
        /// When the last success was followed by a failure; `nil` while up.
        var awaySince: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let gauge: Gauge
    private let instances: Gauge
    private let logger: Logger
    private let database: String
    private let secrets: [String]

    /// - Parameters:
    ///   - database: the address to name in logs, its password already masked.
    ///   - secrets: masked in every error text logged (the password), should a driver quote it.
    init(database: String, secrets: [String], logger: Logger, metrics: any MetricsFactory) {
        self.database = database
        self.secrets = secrets.filter { !$0.isEmpty }
        self.logger = logger
        self.gauge = Gauge(label: Self.gaugeLabel, factory: metrics)
        gauge.record(0)
        self.instances = Gauge(label: Self.instancesLabel, factory: metrics)
        instances.record(1)
    }

    /// How many instances run, as last read.
    func running(_ count: Int) {
        instances.record(count)
    }

    /// Whether the last operation reached the database; `nil` before the first.
    public var isUp: Bool? { state.withLock { $0.up } }
    /// Whether a connection is listening for other instances' announcements.
    public var isListening: Bool { state.withLock { $0.listening } }
    /// Since when no call has succeeded, while that is so.
    var awaySince: ContinuousClock.Instant? { state.withLock { $0.awaySince } }

    func succeeded() {
        let was = state.withLock { state -> Bool? in
            defer {
                state.up = true
                state.awaySince = nil
            }
            return state.up
        }
        guard was != true else { return }
        gauge.record(1)
        if was == false {
            logger.notice("shared state back: sharing with other instances again", metadata: ["llmrouter.database": "\(database)"])
        } else {
            logger.info("shared state connected", metadata: ["llmrouter.database": "\(database)"])
        }
    }

    func failed(_ error: any Error) {
        let was = state.withLock { state -> Bool? in
            defer {
                state.up = false
                if state.awaySince == nil { state.awaySince = .now }
            }
            return state.up
        }
        guard was != false else { return }
        gauge.record(0)
        logger.warning(
            "shared state unavailable: serving on this instance's own state until the database is back",
            metadata: ["llmrouter.database": "\(database)", "llmrouter.error": "\(describe(error))"]
        )
    }

    func listening(_ listening: Bool) {
        state.withLock { $0.listening = listening }
    }

    /// A short account of `error`: PostgresNIO's own description hides everything on purpose,
    /// so the code, the server's message and the socket's error are taken apart here.
    func describe(_ error: any Error) -> String {
        Self.describe(error, masking: secrets)
    }

    /// ``describe(_:)`` for any caller without a health to report to: each of `secrets` is masked.
    static func describe(_ error: any Error, masking secrets: [String]) -> String {
        if let transaction = error as? PostgresTransactionError,
            let cause = transaction.beginError ?? transaction.closureError ?? transaction.commitError
        {
            return describe(cause, masking: secrets)
        }
        var text: String
        if let error = error as? PSQLError {
            text = error.code.description
            if let message = error.serverInfo?[.message] {
                text += ": \(message)"
                if let state = error.serverInfo?[.sqlState] { text += " (\(state))" }
            }
            if let underlying = error.underlying { text += ": \(underlying)" }
        } else {
            text = "\(error)"
        }
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }
}
