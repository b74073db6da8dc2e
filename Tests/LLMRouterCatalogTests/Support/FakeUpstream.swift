import Foundation
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import LLMRouterProviders
import NIOCore
import Synchronization

/// A tiny HTTP server on 127.0.0.1, port 0, serving fixed answers per path, for real-socket tests.
///
/// Each path has a list of answers used in turn; the last one repeats. Another engineer is
/// writing a general NIO `FakeUpstream` in `LLMRouterTesting`; this one stays small on purpose.
enum FakeUpstream {
    enum Answer: Sendable {
        /// A capture from `shared/fixtures/upstream`, status 200.
        case fixture(String)
        /// Any status and body.
        case status(Int, body: String = "{}")
        /// Waits before answering (for timeouts).
        case delayed(Duration, body: String)
    }

    /// The paths `GROQ_BASE_URL` etc. point at: `/<provider>/v1/models`.
    static func modelsPath(_ provider: ProviderKind) -> String { "/\(provider.rawValue)/v1/models" }

    /// Answers serving the newest capture of each provider.
    static var newestCaptures: [String: [Answer]] {
        Dictionary(uniqueKeysWithValues: Fixtures.newest.map { (modelsPath($0.key), [.fixture($0.value)]) })
    }

    /// Answers serving the captures the bundled index is built from (see ``Fixtures/bundled``).
    static var bundledCaptures: [String: [Answer]] {
        Dictionary(uniqueKeysWithValues: Fixtures.bundled.map { (modelsPath($0.key), [.fixture($0.value)]) })
    }

    /// `GROQ_BASE_URL`, `OPENROUTER_BASE_URL`, ... of every provider, for a server on `port`, so
    /// no test reaches a real provider (a path the server does not serve answers 404).
    static func baseURLs(port: Int) -> [String: String] {
        var environment: [String: String] = [:]
        for provider in ProviderKind.allCases {
            if let variable = Vendor.for(provider).baseURLOverrideVariable {
                environment[variable] = "http://127.0.0.1:\(port)/\(provider.rawValue)/v1"
            }
        }
        return environment
    }

    /// Runs the server for the duration of `body`, which receives the port.
    static func withServer<T: Sendable>(
        _ routes: [String: [Answer]],
        _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> T {
        let router = Router()
        for (path, answers) in routes {
            let served = Mutex(0)
            router.get(RouterPath(path)) { _, _ -> Response in
                let turn = served.withLock { count -> Int in
                    defer { count += 1 }
                    return count
                }
                return try await respond(answers[min(turn, answers.count - 1)])
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw FakeUpstreamError() }
            return try await body(port)
        }
    }

    private static func respond(_ answer: Answer) async throws -> Response {
        switch answer {
        case .fixture(let name):
            return json(200, try Fixtures.data(name))
        case .status(let code, let body):
            return json(code, Data(body.utf8))
        case .delayed(let delay, let body):
            try await Task.sleep(for: delay)
            return json(200, Data(body.utf8))
        }
    }

    private static func json(_ status: Int, _ data: Data) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    struct FakeUpstreamError: Error {}
}
