import ArgumentParser
import Foundation
import LLMRouterShared
import LLMRouterUsage
import Logging

/// `llmrouter stats`: what the usage log says about recent traffic.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Requests, failures, failovers, latency, tokens and savings from the usage log.",
        discussion: """
            Reads the SQLite file (--db, LLMROUTER_DB), or with --database-url (or LLMROUTER_DATABASE_URL \
            while LLMROUTER_DB names no file) the PostgreSQL table every instance writes.
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

    @Option(help: "Read every instance's rows from PostgreSQL, postgres://user:password@host:5432/db (env LLMROUTER_DATABASE_URL).")
    var databaseURL: String?

    /// Where the rows are.
    enum Source {
        case file(String)
        case database(DatabaseURL)
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
        let now = Date()
        let start = now.addingTimeInterval(-Double(period.components.seconds) - Double(period.components.attoseconds) / 1e18)
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
            case .database(let url):
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

    /// `--db` or `--database-url`; else `LLMROUTER_DATABASE_URL` unless `LLMROUTER_DB` names a
    /// file, as the server chooses; else `LLMROUTER_DB` or the default file. `LLMROUTER_DB=off`
    /// has nothing to read.
    private func usageSource() throws -> Source {
        if db != nil, databaseURL != nil {
            throw ValidationError("--db and --database-url name two usage logs; pass one")
        }
        if let db { return .file(db) }
        if let databaseURL { return .database(try database(databaseURL, from: "--database-url")) }
        let environment = ProcessInfo.processInfo.environment
        let settings: UsageLogSettings
        do {
            guard let configured = try UsageLogSettings.fromEnvironment(environment) else {
                throw ValidationError("LLMROUTER_DB is off, so there is no usage log to read; pass --db PATH or --database-url URL")
            }
            settings = configured
        } catch let error as UsageLogSettings.Failure {
            throw ValidationError(error.message)
        }
        if let text = environment["LLMROUTER_DATABASE_URL"], !text.isEmpty, !settings.pathIsExplicit {
            return .database(try database(text, from: "LLMROUTER_DATABASE_URL"))
        }
        return .file(settings.path)
    }

    private func database(_ text: String, from variable: String) throws -> DatabaseURL {
        do {
            return try DatabaseURL(text, variable: variable)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
