#if canImport(FoundationEssentials)
import LLMRouterCore
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Finds a usable model index for a server started without a config file.
///
/// 1. `LLMROUTER_MODEL_INDEX_URL`: an http(s) URL fetched with a short timeout, or a file path;
///    a good download is also saved to the cache. When it loads, nothing else is read.
/// 2. Otherwise the newer (by `generated_at`) of the cache, the last good download
///    (`$LLMROUTER_CACHE_DIR/model_index.json`, else `$XDG_CACHE_HOME/llmrouter/model_index.json`,
///    else `~/.cache/llmrouter/model_index.json`), and the bundled index, which is compiled into
///    the binaries (``EmbeddedModelIndex``) so it is found from any directory. An index without
///    `generated_at` counts as the oldest; on a tie the cache wins.
///
/// A malformed index counts as a failed source. When all fail the result has no index and the
/// caller uses the embedded echo default. The log says which source won and why the others did not.
public struct CatalogLoader: Sendable {
    /// Where the bundled index comes from.
    public enum BundledIndex: Sendable, Equatable {
        /// The copy compiled into the binary (the default).
        case embedded
        /// A file, for tests and packagers who ship their own.
        case file(String)
        /// No bundled index.
        case none
    }

    public struct Configuration: Sendable {
        /// `LLMROUTER_MODEL_INDEX_URL`: URL or path; `nil` skips the first source.
        public var indexLocation: String?
        /// The cache file; `nil` disables caching.
        public var cacheFile: String?
        /// Defaults to ``BundledIndex/embedded``.
        public var bundled: BundledIndex
        /// Limit for downloading the index. Defaults to 5 seconds, so a dead URL delays startup only briefly.
        public var downloadTimeout: Duration
        /// When set, a downloaded (or cached) index must carry a valid detached signature
        /// (`LLMROUTER_CATALOG_PUBLIC_KEY`); see ``CatalogSignature``.
        public var publicKey: CatalogPublicKey?

        public static let indexLocationVariable = "LLMROUTER_MODEL_INDEX_URL"
        public static let cacheDirectoryVariable = "LLMROUTER_CACHE_DIR"

        public init(
            indexLocation: String? = nil,
            cacheFile: String? = nil,
            bundled: BundledIndex = .embedded,
            downloadTimeout: Duration = .seconds(5),
            publicKey: CatalogPublicKey? = nil
        ) {
            self.indexLocation = indexLocation
            self.cacheFile = cacheFile
            self.bundled = bundled
            self.downloadTimeout = downloadTimeout
            self.publicKey = publicKey
        }

        /// Shorthand for tests: a bundled file, or no bundled index when `nil`.
        public init(indexLocation: String? = nil, cacheFile: String? = nil, bundledFile: String?, downloadTimeout: Duration = .seconds(5)) {
            self.init(indexLocation: indexLocation, cacheFile: cacheFile, bundled: bundledFile.map { .file($0) } ?? .none, downloadTimeout: downloadTimeout)
        }

        /// Reads the index location and the cache directory from `environment`. The public key
        /// is read separately (``CatalogPublicKey/fromEnvironment(_:)``) because it can be invalid.
        public init(environment: [String: String], bundled: BundledIndex = .embedded) {
            let location = environment[Self.indexLocationVariable]?.trimmingWhitespace()
            self.init(
                indexLocation: location?.isEmpty == false ? location : nil,
                cacheFile: Self.cacheFile(environment: environment),
                bundled: bundled
            )
        }

        /// The cache file path the environment implies, or `nil` when there is no home to put it in.
        public static func cacheFile(environment: [String: String]) -> String? {
            func nonEmpty(_ name: String) -> String? {
                guard let value = environment[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
                return value
            }
            if let directory = nonEmpty(cacheDirectoryVariable) { return directory + "/model_index.json" }
            if let xdg = nonEmpty("XDG_CACHE_HOME") { return xdg + "/llmrouter/model_index.json" }
            if let home = nonEmpty("HOME") { return home + "/.cache/llmrouter/model_index.json" }
            return nil
        }
    }

    public var configuration: Configuration
    private let fetcher: (any HTTPFetcher)?

    /// - Parameter fetcher: downloads an http(s) index; `nil` makes a URL source fail (files still load).
    public init(configuration: Configuration, fetcher: (any HTTPFetcher)?) {
        self.configuration = configuration
        self.fetcher = fetcher
    }

