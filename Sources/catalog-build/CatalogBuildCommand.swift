import ArgumentParser
import AsyncHTTPClient
import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Logging

/// `catalog-build`: lists the providers' free models and writes `generated/model_index.json`.
///
/// Argument parsing and wiring only; the work is ``CatalogBuildJob``.
@main
struct CatalogBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog-build",
        abstract: "Build the free-model catalog (generated/model_index.json) from the providers' live /models.",
        discussion: """
            Keys come from GROQ_API_KEY, OPENROUTER_API_KEY and NVIDIA_NIM_KEY; GROQ_BASE_URL, OPENROUTER_BASE_URL \
            and NVIDIA_NIM_BASE_URL replace the default API roots. If any listed provider cannot be listed, \
            nothing is written and the previous output file stays as it was.
            """
    )

    @Option(help: "Comma-separated providers to list; every one must answer.")
    var providers = "groq,openrouter,nvidia_nim"

    @Option(help: "The seed mapping canonical names to upstream ids.")
    var seed = "config/model_catalog_seed.yaml"

    @Option(help: "Where to write the index (atomically).")
    var output = "generated/model_index.json"

    @Flag(help: "Indent the JSON.")
    var pretty = false

    @Flag(help: "Keep paid models too, marked \"paid\".")
    var includePaid = false

    @Option(help: "Seconds allowed for each /models request.")
    var timeout: Double = 15

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a number of seconds greater than 0") }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        LoggingSystem.bootstrapStandardError(level: level)
        let logger = Logger(label: "catalog-build")
        do {
            let kinds = try CatalogBuildJob.providers(from: providers)
            let options = CatalogBuildJob.Options(
                providers: kinds, seedPath: seed, outputPath: output, pretty: pretty, includePaid: includePaid,
                probe: .init(timeout: .milliseconds(Int64(timeout * 1000)))
            )
            let summary = try await HTTPClient.withHTTPClient { client in
                let probe = ModelsProbe(fetcher: AsyncHTTPFetcher(client: client), configuration: options.probe)
                let job = CatalogBuildJob(options: options, environment: ProcessInfo.processInfo.environment, probe: probe)
                return try await job.run(logger: logger)
            }
            let automatic = summary.index.models.filter(\.autoMatched).count
            print("wrote \(summary.outputPath): \(summary.index.models.count) models (\(automatic) auto-matched), \(summary.drops.count) seed mappings dropped")
        } catch let error as CatalogBuildError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
