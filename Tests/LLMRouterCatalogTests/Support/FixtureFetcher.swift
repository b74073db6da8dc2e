import Foundation
import LLMRouterCatalog
import LLMRouterCore
import LLMRouterProviders
import Synchronization

/// An in-process ``HTTPFetcher`` serving the captures, for logic tests that need no socket.
///
/// Base URLs are `http://fake.test/<provider>/v1` (see ``environment(_:)``); a path can be given
/// a scripted list of answers (429, 500, malformed JSON) that are used up before the file is served.
final class FixtureFetcher: Sendable {
    struct Request: Sendable, Equatable {
        var url: String
        var authorization: String?
    }

    private let files: [String: String]
    private let scripted: Mutex<[String: [FetchedResponse]]>
    private let log = Mutex<[Request]>([])

    /// - Parameter files: capture file per provider.
    init(files: [ProviderKind: String], scripted: [ProviderKind: [FetchedResponse]] = [:]) {
        self.files = Dictionary(uniqueKeysWithValues: files.map { (Self.path($0.key), $0.value) })
        self.scripted = Mutex(Dictionary(uniqueKeysWithValues: scripted.map { (Self.path($0.key), $0.value) }))
    }

    static func path(_ provider: ProviderKind) -> String { "/\(provider.rawValue)/v1/models" }

    /// The keys plus `*_BASE_URL` overrides pointing at this fake.
    static func environment(_ providers: [ProviderKind] = [.groq, .openrouter, .nvidiaNIM]) -> [String: String] {
        var environment = Fixtures.keys
        for provider in providers {
            if let variable = Vendor.for(provider).baseURLOverrideVariable { environment[variable] = "http://fake.test/\(provider.rawValue)/v1" }
        }
        return environment
    }

    var requests: [Request] { log.withLock { $0 } }

    var fetcher: ClosureHTTPFetcher {
        ClosureHTTPFetcher { [self] url, headers, _ throws(FetchError) in
            let authorization = headers.first { $0.name == "Authorization" }?.value
            log.withLock { $0.append(Request(url: url, authorization: authorization)) }
            let path = String(url.dropFirst("http://fake.test".count))
            if let next = scripted.withLock({ queue -> FetchedResponse? in
                guard var answers = queue[path], !answers.isEmpty else { return nil }
                let first = answers.removeFirst()
                queue[path] = answers
                return first
            }) {
                return next
            }
            guard let file = files[path], let body = try? Fixtures.data(file) else {
                return FetchedResponse(status: 404, body: Data("{\"error\":\"not found\"}".utf8))
            }
            return FetchedResponse(status: 200, body: body)
        }
    }
}

/// Records the probe's sleeps instead of sleeping.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])
    var recorded: [Duration] { delays.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] delay in delays.withLock { $0.append(delay) } }
    }
}
