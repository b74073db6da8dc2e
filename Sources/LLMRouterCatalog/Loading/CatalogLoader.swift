#if canImport(FoundationEssentials)
import LLMRouterCore
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Finds a usable model index for a server started without a config file.
///
/// Tries, in order, and stops at the first index that decodes and validates:
/// 1. `LLMROUTER_MODEL_INDEX_URL`: an http(s) URL fetched with a short timeout, or a file path;
///    a good download is also saved to the cache;
/// 2. the cache: the last good download (`$LLMROUTER_CACHE_DIR/model_index.json`, else
///    `$XDG_CACHE_HOME/llmrouter/model_index.json`, else `~/.cache/llmrouter/model_index.json`);
/// 3. the bundled `generated/model_index.json`.
///
/// A malformed index counts as a failed source, so the chain falls through to the next one.
/// When all fail the result has no index and the caller uses the embedded echo default.
public struct CatalogLoader: Sendable {
    public struct Configuration: Sendable {
        /// `LLMROUTER_MODEL_INDEX_URL`: URL or path; `nil` skips the first source.
        public var indexLocation: String?
        /// The cache file; `nil` disables caching.
        public var cacheFile: String?
        /// The bundled index; `nil` skips it. Defaults to `generated/model_index.json` (relative to the working directory).
        public var bundledFile: String?
        /// Limit for downloading the index. Defaults to 5 seconds, so a dead URL delays startup only briefly.
        public var downloadTimeout: Duration

        public static let indexLocationVariable = "LLMROUTER_MODEL_INDEX_URL"
        public static let cacheDirectoryVariable = "LLMROUTER_CACHE_DIR"
        public static let defaultBundledFile = "generated/model_index.json"

        public init(
            indexLocation: String? = nil,
            cacheFile: String? = nil,
            bundledFile: String? = Configuration.defaultBundledFile,
            downloadTimeout: Duration = .seconds(5)
        ) {
            self.indexLocation = indexLocation
            self.cacheFile = cacheFile
            self.bundledFile = bundledFile
            self.downloadTimeout = downloadTimeout
        }

        /// Reads the index location and the cache directory from `environment`.
        public init(environment: [String: String], bundledFile: String? = Configuration.defaultBundledFile) {
            let location = environment[Self.indexLocationVariable]?.trimmingWhitespace()
            self.init(
                indexLocation: location?.isEmpty == false ? location : nil,
                cacheFile: Self.cacheFile(environment: environment),
                bundledFile: bundledFile
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
        func record(_ source: CatalogSource, _ result: Result<ModelIndex, IndexError>) -> CatalogLoadResult? {
            switch result {
            case .success(let index):
                logger.info("model catalog loaded", metadata: [
                    "source": "\(source.kind.rawValue)", "location": "\(source.displayLocation)",
                    "models": "\(index.models.count)", "failed_sources": "\(failures.count)",
                ])
                return CatalogLoadResult(index: index, source: source, failures: failures)
            case .failure(let error):
                failures.append(CatalogSourceFailure(source: source, error: error))
                logger.debug("model catalog source failed", metadata: [
                    "source": "\(source.kind.rawValue)", "location": "\(source.displayLocation)", "error": "\(error.message)",
                ])
                return nil
            }
        }

        if let location = configuration.indexLocation {
            if Self.isRemote(location) {
                let source = CatalogSource(kind: .url, location: location)
                if let won = record(source, await download(source, logger: logger)) { return won }
            } else {
                let path = location.hasPrefix("file://") ? String(location.dropFirst("file://".count)) : location
                let source = CatalogSource(kind: .file, location: path)
                if let won = record(source, Self.readFile(source)) { return won }
            }
        }
        if let cache = configuration.cacheFile {
            let source = CatalogSource(kind: .cache, location: cache)
            if let won = record(source, Self.readFile(source)) { return won }
        }
        if let bundled = configuration.bundledFile {
            let source = CatalogSource(kind: .bundled, location: bundled)
            if let won = record(source, Self.readFile(source)) { return won }
        }
        logger.warning("model catalog unavailable", metadata: ["failed_sources": "\(failures.map(\.description).joined(separator: "; "))"])
        return CatalogLoadResult(index: nil, source: nil, failures: failures)
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
        let index: ModelIndex
        do {
            index = try ModelIndex.decode(response.body, source: source.displayLocation)
        } catch {
            return .failure(error)
        }
        if let cache = configuration.cacheFile, let reason = AtomicFile.write(response.body, to: cache) {
            // The download is still good to use; only the fallback for next time is missing.
            logger.debug("model catalog cache not written", metadata: ["path": "\(cache)", "error": "\(reason)"])
        }
        return .success(index)
    }

    /// Reads and validates an index file.
    public static func readFile(_ source: CatalogSource) -> Result<ModelIndex, IndexError> {
        switch AtomicFile.read(source.location) {
        case .success(nil):
            return .failure(IndexError(.unavailable, source: source.location, message: "no such file"))
        case .failure(let error):
            return .failure(IndexError(.unreadable, source: source.location, message: "cannot read the file (\(error.message))"))
        case .success(let data?):
            do {
                return .success(try ModelIndex.decode(data, source: source.location))
            } catch {
                return .failure(error)
            }
        }
    }
}