    /// Runs the chain. Never throws: failures are returned and logged at debug, the winner at info.
    public func load(logger: Logger) async -> CatalogLoadResult {
        var failures: [CatalogSourceFailure] = []
        func attempt(_ source: CatalogSource, _ result: Result<ModelIndex, IndexError>) -> ModelIndex? {
            switch result {
            case .success(let index):
                return index
            case .failure(let error):
                failures.append(CatalogSourceFailure(source: source, error: error))
                logger.debug("model catalog source failed", metadata: [
                    "source": "\(source.kind.rawValue)", "location": "\(source.displayLocation)", "error": "\(error.message)",
                ])
                return nil
            }
        }

        if let location = configuration.indexLocation {
            let source: CatalogSource
            let result: Result<ModelIndex, IndexError>
            if Self.isRemote(location) {
                source = CatalogSource(kind: .url, location: location)
                result = await download(source, logger: logger)
            } else {
                let path = location.hasPrefix("file://") ? String(location.dropFirst("file://".count)) : location
                source = CatalogSource(kind: .file, location: path)
                result = Self.readFile(source)
            }
            if let index = attempt(source, result) {
                let others = [configuration.cacheFile.map { _ in "cache" }, bundledSource.map { _ in "bundled" }].compactMap { $0 }
                let passedOver = others.map { CatalogSourceSkip(kind: $0, reason: "not read: \(Configuration.indexLocationVariable) loaded") }
                return won(CatalogLoadResult(index: index, source: source, failures: failures, passedOver: passedOver), logger: logger)
            }
        }

        var candidates: [(source: CatalogSource, index: ModelIndex)] = []
        if let cache = configuration.cacheFile {
            let source = CatalogSource(kind: .cache, location: cache)
            if let index = attempt(source, readCache(source)) { candidates.append((source, index)) }
        }
        if let bundled = bundledSource {
            if let index = attempt(bundled, readBundled(bundled)) { candidates.append((bundled, index)) }
        }
        guard let newest = Self.newest(candidates) else {
            logger.warning("model catalog unavailable", metadata: ["failed_sources": "\(failures.map(\.description).joined(separator: "; "))"])
            return CatalogLoadResult(index: nil, source: nil, failures: failures)
        }
        let passedOver = candidates.filter { $0.source != newest.source }.map { loser in
            CatalogSourceSkip(
                kind: loser.source.kind.rawValue,
                reason: "older: generated_at \(loser.index.generatedAt ?? "unknown") vs \(newest.index.generatedAt ?? "unknown") of \(newest.source.kind.rawValue)"
            )
        }
        return won(CatalogLoadResult(index: newest.index, source: newest.source, failures: failures, passedOver: passedOver), logger: logger)
    }

    private func won(_ result: CatalogLoadResult, logger: Logger) -> CatalogLoadResult {
        guard let source = result.source, let index = result.index else { return result }
        var metadata: Logger.Metadata = [
            "source": "\(source.kind.rawValue)", "location": "\(source.displayLocation)",
            "generated_at": "\(index.generatedAt ?? "unknown")", "models": "\(index.models.count)",
            "failed_sources": "\(result.failures.count)",
        ]
        let notUsed = result.failures.map { "\($0.source.kind.rawValue): \($0.error.message)" } + result.passedOver.map(\.description)
        if !notUsed.isEmpty { metadata["not_used"] = "\(notUsed.joined(separator: "; "))" }
        logger.info("model catalog loaded", metadata: metadata)
        // Entries of a kind this build does not know were left out; say so, since the models vanish.
        for skipped in index.skippedEntries {
            logger.warning("catalog entry skipped", metadata: ["source": "\(source.kind.rawValue)", "reason": "\(skipped.description)"])
        }
        return result
    }

    /// The newest candidate by `generated_at`; undated ones are the oldest, ties keep the earlier (the cache).
    static func newest(_ candidates: [(source: CatalogSource, index: ModelIndex)]) -> (source: CatalogSource, index: ModelIndex)? {
        var best: (source: CatalogSource, index: ModelIndex)?
        for candidate in candidates {
            guard let current = best else { best = candidate; continue }
            if Self.isNewer(candidate.index.generatedAt, than: current.index.generatedAt) { best = candidate }
        }
        return best
    }

