#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterBackgroundWriter
import Logging
public import LLMRouterCore
import NIOPosix
import SQLiteNIO

/// The usage log in one SQLite file (the library bundles SQLite; no system library), in WAL
/// mode so `llmrouter stats` and the dashboard can read while the server writes.
///
/// Calls run on the store's own ``BackgroundWriterThread`` (`usage-log`), never on an event loop
/// nor on NIO's shared blocking pool. The SQL itself lives in ``UsageSQL``.
public struct UsageStore: UsageSink, UsageStatsSource {
    public let path: String
    /// Written into each row's `instance`; `nil` leaves it empty.
    public let instance: String?
    private let connection: SQLiteConnection
    private let workThread: BackgroundWriterThread

    private init(path: String, instance: String?, connection: SQLiteConnection, thread: BackgroundWriterThread) {
        self.path = path
        self.instance = instance
        self.connection = connection
        self.workThread = thread
    }

    package var statements: UsageSQL { .sqlite }
    public var destination: String { path }

    /// The thread SQLite runs on; the writer runs its batches there too.
    public var thread: BackgroundWriterThread? { workThread }

    /// Opens (or, with `create`, creates along with its folder) the usage log at `path` and
    /// brings its schema up to date. Rows it writes name `instance`, when given.
    /// - Throws: ``UsageStoreError`` naming `path`.
    public static func open(path: String, create: Bool = true, instance: String? = nil, logger: Logger) async throws -> UsageStore {
        let fileManager = FileManager.default
        if create {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw UsageStoreError("\(path): cannot create the folder \(folder) (\(error))")
            }
        } else if !fileManager.fileExists(atPath: path) {
            throw UsageStoreError("\(path): no such file; the server writes it while LLMROUTER_DB is not off")
        }
        let thread = BackgroundWriterThread(name: "usage-log")
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path),
                threadPool: thread.pool,
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            )
        } catch {
            await thread.shutdown()
            throw UsageStoreError("\(path): cannot open the usage log (\(Self.reason(error)))")
        }
        let store = UsageStore(path: path, instance: instance, connection: connection, thread: thread)
        do {
            try await store.prepare(create: create)
        } catch {
            await store.close()
            throw UsageStoreError("\(path): not a usable usage log (\(Self.reason(error)))")
        }
        return store
    }

    private func prepare(create: Bool) async throws {
        // WAL: readers never wait for the writer; NORMAL sync is durable across process crashes.
        _ = try await connection.query("PRAGMA journal_mode=WAL")
        _ = try await connection.query("PRAGMA synchronous=NORMAL")
        // Rows are appended and read back only by stats: a small page cache keeps the server's
        // memory flat (SQLite's default is 2 MiB).
        _ = try await connection.query("PRAGMA cache_size=-256")
        // A second process migrating the file holds the write lock for a moment: wait for it
        // rather than fail to start.
        _ = try await connection.query("PRAGMA busy_timeout=5000")
        _ = try await connection.query(UsageSQL.createSchemaTable)
        try await bringSchemaUpToDate()
        _ = try await connection.query(UsageSQL.sqlite.createStartedAtIndex)
    }

    /// Gives a new file the current layout, or runs the steps an older file lacks, each with its
    /// version row in one transaction. An up-to-date file takes no write lock, so `stats` opening
    /// it while the server writes costs nothing.
    private func bringSchemaUpToDate() async throws {
        guard try await checkedSchemaVersion() != UsageSQL.schemaVersion else { return }
        _ = try await connection.query(UsageSQL.beginSchemaChange)
        do {
            // Read again under the lock: another process may have migrated the file meanwhile.
            if let version = try await checkedSchemaVersion() {
                for step in stride(from: version + 1, through: UsageSQL.schemaVersion, by: 1) {
                    for statement in UsageSQL.sqlite.addColumns(of: step) { _ = try await connection.query(statement) }
                    _ = try await connection.query(UsageSQL.insertSchemaVersion, [.integer(step)])
                }
            } else {
                _ = try await connection.query(UsageSQL.sqlite.createRequests())
                _ = try await connection.query(UsageSQL.insertSchemaVersion, [.integer(UsageSQL.schemaVersion)])
            }
            _ = try await connection.query(UsageSQL.commit)
        } catch {
            _ = try? await connection.query(UsageSQL.rollback)
            throw error
        }
    }

    /// The file's schema version, `nil` for a new file.
    /// - Throws: when the file was written by a newer llmrouter, whose layout this one cannot know.
    private func checkedSchemaVersion() async throws -> Int? {
        let version = try await connection.query(UsageSQL.schemaVersionQuery).first?.column("version")?.integer
        if let version, version > UsageSQL.schemaVersion {
            throw UsageStoreError("schema version \(version) is newer than this llmrouter knows (\(UsageSQL.schemaVersion))")
        }
        return version
    }

    /// Closes the file, then stops the thread.
    public func close() async {
        try? await connection.close()
        await workThread.shutdown()
    }

    /// Rows per `INSERT` while the writer keeps up. The thread yields the CPU between
    /// statements (see ``BackgroundWriterThread``), so an event loop that wakes on the writer's CPU
    /// waits for at most one; a writer catching up writes up to 500 rows per statement.
    static let rowsPerStatement = 16
    private static let fullStatement = UsageSQL.sqlite.insertRequests(rows: rowsPerStatement)

    public func insert(_ records: [RequestRecord]) async throws {
        guard !records.isEmpty else { return }
        // Far below SQLite's bind limit however large a batch is.
        let rows = workThread.isCatchingUp ? 500 : Self.rowsPerStatement
        // One transaction for the batch: one commit, and all of it or none of it.
        let several = records.count > rows
        if several { _ = try await connection.query(UsageSQL.beginBatch) }
        do {
            for start in stride(from: 0, to: records.count, by: rows) {
                let slice = records[start..<min(start + rows, records.count)]
                var binds: [SQLiteData] = []
                binds.reserveCapacity(slice.count * UsageSQL.columns.count)
                for record in slice { UsageRow.appendBinds(of: record, instance: instance, to: &binds) }
                let statement = slice.count == Self.rowsPerStatement ? Self.fullStatement : UsageSQL.sqlite.insertRequests(rows: slice.count)
                _ = try await connection.query(statement, binds)
            }
            if several { _ = try await connection.query(UsageSQL.commit) }
        } catch {
            if several { _ = try? await connection.query(UsageSQL.rollback) }
            throw error
        }
    }

    public func deleteRows(before cutoff: Date) async throws -> Int {
        _ = try await connection.query(UsageSQL.sqlite.deleteBefore, [.integer(UsageRow.milliseconds(cutoff))])
        return try await connection.query("SELECT changes() AS n").first?.column("n")?.integer ?? 0
    }

    /// The newest `limit` requests, newest first.
    public func recentRequests(limit: Int) async throws -> [UsageRow.Recent] {
        try await connection.query(UsageSQL.sqlite.recentRequests, [.integer(limit)]).map(UsageRow.Recent.init)
    }

    package func rows(of sql: String, binds: [UsageSQLValue]) async throws -> [[String: UsageSQLValue]] {
        var values: [SQLiteData] = []
        for bind in binds { values.bind(bind) }
        return try await connection.query(sql, values).map { row in
            var columns: [String: UsageSQLValue] = [:]
            for column in row.columns {
                switch column.data {
                case .integer(let number): columns[column.name] = .integer(Int(number))
                case .float(let number): columns[column.name] = .real(number)
                case .text(let text): columns[column.name] = .text(text)
                case .blob, .null: columns[column.name] = .null
                }
            }
            return columns
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? SQLiteError).map { "\($0.reason): \($0.message)" } ?? "\(error)"
    }
}
