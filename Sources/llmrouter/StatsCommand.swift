import ArgumentParser
import Foundation
import LLMRouterConfig
import LLMRouterCore
import LLMRouterShared
import LLMRouterUsage
import Logging

/// `llmrouter stats`: what the usage log says about recent traffic.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Requests, failures, failovers, latency, tokens and savings from the usage log.",
        discussion: """
            Reads the SQLite file (--db, LLMROUTER_DB), or the PostgreSQL table every instance writes: \
            --database-url, else (while LLMROUTER_DB names no file) the server's database, \
            LLMROUTER_DATABASE_URL or database: of the providers file LLMROUTER_CONFIG names.
            """
    )

    @Option(help: "Period to cover, like 90m, 24h, 7d (default 24h).")
    var since: String = "24h"

    @Option(help: "Split the figures by provider, model, key, endpoint (chat, embeddings, messages, responses), tier (model auto's) or instance.")
    var by: String?

    @Option(help: "Only the rows this instance wrote (the names --by instance shows).")
    var instance: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "A paid model's price in USD per million tokens, input,output (e.g. 0.59,0.79), to show what the free tiers saved.")
    var referencePrice: String?

    @Option(help: "The usage log (env LLMROUTER_DB, default data/llmrouter.sqlite).")
    var db: String?

    @Option(help: "Read every instance's rows from PostgreSQL, postgres://user:password@host:5432/db (env LLMROUTER_DATABASE_URL, else database: of LLMROUTER_CONFIG's file).")
    var databaseURL: String?

    /// Where the rows are.
    enum Source {
        case file(String)
        /// `origin` is where the address came from (the option, the variable, or `FILE: database`).
        case database(DatabaseURL, origin: String)

        /// For the line saying what is read: never the user or the password.
        var description: String {
            switch self {
            case .file(let path): "usage log \(path)"
            case .database(let url, let origin): "usage log in PostgreSQL at \(url.host):\(url.port)/\(url.database ?? "") (from \(origin))"
            }
        }
    }

    func run() async throws {
        let period: Duration
        let grouping: UsageGrouping
        let price: ReferencePrice?
        do {
            period = try UsageStatsArguments.period(since)
            grouping = try by.map { try UsageStatsArguments.grouping($0) } ?? .total
            price = try referencePrice.map { try UsageStatsArguments.referencePrice($0) }
        } catch let error as UsageStatsArguments.Failure {
            throw ValidationError(error.message)
        }
        let source = try usageSource()
        FileHandle.standardError.write(Data("reading the \(source.description)\n".utf8))
        let now = Date()
        let start = now.addingTimeInterval(-period.seconds)
        let logger = Logger(label: "llmrouter.stats")
        do {
            let report: UsageStatsReport
            switch source {
            case .file(let path):
                let store = try await UsageStore.open(path: path, create: false, logger: logger)
                do {
                    report = try await load(from: store, since: start, until: now, grouping: grouping, price: price)
                } catch {
                    await store.close()
                    throw error
                }
                await store.close()
            case .database(let url, _):
                let store = PostgresUsageStore(url: url, instance: "llmrouter-stats", logger: logger, operationTimeout: .seconds(10), ownThread: false)
                report = try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await store.run() }
                    defer { group.cancelAll() }
                    return try await load(from: store, since: start, until: now, grouping: grouping, price: price)
                }
            }
            print(json ? try report.json() : report.table(), terminator: json ? "\n" : "")
        } catch let error as UsageStoreError {
            FileHandle.standardError.write(Data("llmrouter stats: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func load(
        from store: some UsageStatsSource, since: Date, until: Date, grouping: UsageGrouping, price: ReferencePrice?
    ) async throws -> UsageStatsReport {
        try await UsageStatsReport.load(from: store, since: since, until: until, grouping: grouping, instance: instance, referencePrice: price)
    }

    /// `--db` or `--database-url`; else, as the server chooses, `LLMROUTER_DB` when it names a
    /// file, else the server's database (`LLMROUTER_DATABASE_URL`, else `database:` of the
    /// providers file), else the default file. `LLMROUTER_DB=off` has nothing to read.
    private func usageSource() throws -> Source {
        if db != nil, databaseURL != nil {
            throw ValidationError("--db and --database-url name two usage logs; pass one")
        }
        if let db { return .file(db) }
        let environment = ProcessInfo.processInfo.environment
        // --database-url wins over LLMROUTER_DB as --db does; without it the file the server writes.
        let settings = databaseURL == nil ? try usageLogSettings(environment) : nil
        if let settings, settings.pathIsExplicit { return .file(settings.path) }
        let explicit = databaseURL.map { DatabaseAddress.Explicit(text: $0, option: "--database-url") }
        do {
            let file = DatabaseAddress.ProvidersFile(environment: environment)
            if let address = try DatabaseAddress.resolve(explicit: explicit, environment: environment, file: file) {
                return .database(try DatabaseURL(address.text, variable: address.source), origin: address.source)
            }
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        } catch let error as DatabaseURL.Invalid {
            throw ValidationError(error.description)
        }
        return .file(settings?.path ?? UsageLogSettings().path)
    }

    private func usageLogSettings(_ environment: [String: String]) throws -> UsageLogSettings {
        do {
            guard let configured = try UsageLogSettings.fromEnvironment(environment) else {
                throw ValidationError("LLMROUTER_DB is off, so there is no usage log to read; pass --db PATH or --database-url URL")
            }
            return configured
        } catch let error as UsageLogSettings.Failure {
            throw ValidationError(error.message)
        }
    }
}
