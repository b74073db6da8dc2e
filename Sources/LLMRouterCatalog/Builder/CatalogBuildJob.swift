#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import LLMRouterProviders
import Logging

/// One `catalog-build` run: check keys, read the seed, list the providers concurrently, build the
/// index and write it atomically.
///
/// The order is chosen so failures cost nothing: a bad seed fails before any network call and
/// names file, entry and field; with no key at all nothing is called and the variables are named.
/// A provider that cannot be listed (no key, an error, a timeout) keeps its routes from the
/// previous index, marked stale, until it has gone unlisted for longer than `maxStaleDays`
/// (``StaleProviders``); only when no provider can be listed is nothing written.
public struct CatalogBuildJob: Sendable {
    public struct Options: Sendable {
        /// Providers to list. Defaults to groq, openrouter, nvidia_nim (the CLI lists all eight).
        public var providers: [ProviderKind]
        /// Defaults to `config/model_catalog_seed.yaml`.
        public var seedPath: String
        /// Defaults to `generated/model_index.json`.
        public var outputPath: String
        /// Indent the JSON. Defaults to false.
        public var pretty: Bool
        /// Keep paid models, marked `paid`. Defaults to false.
        public var includePaid: Bool
        public var probe: ModelsProbe.Configuration
        /// Sign the index with this Ed25519 key file, writing `<output>.sig` (`--sign-key`).
        public var signingKeyPath: String?
        /// The index of the last run, whose routes a provider that cannot be listed keeps
        /// (`--previous`, by default the output); `nil` keeps none. Defaults to `nil`.
        public var previousIndexPath: String?
        /// Days a provider may go unlisted before its kept routes are dropped (`--max-stale-days`). Defaults to 14.
        public var maxStaleDays: Int

        public init(
            providers: [ProviderKind] = [.groq, .openrouter, .nvidiaNIM],
            seedPath: String = "config/model_catalog_seed.yaml",
            outputPath: String = "generated/model_index.json",
            pretty: Bool = false,
            includePaid: Bool = false,
            probe: ModelsProbe.Configuration = .init(),
            signingKeyPath: String? = nil,
            previousIndexPath: String? = nil,
            maxStaleDays: Int = 14
        ) {
            self.providers = providers
            self.seedPath = seedPath
            self.outputPath = outputPath
            self.pretty = pretty
            self.includePaid = includePaid
            self.probe = probe
            self.signingKeyPath = signingKeyPath
            self.previousIndexPath = previousIndexPath
            self.maxStaleDays = maxStaleDays
        }
    }

    /// What a successful run produced.
    public struct Summary: Sendable {
        public var index: ModelIndex
        public var drops: [CatalogDrop]
        public var autoMatchSkips: [AutoMatchSkip]
        public var outputPath: String
        /// One per verified route, with `--verify`.
        public var verification: [RouteVerifier.Outcome] = []
        /// The providers that could not be listed, and why.
        public var failures: [ProbeError] = []
        /// Which of them kept their routes, and which were dropped.
        public var stale = StaleProviders()
    }

    public var options: Options
    private let environment: [String: String]
    private let probe: ModelsProbe
    private let verifier: RouteVerifier?
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - environment: supplies keys and `*_BASE_URL` overrides (the process environment in production).
    ///   - probe: lists the providers; build it over an ``AsyncHTTPFetcher`` or a fake.
    ///   - verifier: with `--verify`, makes one test call per route after the build.
    ///   - now: the clock for `generated_at`.
    public init(
        options: Options, environment: [String: String], probe: ModelsProbe, verifier: RouteVerifier? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.options = options
        self.environment = environment
        self.probe = probe
        self.verifier = verifier
        self.now = now
    }