    static func isNewer(_ left: String?, than right: String?) -> Bool {
        guard let left else { return false }
        guard let right else { return true }
        if let leftDate = try? Date(left, strategy: .iso8601), let rightDate = try? Date(right, strategy: .iso8601) {
            return leftDate > rightDate
        }
        return left > right
    }

    private var bundledSource: CatalogSource? {
        switch configuration.bundled {
        case .embedded: CatalogSource(kind: .bundled, location: EmbeddedModelIndex.location)
        case .file(let path): CatalogSource(kind: .bundled, location: path)
        case .none: nil
        }
    }

    private func readBundled(_ source: CatalogSource) -> Result<ModelIndex, IndexError> {
        guard configuration.bundled == .embedded else { return Self.readFile(source) }
        do {
            return .success(try ModelIndex.decode(EmbeddedModelIndex.data, source: source.location))
        } catch {
            return .failure(error)
        }
    }

    private func readCache(_ source: CatalogSource) -> Result<ModelIndex, IndexError> {
        guard let publicKey = configuration.publicKey else { return Self.readFile(source) }
        // The cache holds a download, so with a key it must still carry a good signature.
        guard case .success(let data?) = AtomicFile.read(source.location) else { return Self.readFile(source) }
        let signature = (try? AtomicFile.read(CatalogSignature.path(for: source.location)).get()) ?? nil
        if let problem = publicKey.problem(with: data, signature: signature) {
            return .failure(IndexError(.untrusted, source: source.location, message: problem))
        }
        return Self.decode(data, source: source.location)
    }

    static func isRemote(_ location: String) -> Bool {
        let lowered = location.lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    private func download(_ source: CatalogSource, logger: Logger) async -> Result<ModelIndex, IndexError> {
        guard let fetcher else {
            return .failure(IndexError(.unavailable, source: source.displayLocation, message: "no HTTP client to download it with"))
        }
        let response: FetchedResponse
        do {
            response = try await fetcher.get(source.location, headers: [(name: "Accept", value: "application/json")], timeout: configuration.downloadTimeout)
        } catch {
            return .failure(IndexError(.unavailable, source: source.displayLocation, message: "download failed: \(error.message)"))
        }
        guard response.status == 200 else {
            return .failure(IndexError(.unavailable, source: source.displayLocation, message: "download answered HTTP \(response.status)"))
        }
        var signature: Data?
        if let publicKey = configuration.publicKey {
            signature = await downloadSignature(of: source, fetcher: fetcher)
            if let problem = publicKey.problem(with: response.body, signature: signature) {
                return .failure(IndexError(.untrusted, source: source.displayLocation, message: problem))
            }
        }
        let index: ModelIndex
        do {
            index = try ModelIndex.decode(response.body, source: source.displayLocation)
        } catch {
            return .failure(error)
        }
        if let cache = configuration.cacheFile {
            // The download is still good to use when this fails; only the fallback for next time is missing.
            var reason = AtomicFile.write(response.body, to: cache)
            if reason == nil, let signature { reason = AtomicFile.write(signature, to: CatalogSignature.path(for: cache)) }
            if let reason { logger.debug("model catalog cache not written", metadata: ["path": "\(cache)", "error": "\(reason)"]) }
        }
        return .success(index)
    }

    /// `<url>.sig` (before any query), or `nil` when it cannot be fetched.
    private func downloadSignature(of source: CatalogSource, fetcher: any HTTPFetcher) async -> Data? {
        let url = CatalogSignature.url(for: source.location)
        guard let response = try? await fetcher.get(url, headers: [], timeout: configuration.downloadTimeout), response.status == 200 else {
            return nil
        }
        return response.body
    }

    /// Reads and validates an index file.
    public static func readFile(_ source: CatalogSource) -> Result<ModelIndex, IndexError> {
        switch AtomicFile.read(source.location) {
        case .success(nil):
            return .failure(IndexError(.unavailable, source: source.location, message: "no such file"))
        case .failure(let error):
            return .failure(IndexError(.unreadable, source: source.location, message: "cannot read the file (\(error.message))"))
        case .success(let data?):
            return decode(data, source: source.location)
        }
    }

    private static func decode(_ data: Data, source: String) -> Result<ModelIndex, IndexError> {
        do {
            return .success(try ModelIndex.decode(data, source: source))
        } catch {
            return .failure(error)
        }
    }
}
