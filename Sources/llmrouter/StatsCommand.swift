import ArgumentParser
import Foundation
import LLMRouterUsage
import Logging

/// `llmrouter stats`: what the usage log says about recent traffic.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Requests, failures, failovers, latency, tokens and savings from the usage log."
    )

    @Option(help: "Period to cover, like 90m, 24h, 7d (default 24h).")
    var since: String = "24h"

    @Option(help: "Split the figures by provider, model, key or endpoint (chat, embeddings, messages, responses).")
    var by: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "A paid model's price in USD per million tokens, input,output (e.g. 0.59,0.79), to show what the free tiers saved.")
    var referencePrice: String?

    @Option(help: "The usage log (env LLMROUTER_DB, default data/llmrouter.sqlite).")
    var db: String?

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
        let path = try databasePath()
        let now = Date()
        let start = now.addingTimeInterval(-Double(period.components.seconds) - Double(period.components.attoseconds) / 1e18)
        do {
            let store = try await UsageStore.open(path: path, create: false, logger: Logger(label: "llmrouter.stats"))
            let report = try await UsageStatsReport.load(from: store, since: start, until: now, grouping: grouping, referencePrice: price)
            await store.close()
            print(json ? try report.json() : report.table(), terminator: json ? "\n" : "")
        } catch let error as UsageStoreError {
            FileHandle.standardError.write(Data("llmrouter stats: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `--db`, else `LLMROUTER_DB`, else the default; `off` has nothing to read.
    private func databasePath() throws -> String {
        if let db { return db }
        let environment = ProcessInfo.processInfo.environment
        do {
            guard let settings = try UsageLogSettings.fromEnvironment(environment) else {
                throw ValidationError("LLMROUTER_DB is off, so there is no usage log to read; pass --db PATH")
            }
            return settings.path
        } catch let error as UsageLogSettings.Failure {
            throw ValidationError(error.message)
        }
    }
}
