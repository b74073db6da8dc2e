import ArgumentParser
import AsyncHTTPClient
import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Logging

/// `debug-models`: explains the catalog: which providers map each model and whether each is usable now.
///
/// Argument parsing and wiring only; the report is ``ModelsReport``. Key values are never printed,
/// only whether each variable is set.
@main
struct DebugModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-models",
        abstract: "Show which providers serve each catalog model and whether each is usable now.",
        discussion: """
            Without --index the catalog is found as the server finds it: LLMROUTER_MODEL_INDEX_URL, then the cached \
            download, then generated/model_index.json. Required providers come from --providers, else \
            LLMROUTER_PROVIDERS (every listed provider must offer a model); without either, a model is served when any \
            provider with a key offers it. Each model shows which providers serve it and why each other does not. \
            Keys are reported as "set" or "missing", never shown. With --explain MODEL it says instead how a request \
            for MODEL would be routed: model served, rule, policy, every route in order, candidate or skipped and why.
            """
    )

    @Flag(help: "Print stable JSON (documented in ModelsReport.json()) instead of a table.")
    var json = false

    @Flag(help: "Show every model and every live id (no --limit).")
    var full = false

    @Option(help: "Most models, and live ids per provider, to show.")
    var limit = 20

    @Flag(help: "Show paid mappings and paid live ids too.")
    var includePaid = false

    @Option(help: "Comma-separated providers a model must be offered by (overrides LLMROUTER_PROVIDERS).")
    var providers: String?

    @Option(help: "Index file path or http(s) URL to inspect instead of the startup chain.")
    var index: String?

    @Flag(help: "Also call each required provider's /models now.")
    var live = false

    @Option(help: "Seconds allowed for each network request.")
    var timeout: Double = 15

    @Option(help: "trace, debug, info, notice, warning, error or critical (logs go to stderr).")
    var logLevel = "warning"

    @OptionGroup(title: "Explain a route")
    var explainOptions: ExplainOptions

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a number of seconds greater than 0") }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .warning
        LoggingSystem.bootstrapStandardError(level: level)
        let logger = Logger(label: "debug-models")
        if explainOptions.explain != nil {
            do {
                try await explainOptions.run(json: json, logger: logger)
            } catch let failure as CommandFailure {
                FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
                throw ExitCode.failure
            }
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let required = providers.map(ProviderSelection.list) ?? ProviderSelection.parse(environment: environment).required
        if providers != nil, required.isEmpty { throw ValidationError("--providers must name at least one provider") }
        let requestTimeout = Duration.milliseconds(Int64(timeout * 1000))

        let output: String
        do {
            output = try await report(required: required, environment: environment, timeout: requestTimeout, logger: logger)
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            throw ExitCode.failure
        }
        print(output)
    }

    private func report(required: [String], environment: [String: String], timeout requestTimeout: Duration, logger: Logger) async throws -> String {
        try await HTTPClient.withHTTPClient { client in
            let fetcher = AsyncHTTPFetcher(client: client)
            var loaderConfiguration = CatalogLoader.Configuration(environment: environment)
            loaderConfiguration.publicKey = try? CatalogPublicKey.fromEnvironment(environment)
            if let index {
                loaderConfiguration = .init(indexLocation: index, cacheFile: nil, bundledFile: nil, downloadTimeout: requestTimeout)
            }
            let loaded = await CatalogLoader(configuration: loaderConfiguration, fetcher: fetcher).load(logger: logger)
            guard let catalog = loaded.index else {
                let reasons = loaded.failures.map { "  - \($0)" }.joined(separator: "\n")
                let what = index.map { "--index \($0)" } ?? "the model catalog"
                throw CommandFailure(message: "cannot load \(what):\n\(reasons.isEmpty ? "  - no source configured" : reasons)")
            }
            var liveResults: [ProviderKind: Result<ProviderListing, ProbeError>]?
            if live {
                liveResults = await Self.listLive(required.isEmpty ? catalog.providers : required, environment: environment, fetcher: fetcher, timeout: requestTimeout, logger: logger)
            }
            let report = ModelsReport.make(
                index: catalog, source: loaded.source,
                options: .init(requiredProviders: required, includePaid: includePaid, limit: full ? nil : limit),
                environment: environment, live: liveResults
            )
            return json ? try report.json() : report.table()
        }
    }

    /// Lists each known provider; a missing key is reported as that provider's failure, not fatal.
    static func listLive(
        _ names: [String], environment: [String: String], fetcher: AsyncHTTPFetcher, timeout: Duration, logger: Logger
    ) async -> [ProviderKind: Result<ProviderListing, ProbeError>] {
        var results: [ProviderKind: Result<ProviderListing, ProbeError>] = [:]
        var endpoints: [ProviderEndpoint] = []
        for kind in names.compactMap(ProviderKind.init(rawValue:)) {
            do {
                endpoints.append(try ProviderEndpoint.resolve(kind, environment: environment))
            } catch {
                results[kind] = .failure(error)
            }
        }
        let probe = ModelsProbe(fetcher: fetcher, configuration: .init(timeout: timeout, maximumAttempts: 2))
        results.merge(await probe.listings(for: endpoints, logger: logger)) { _, new in new }
        return results
    }
}

/// A failure already explained for the user: printed as `error: …`, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
