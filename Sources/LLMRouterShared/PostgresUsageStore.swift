#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterBackgroundWriter
public import LLMRouterCore
public import LLMRouterUsage
public import Logging
import PostgresNIO
import Synchronization

/// The usage log in PostgreSQL: every instance's rows in one table, `llmrouter_requests`, each
/// naming the instance that wrote it, so `llmrouter stats` sees all the traffic.
///
/// The statements are ``UsageSQL``'s, the SQLite file's, in PostgreSQL's dialect. As a
/// ``UsageSink`` it is written by the same ``UsageLogWriter``: batches built on the writer's
/// own thread, one multi-row `INSERT` each, every call bounded by ``operationTimeout``. It asks
/// the writer to keep a failed batch and try again (``retryDelay``): rows of requests answered
/// while the database is away wait in the bounded buffer until it is back. The schema is
/// migrated (``SharedSchema``) before the first statement, and again after a failure until it
/// succeeds.
public final class PostgresUsageStore: UsageSink, UsageStatsSource {
    public let url: DatabaseURL
    /// Written into each row's `instance`: the name the shared state uses for this process.
    public let instance: String
    /// The longest one statement may take before it counts as failed.
    public let operationTimeout: Duration
    public let retryDelay: Duration?
    let client: PostgresClient
    private let logger: Logger
    private let workThread: BackgroundWriterThread?
    private let migrated = Mutex(false)

    /// Rows per `INSERT`: a batch larger than this (a configured batch size above it) is written
    /// as several statements in one transaction. 24 binds a row stays far below PostgreSQL's
    /// 65,535.
    static let rowsPerStatement = 1000

    /// - Parameters:
    ///   - instance: the name in each row; give the shared state's (`SharedStateService.Settings.instance`).
    ///   - ownThread: whether batches are built on a ``BackgroundWriterThread`` of its own (the
    ///     server's writer), rather than wherever the caller runs (`llmrouter stats`).
    public init(
        url: DatabaseURL, instance: String, logger: Logger, operationTimeout: Duration = .seconds(5),
        retryDelay: Duration = .seconds(1), ownThread: Bool = true
    ) {
        self.url = url
        self.instance = instance
        self.operationTimeout = operationTimeout
        self.retryDelay = retryDelay
        var logger = logger
        logger[metadataKey: "llmrouter.instance"] = "\(instance)"
        self.logger = logger
        // The driver's own logs stay quiet below errors: they would name every connection, and
        // warn of a first query that comes before `run()` has started (it waits for it); the
        // writer reports what fails.
        var driverLogger = logger
        driverLogger.logLevel = max(logger.logLevel, .error)
        var configuration = url.clientConfiguration
        // Writes come one batch at a time; stats reads one query at a time.
        configuration.options.maximumConnections = 2
        self.client = PostgresClient(configuration: configuration, backgroundLogger: driverLogger)
        self.workThread = ownThread ? BackgroundWriterThread(name: "usage-log") : nil
    }

    public var thread: BackgroundWriterThread? { workThread }
    public var destination: String { url.description }
    package var statements: UsageSQL { .postgres }

    /// Keeps the connections until cancelled: the writer cancels it after its final flush.
    ///
    /// `PostgresClient.run()` ends at graceful shutdown, which comes before that flush; in a
    /// detached task it inherits no graceful-shutdown signal, so only this task's cancellation
    /// ends it.
    public func run() async {
        let connections = Task.detached { [client] in await client.run() }
        await withTaskCancellationHandler {
            await connections.value
        } onCancel: {
            connections.cancel()
        }
    }

    /// Stops the writer's thread, once the writer has stopped.
    public func close() async {
        await workThread?.shutdown()
    }

    public func insert(_ records: [RequestRecord]) async throws {
        guard !records.isEmpty else { return }
        // Built here, on the writer's thread; only the round trips run elsewhere.
        let queries = stride(from: 0, to: records.count, by: Self.rowsPerStatement).map { start in
            let slice = records[start..<min(start + Self.rowsPerStatement, records.count)]
            var binds = PostgresBindings(capacity: slice.count * UsageSQL.columns.count)
            for record in slice { UsageRow.appendBinds(of: record, instance: instance, to: &binds) }
            return PostgresQuery(unsafeSQL: UsageSQL.postgres.insertRequests(rows: slice.count), binds: binds)
        }
        try await operation { [client, logger] in
            if let query = queries.first, queries.count == 1 {
                _ = try await client.query(query, logger: logger).collect()
            } else {
                // All of a batch or none of it, so a batch tried again is not written twice.
                try await client.withTransaction(logger: logger) { connection in
                    for query in queries { _ = try await connection.query(query, logger: logger).collect() }
                }
            }
        }
    }

    public func deleteRows(before cutoff: Date) async throws -> Int {
        var binds = PostgresBindings()
        binds.bindInteger(UsageRow.milliseconds(cutoff))
        let query = PostgresQuery(unsafeSQL: UsageSQL.postgres.deleteBefore, binds: binds)
        return try await operation { [client, logger] in
            var deleted = 0
            for try await count in try await client.query(query, logger: logger).decode(Int.self) {
                deleted = count
            }
            return deleted
        }
    }

    package func rows(of sql: String, binds: [UsageSQLValue]) async throws -> [[String: UsageSQLValue]] {
        var bindings = PostgresBindings()
        for bind in binds { bindings.bind(bind) }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        return try await operation { [client, logger] in
            var rows: [[String: UsageSQLValue]] = []
            for try await row in try await client.query(query, logger: logger) {
                var columns: [String: UsageSQLValue] = [:]
                for cell in row { columns[cell.columnName] = try Self.value(of: cell) }
                rows.append(columns)
            }
            return rows
        }
    }

    /// A stats cell as a plain value: the queries return integers, floats and text only.
    private static func value(of cell: PostgresCell) throws -> UsageSQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Runs `body` (migrating first, until that has succeeded once), bounded by the operation
    /// timeout.
    /// - Throws: ``UsageStoreError`` naming the database (its password masked) and what failed.
    private func operation<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withTimeout(operationTimeout) { [self] in
                if !migrated.withLock({ $0 }) {
                    let outcome = try await SharedSchema.migrate(client, logger: logger)
                    migrated.withLock { $0 = true }
                    if outcome.from != outcome.to {
                        logger.notice("shared state schema migrated", metadata: ["llmrouter.from": "\(outcome.from)", "llmrouter.to": "\(outcome.to)"])
                    }
                }
                return try await body()
            }
        } catch {
            throw UsageStoreError("\(url): \(SharedStateHealth.describe(error, masking: url.secrets))")
        }
    }
}

/// PostgreSQL's binds for the usage log's statements: integers as `int8`, reals as `float8`;
/// the columns' narrower types take them by assignment.
extension PostgresBindings: UsageBinds {
    package mutating func bindInteger(_ value: Int) { append(value) }
    package mutating func bindReal(_ value: Double) { append(value) }
    package mutating func bindText(_ value: String) { append(value) }
    package mutating func bindNull() { appendNull() }
}