    /// Parses `--providers groq,openrouter,nvidia_nim`.
    public static func providers(from list: String) throws(CatalogBuildError) -> [ProviderKind] {
        var kinds: [ProviderKind] = []
        for name in list.split(separator: ",").map({ String($0).trimmingWhitespace().lowercased() }) where !name.isEmpty {
            guard let kind = ProviderKind(rawValue: name), Vendor.for(kind).defaultBaseURL != nil else {
                let known = ProviderKind.allCases.filter { Vendor.for($0).defaultBaseURL != nil }.map(\.rawValue).joined(separator: ", ")
                throw CatalogBuildError(.invalidOption, message: "--providers: unknown provider '\(name)'; expected some of \(known)")
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        guard !kinds.isEmpty else { throw CatalogBuildError(.invalidOption, message: "--providers: list at least one provider") }
        return kinds
    }

    public func run(logger: Logger) async throws(CatalogBuildError) -> Summary {
        let (endpoints, keyless) = try resolveEndpoints()
        let seed = try loadSeed(logger: logger)
        _ = try loadSigningKey()

        logger.info("listing provider models", metadata: ["providers": "\(options.providers.map(\.rawValue).joined(separator: ","))"])
        var results = await probe.listings(for: endpoints, logger: logger)
        for failure in keyless { results[failure.provider] = .failure(failure) }
        var listings: [ProviderKind: ProviderListing] = [:]
        var failures: [ProbeError] = []
        for provider in options.providers {
            switch results[provider] {
            case .success(let listing)?:
                listings[provider] = listing
                logger.info("provider listed", metadata: [
                    "provider": "\(provider.rawValue)", "listed": "\(listing.models.count)", "free": "\(listing.freeIDs.count)",
                ])
            case .failure(let error)?:
                failures.append(error)
                logger.warning("provider listing failed", metadata: ["provider": "\(provider.rawValue)", "error": "\(error.message)"])
            case nil:
                break
            }
        }
        guard !listings.isEmpty else {
            let lines = failures.map { "  - \($0)" }.joined(separator: "\n")
            throw CatalogBuildError(
                .providersUnavailable,
                message: "could not list any provider; \(options.outputPath) was left unchanged:\n\(lines)",
                probeFailures: failures
            )
        }
        let stale = StaleProviders.plan(
            failed: failures.map(\.provider), previousPath: options.previousIndexPath, maxStaleDays: options.maxStaleDays,
            now: now(), logger: logger
        )

        let builder = CatalogBuilder(options: .init(providers: options.providers, includePaid: options.includePaid, stale: stale))
        var outcome = builder.build(seed: seed, listings: listings, generatedAt: Self.timestamp(now()))
        log(outcome, logger: logger)
        var verification: [RouteVerifier.Outcome] = []
        if let verifier {
            let endpointsByKind = Dictionary(endpoints.map { ($0.provider, $0) }) { first, _ in first }
            (outcome.index, verification) = await verifier.verify(outcome.index, endpoints: endpointsByKind)
            let quarantined = verification.filter { $0.summary.hasPrefix("quarantined") }.count
            logger.info("routes verified", metadata: ["routes": "\(verification.count)", "quarantined": "\(quarantined)"])
        }
        let signingKey = try loadSigningKey()

        let data: Data
        do {
            data = try outcome.index.encoded(pretty: options.pretty)
        } catch {
            throw CatalogBuildError(.write, message: "\(options.outputPath): cannot encode the index (\(error))")
        }
        if let reason = AtomicFile.write(data, to: options.outputPath) {
            throw CatalogBuildError(.write, message: "\(options.outputPath): cannot write the index (\(reason))")
        }
        if let signingKey {
            let signaturePath = CatalogSignature.path(for: options.outputPath)
            let signature: Data
            do {
                signature = try signingKey.signature(for: data)
            } catch {
                throw CatalogBuildError(.write, message: error.message)
            }
            if let reason = AtomicFile.write(signature, to: signaturePath) {
                throw CatalogBuildError(.write, message: "\(signaturePath): cannot write the signature (\(reason))")
            }
        }
        logger.info("catalog written", metadata: [
            "path": "\(options.outputPath)", "models": "\(outcome.index.models.count)",
            "auto_matched": "\(outcome.index.models.filter(\.autoMatched).count)", "dropped": "\(outcome.drops.count)",
        ])
        return Summary(
            index: outcome.index, drops: outcome.drops, autoMatchSkips: outcome.autoMatchSkips, outputPath: options.outputPath,
            verification: verification, failures: failures, stale: stale
        )
    }

    /// Reads `--sign-key` before any network call, so a bad key costs nothing.
    private func loadSigningKey() throws(CatalogBuildError) -> CatalogSigningKey? {
        guard let path = options.signingKeyPath else { return nil }
        do {
            return try CatalogSigningKey(contentsOf: path)
        } catch {
            throw CatalogBuildError(.invalidOption, message: "--sign-key \(error.message)")
        }
    }

    /// The endpoints of the providers whose key is set, and a failure for each one whose key is
    /// not (it then counts as not listed). With no key at all the run stops before any request.
    private func resolveEndpoints() throws(CatalogBuildError) -> ([ProviderEndpoint], [ProbeError]) {
        var endpoints: [ProviderEndpoint] = []
        var keyless: [ProbeError] = []
        for provider in options.providers {
            do {
                endpoints.append(try ProviderEndpoint.resolve(provider, environment: environment))
            } catch where error.kind == .missingKey {
                keyless.append(error)
            } catch {
                throw CatalogBuildError(.invalidOption, message: error.description)
            }
        }
        guard !endpoints.isEmpty else {
            let missing = keyless.map { $0.variable ?? $0.provider.rawValue }
            let verb = missing.count == 1 ? "is" : "are"
            throw CatalogBuildError(
                .missingKey, message: "\(missing.joined(separator: ", ")) \(verb) not set; export the key of at least one provider in --providers",
                variables: missing
            )
        }
        return (endpoints, keyless)
    }

    private func loadSeed(logger: Logger) throws(CatalogBuildError) -> CatalogSeed {
        do {
            let loaded = try SeedLoader().load(path: options.seedPath)
            for warning in loaded.warnings {
                logger.warning("seed warning", metadata: ["warning": "\(warning)"])
            }
            return loaded.seed
        } catch {
            throw CatalogBuildError(.seed, message: error.description)
        }
    }

    private func log(_ outcome: CatalogBuilder.Outcome, logger: Logger) {
        for drop in outcome.drops {
            var metadata: Logger.Metadata = ["canonical": "\(drop.canonical)", "reason": "\(drop.reason)"]
            if let provider = drop.provider { metadata["provider"] = "\(provider.rawValue)" }
            if let model = drop.upstreamModel { metadata["model"] = "\(model)" }
            if drop.provider == nil {
                logger.warning("seed entry dropped", metadata: metadata)
            } else {
                logger.notice("seed provider dropped", metadata: metadata)
            }
        }
        for entry in outcome.index.models where entry.autoMatched {
            logger.info("model auto-matched", metadata: [
                "canonical": "\(entry.canonical)", "providers": "\(entry.providerNames(in: outcome.index.providers).joined(separator: ","))",
            ])
        }
        for skip in outcome.autoMatchSkips {
            logger.debug("auto-match skipped", metadata: ["key": "\(skip.key)", "reason": "\(skip.reason)"])
        }
    }

    /// `2026-08-20T10:00:00Z`: whole seconds, UTC, as the Python builder's consumers expect ISO 8601.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
