import Foundation
@testable import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore

/// A router over four tiered routes on a mock clock, each answering with a body the test sets:
/// `small` (llama-3.1-8b, simple, quality 17, priority 1), `big` (llama-3.3-70b, general, 28, 2),
/// `coder` (kimi-k2, code, 50, 3) and `thinker` (gpt-oss-120b, reasoning, 58, 4).
final class AutoHarness: Sendable {
    let clock = MockClock()
    let table: RoutingTable
    let router: RequestRouter<ProviderState<MockClock>, MockClock>
    let recorded = Locked<[RequestRecord]>([])
    let calls = Locked<[String]>([])

    /// A good answer from `name`.
    static func answer(_ name: String) -> String {
        #"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"answer from \#(name)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}"#
    }

    /// An answer whose message is `message` (JSON) and whose finish reason is `finish`.
    static func answer(message: String, finish: String = "stop") -> String {
        #"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":\#(message),"finish_reason":"\#(finish)"}]}"#
    }

    /// - Parameters:
    ///   - bodies: a route's answer instead of ``answer(_:)``.
    ///   - failing: routes that answer 500; `limited`: routes that answer 429 (retry in 10 s).
    init(
        auto: AutoSettings = AutoSettings(), maxWait: Duration = .zero, bodies: [String: String] = [:], failing: Set<String> = [],
        limited: Set<String> = [], capabilities: [String: RouteCapabilities] = [:], sticky: Duration = .zero
    ) {
        let calls = self.calls
        func route(_ name: String, _ model: String, _ tier: ModelTier, _ quality: Int, priority: Int) -> Route {
            var configuration = ProviderConfiguration(name: name, kind: .groq, priority: priority, model: "up/\(model)", canonicalModel: model, tier: tier, quality: quality)
            configuration.capabilities = capabilities[name] ?? RouteCapabilities()
            let body = bodies[name] ?? Self.answer(name)
            let fails = failing.contains(name), isLimited = limited.contains(name)
            let provider = ClosureProvider(
                complete: { _, _ in
                    calls.withLock { $0.append(name) }
                    if isLimited {
                        throw UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, rateLimit: RateLimitSignal(kind: .shortWindow, retryAfter: .seconds(10)))
                    }
                    if fails { throw UpstreamFailure(kind: .serverError, message: "down", status: 500) }
                    return ChatCompletion(body: ByteBuffer(string: body))
                },
                stream: { _, _ in
                    calls.withLock { $0.append(name) }
                    let chunk = #"{"choices":[{"index":0,"delta":{"content":"streamed by \#(name)"},"finish_reason":"length"}]}"#
                    return ChatEventStream([ByteBuffer(string: chunk)].async)
                }
            )
            return Route(configuration: configuration, provider: provider)
        }
        let routes = [
            route("small", "llama-3.1-8b", .simple, 17, priority: 1), route("big", "llama-3.3-70b", .general, 28, priority: 2),
            route("coder", "kimi-k2", .code, 50, priority: 3), route("thinker", "gpt-oss-120b", .reasoning, 58, priority: 4),
        ]
        var routing = RoutingConfiguration(maxWait: maxWait)
        routing.auto = auto
        routing.stickyFor = sticky
        table = RoutingTable(routes: routes, routing: routing)
        let recorded = self.recorded
        router = RequestRouter(state: ProviderState(routes: table.specs, clock: clock), clock: clock, recorder: ClosureRecorder { record in recorded.withLock { $0.append(record) } })
    }

    static let codePrompt = "Write a Python function that parses a JSON file and returns the keys."
    static let mathPrompt = "Prove that the sum of two odd integers is even, step by step."
    static let chatPrompt = "Write a short story about a lighthouse keeper who finds a message in a bottle."

    /// A chat request for `content`, with `extra` top-level members (`"tools":[...]`).
    static func request(_ content: String, model: String? = "auto", extra: String = "", stream: Bool = false) -> ChatRequest {
        let model = model.map { #""model":"\#($0)","# } ?? ""
        let text = content.replacingOccurrences(of: "\"", with: "\\\"")
        let body = #"{\#(model)"messages":[{"role":"user","content":"\#(text)"}]\#(extra.isEmpty ? "" : "," + extra)\#(stream ? #","stream":true"# : "")}"#
        do { return try ChatRequest(json: Array(body.utf8)) } catch { fatalError("test request must parse: \(body)") }
    }

    /// Sends a complete request; the decision note comes back with the outcome.
    func send(_ content: String, model: String? = "auto", extra: String = "") async throws -> (RoutingOutcome<ChatCompletion>, RoutingDecision?) {
        calls.withLock { $0 = [] }
        let request = Self.request(content, model: model, extra: extra)
        var info = RequestInfo(requestID: "t", logger: Logger(label: "t"))
        info.decision = RoutingDecisionNote()
        let outcome = try await router.route(CompleteChat(request), model: request.model, table: table, deadline: clock.now.advanced(by: .seconds(60)), info: info)
        return (outcome, info.decision?.decision)
    }

    func sendStream(_ content: String) async throws -> (RoutingOutcome<PrimedStream>, RoutingDecision?) {
        calls.withLock { $0 = [] }
        let request = Self.request(content, stream: true)
        var info = RequestInfo(requestID: "s", logger: Logger(label: "t"))
        info.decision = RoutingDecisionNote()
        let outcome = try await router.route(StreamChat(request), model: "auto", table: table, deadline: clock.now.advanced(by: .seconds(60)), info: info)
        return (outcome, info.decision?.decision)
    }

    var records: [RequestRecord] { recorded.withLock { $0 } }
    var called: [String] { calls.withLock { $0 } }
}

extension RoutingOutcome<ChatCompletion> {
    /// The answer's content, for checking which route's answer the client got.
    var content: String? {
        guard case .answered(let answer) = self,
            let object = (try? JSONValue.parsingObject(answer.output.body.readableBytesView, keeping: ["choices"])) ?? nil
        else { return nil }
        return object["choices"]?.arrayValue?.first?.objectValue?["message"]?.objectValue?["content"]?.stringValue
    }
}
