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
            Keys come from GROQ_API_KEY, OPENROUTER_API_KEY, NVIDIA_NIM_KEY, CEREBRAS_API_KEY, GEMINI_API_KEY, \
            MISTRAL_API_KEY, GITHUB_TOKEN and HUGGINGFACE_API_TOKEN; <PROVIDER>_BASE_URL (GROQ_BASE_URL, ...) \
            replaces a default API root. A provider that cannot be listed (no key, an error) keeps its routes from \
            the previous index (--previous, by default the output), marked stale with its last good listing, and is \
            dropped once that is more than --max-stale-days old; with no provider listed, nothing is written and \
            the output file stays as it was. --verify makes one 1-token chat call per route, records latency \
            and rate-limit headers, and quarantines routes that answer 401/403/404/410 or turn out paid. \
            --sign-key writes a detached Ed25519 signature next to the output (<output>.sig); --new-sign-key \
            FILE creates such a key and prints the public key for LLMROUTER_CATALOG_PUBLIC_KEY.
            """
    )

    @Option(help: "Comma-separated providers to list.")
    var providers = ProviderKind.catalogKinds.map(\.rawValue).joined(separator: ",")

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

    @Flag(help: "Make one 1-token test call per route; quarantine routes that fail for good or turn out paid.")
    var verify = false

    @Option(help: "Providers verified at once with --verify.")
    var verifyConcurrency = 4

    @Option(help: "The previous index, whose routes a provider that cannot be listed keeps (default: the output); 'none' keeps nothing.")
    var previous: String?

    @Option(help: "Days a provider may go unlisted before its kept routes are dropped.")
    var maxStaleDays = 14

    @Option(help: "Ed25519 private key file (base64) to sign the index with; writes <output>.sig.")
    var signKey: String?

    @Option(help: "Create a new signing key in FILE (mode 600), print its public key, and exit.")
    var newSignKey: String?

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a number of seconds greater than 0") }
        guard verifyConcurrency > 0 else { throw ValidationError("--verify-concurrency must be at least 1") }
        guard maxStaleDays >= 0 else { throw ValidationError("--max-stale-days must be 0 or more") }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        if let newSignKey {
            try Self.createSigningKey(at: newSignKey)
            return
        }
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        LoggingSystem.bootstrapStandardError(level: level)
        let logger = Logger(label: "catalog-build")
        do {
            let kinds = try CatalogBuildJob.providers(from: providers)
            let options = CatalogBuildJob.Options(
                providers: kinds, seedPath: seed, outputPath: output, pretty: pretty, includePaid: includePaid,
                probe: .init(timeout: .milliseconds(Int64(timeout * 1000))), signingKeyPath: signKey,
                previousIndexPath: previous == "none" ? nil : previous ?? output, maxStaleDays: maxStaleDays
            )
            let summary = try await HTTPClient.withHTTPClient { client in
                let fetcher = AsyncHTTPFetcher(client: client)
                let probe = ModelsProbe(fetcher: fetcher, configuration: options.probe)
                let verifier = verify ? RouteVerifier(
                    fetcher: fetcher, configuration: .init(concurrency: verifyConcurrency),
                    timestamp: { CatalogBuildJob.timestamp(Date()) },
                    progress: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
                ) : nil
                let job = CatalogBuildJob(
                    options: options, environment: ProcessInfo.processInfo.environment, probe: probe, verifier: verifier
                )
                return try await job.run(logger: logger)
            }
            let automatic = summary.index.models.filter(\.autoMatched).count
            print("wrote \(summary.outputPath): \(summary.index.models.count) models (\(automatic) auto-matched), \(summary.drops.count) seed mappings dropped")
            for failure in summary.failures {
                let provider = failure.provider
                let fate = summary.stale.carried[provider].map { "routes kept from the previous index, last listed \($0)" }
                    ?? summary.stale.dropped[provider].map { "dropped: not listed since \($0)" }
                    ?? "no earlier listing; documented routes only"
                print("not listed: \(provider.rawValue) (\(failure.message)); \(fate)")
            }
            if verify {
                let quarantined = summary.verification.filter { $0.summary.hasPrefix("quarantined") }.count
                print("verified \(summary.verification.count) routes, \(quarantined) quarantined")
            }
        } catch let error as CatalogBuildError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Writes a new private key (owner-only) and prints the public key.
    static func createSigningKey(at path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("--new-sign-key: \(path) exists; refusing to overwrite a key")
        }
        let key = CatalogSigningKey()
        guard FileManager.default.createFile(atPath: path, contents: Data(key.base64.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("--new-sign-key: cannot write \(path)")
        }
        print("wrote \(path); public key (LLMROUTER_CATALOG_PUBLIC_KEY): \(key.publicKeyBase64)")
    }
}
