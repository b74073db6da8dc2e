#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import Logging

/// Lists providers' models: `GET {base}/models` with `Authorization: Bearer`, a timeout per
/// attempt, and retries with ``ProbeBackoff`` on 429, 5xx, timeouts and connection failures.
///
/// Other statuses (401, 404, ...) and unreadable listings fail at once: retrying cannot fix
/// them. Sleeping is injected so tests run the retry schedule without waiting.
public struct ModelsProbe: Sendable {
    public struct Configuration: Sendable {
        /// Limit for one attempt, body included. Defaults to 15 seconds.
        public var timeout: Duration
        /// Attempts per provider, the first included. Defaults to 3.
        public var maximumAttempts: Int
        public var backoff: ProbeBackoff

        public init(timeout: Duration = .seconds(15), maximumAttempts: Int = 3, backoff: ProbeBackoff = .init()) {
            self.timeout = timeout
            self.maximumAttempts = maximumAttempts
            self.backoff = backoff
        }
    }

    public var configuration: Configuration
    private let fetcher: any HTTPFetcher
    private let sleep: @Sendable (Duration) async throws -> Void
    private let jitter: @Sendable () -> Double

    /// - Parameters:
    ///   - fetcher: performs the `GET`s.
    ///   - sleep: waits between attempts; tests pass one that records the delay and returns.
    ///   - jitter: a value in -1...1 for ``ProbeBackoff``; random by default.
    public init(
        fetcher: any HTTPFetcher,
        configuration: Configuration = .init(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: -1...1) }
    ) {
        self.fetcher = fetcher
        self.configuration = configuration
        self.sleep = sleep
        self.jitter = jitter
    }

    /// Lists every endpoint concurrently; one provider failing does not stop the others.
    public func listings(for endpoints: [ProviderEndpoint], logger: Logger) async -> [ProviderKind: Result<ProviderListing, ProbeError>] {
        await withTaskGroup(of: (ProviderKind, Result<ProviderListing, ProbeError>).self) { group in
            for endpoint in endpoints {
                group.addTask {
                    let result: Result<ProviderListing, ProbeError>
                    do throws(ProbeError) {
                        result = .success(try await listing(for: endpoint, logger: logger))
                    } catch {
                        result = .failure(error)
                    }
                    return (endpoint.provider, result)
                }
            }
            var results: [ProviderKind: Result<ProviderListing, ProbeError>] = [:]
            for await (provider, result) in group { results[provider] = result }
            return results
        }
    }

    /// Lists one provider, retrying transient failures.
    public func listing(for endpoint: ProviderEndpoint, logger: Logger) async throws(ProbeError) -> ProviderListing {
        let headers = [
            (name: "Authorization", value: "Bearer \(endpoint.apiKey)"),
            (name: "Accept", value: "application/json"),
            (name: "User-Agent", value: "llmrouter-catalog"),
        ]
        var attempt = 1
        while true {
            let result: Result<FetchedResponse, FetchError>
            do {
                result = .success(try await fetcher.get(endpoint.modelsURL, headers: headers, timeout: configuration.timeout))
            } catch {
                result = .failure(error)
            }
            let failure: ProbeError
            let retryable: Bool
            var retryAfter: String?
            switch result {
            case .success(let response) where (200..<300).contains(response.status):
                let listing: ProviderListing
                do {
                    listing = try ListingParser.parse(response.body, provider: endpoint.provider)
                } catch {
                    throw ProbeError(.malformedListing, provider: endpoint.provider, message: "\(endpoint.modelsURL): \(error.message)")
                }
                logger.debug("models listed", metadata: [
                    "provider": "\(endpoint.provider.rawValue)", "models": "\(listing.models.count)", "attempt": "\(attempt)",
                ])
                return listing
            case .success(let response):
                failure = statusError(response, endpoint: endpoint, attempt: attempt)
                retryable = response.status == 429 || response.status >= 500
                retryAfter = response.retryAfter
            case .failure(let error):
                let kind: ProbeError.Kind = error.kind == .timeout ? .timeout : .transport
                let detail = error.kind == .timeout ? "no answer within \(configuration.timeout)" : error.message
                failure = ProbeError(kind, provider: endpoint.provider, message: "GET \(endpoint.modelsURL): \(detail) (attempt \(attempt))")
                retryable = error.kind == .timeout || error.kind == .transport
            }
            guard retryable, attempt < configuration.maximumAttempts,
                let delay = configuration.backoff.delay(beforeRetry: attempt, retryAfter: retryAfter, jitter: jitter())
            else {
                throw failure
            }
            logger.debug("models listing retry scheduled", metadata: [
                "provider": "\(endpoint.provider.rawValue)", "attempt": "\(attempt)", "delay": "\(delay)",
                "failure": "\(failure.kind)",
            ])
            do {
                try await sleep(delay)
            } catch {
                throw failure
            }
            attempt += 1
        }
    }

    private func statusError(_ response: FetchedResponse, endpoint: ProviderEndpoint, attempt: Int) -> ProbeError {
        let redactor = SecretRedactor(secrets: [endpoint.apiKey])
        let snippet = redactor.redact(String(decoding: response.body.prefix(200), as: UTF8.self))
            .replacing("\n", with: " ")
        var message = "GET \(endpoint.modelsURL) answered HTTP \(response.status) (attempt \(attempt))"
        if response.status == 401 || response.status == 403 {
            message += "; the provider rejected the key in \(endpoint.apiKeyVariable)"
        }
        if !snippet.isEmpty { message += ": \(snippet)" }
        return ProbeError(.httpStatus, provider: endpoint.provider, status: response.status, message: message)
    }
}
