#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterCore
public import Logging
import PostgresNIO

/// The shared access keys table (`LLMROUTER_KEYS=postgres`) for one-off calls: `llmrouter keys`
/// and the server's first read at startup. Each call opens a small connection pool of its own,
/// brings the schema up to date, does its statement and closes the pool, all within ``timeout``.
///
/// Only digests are written. Errors name what went wrong without the address's password.
public struct AccessKeyTable: Sendable {
    /// One row: a key and when it was made and revoked.
    public struct Record: Sendable, Equatable {
        public var key: AccessKey
        public var createdAt: Date
        public var revokedAt: Date?

        public init(key: AccessKey, createdAt: Date, revokedAt: Date? = nil) {
            self.key = key
            self.createdAt = createdAt
            self.revokedAt = revokedAt
        }
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public let url: DatabaseURL
    public let timeout: Duration
    let logger: Logger

    public init(url: DatabaseURL, timeout: Duration = .seconds(10), logger: Logger = Logger(label: "llmrouter.keys")) {
        self.url = url
        self.timeout = timeout
        self.logger = logger
    }

    /// Adds `key`; refused when an active key has its name.
    public func add(_ key: AccessKey) async throws(Failure) {
        do {
            try await run { client, logger in try await AccessKeySQL.insert(key, client: client, logger: logger) }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == AccessKeySQL.uniqueViolation {
            throw Failure(description: "key '\(key.name)': a key with this name exists already in \(url)")
        } catch {
            throw failure(error)
        }
    }

    /// Revokes the active key named `name`: from then on no instance accepts it.
    public func revoke(name: String) async throws(Failure) {
        let revoked: Bool
        do {
            revoked = try await run { client, logger in try await AccessKeySQL.revoke(name: name, client: client, logger: logger) }
        } catch {
            throw failure(error)
        }
        guard revoked else { throw Failure(description: "key '\(name)': no such key in \(url) (or it is revoked already)") }
    }

    /// The keys, oldest first; revoked ones too when `includingRevoked`.
    public func records(includingRevoked: Bool = false) async throws(Failure) -> [Record] {
        do {
            return try await run { client, logger in
                try await AccessKeySQL.records(includingRevoked: includingRevoked, client: client, logger: logger)
            }
        } catch {
            throw failure(error)
        }
    }

    /// The keys not revoked: what every instance accepts.
    public func activeKeys() async throws(Failure) -> [AccessKey] {
        try await records().map(\.key)
    }

    private func failure(_ error: any Error) -> Failure {
        Failure(description: "\(url): \(SharedStateHealth.describe(error, masking: url.secrets))")
    }

    /// Runs `body` on a pool of its own, the schema migrated first, bounded by ``timeout``.
    private func run<T: Sendable>(_ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        // The driver's warnings stay quiet too: a pool leased from as it starts says so, and every
        // failure that matters is thrown to the caller anyway.
        var driverLogger = logger
        driverLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: driverLogger)
        let logger = logger
        return try await withTimeout(timeout) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                try await SharedSchema.migrate(client, logger: logger)
                return try await body(client, logger)
            }
        }
    }
}
