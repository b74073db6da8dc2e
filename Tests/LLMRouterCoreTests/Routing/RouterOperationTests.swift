import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore
import Testing

struct RouterOperationTests {
    static let badArguments = #"{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Par"}}]},"finish_reason":"tool_calls"}]}"#
    static let goodArguments = #"{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},"finish_reason":"tool_calls"}]}"#

    static func table() -> RoutingTable {
        func route(_ name: String, priority: Int, body: String) -> Route {
            let provider = ClosureProvider(
                complete: { _, _ in ChatCompletion(body: ByteBuffer(string: body)) },
                stream: { _, _ in throw UpstreamFailure(kind: .badResponse, message: "not streamed here") }
            )
            return Route(configuration: ProviderConfiguration(name: name, kind: .openai, priority: priority, model: "m"), provider: provider)
        }
        return RoutingTable(routes: [route("truncates", priority: 1, body: badArguments), route("whole", priority: 2, body: goodArguments)])
    }

    static func route(_ operation: CompleteChat) async throws -> RoutingOutcome<ChatCompletion> {
        let clock = MockClock()
        let table = table()
        let router = RequestRouter(state: ProviderState(routes: table.specs, clock: clock), clock: clock)
        return try await router.route(operation, model: "m", table: table, deadline: clock.now.advanced(by: .seconds(60)), info: RequestInfo(requestID: "t", logger: Logger(label: "t")))
    }

    static let request: ChatRequest = {
        do { return try ChatRequest(json: Array(#"{"model":"m","messages":[{"role":"user","content":"weather?"}]}"#.utf8)) } catch { fatalError("test request must parse") }
    }()

    @Test func unparsableToolArgumentsFailOverWhenTheAnswerIsTranslated() async throws {
        let outcome = try await Self.route(CompleteChat(Self.request, checksToolArguments: true))
        guard case .answered(let answer) = outcome else {
            Issue.record("expected an answer, got \(outcome)")
            return
        }
        #expect(answer.provider == "whole")
        let first = try #require(answer.attempts.first)
        #expect(first.outcomeLabel == "bad_response")
        #expect(first.summary.contains("get_weather"))
    }

    @Test func thePassThroughDoesNotReadTheAnswer() async throws {
        let outcome = try await Self.route(CompleteChat(Self.request))
        guard case .answered(let answer) = outcome else {
            Issue.record("expected an answer")
            return
        }
        #expect(answer.provider == "truncates")
    }

    @Test func embeddingsNeverReachAChatRoute() async throws {
        let outcome = try await {
            let clock = MockClock()
            let table = Self.table()
            let router = RequestRouter(state: ProviderState(routes: table.specs, clock: clock), clock: clock)
            let request = try EmbeddingsRequest(json: Array(#"{"model":"m","input":"hi"}"#.utf8))
            return try await router.route(Embed(request), model: "m", table: table, deadline: clock.now.advanced(by: .seconds(60)), info: RequestInfo(requestID: "t", logger: Logger(label: "t")))
        }()
        guard case .wrongKind(let model, let kind) = outcome else {
            Issue.record("expected wrongKind, got \(outcome)")
            return
        }
        #expect(model == "m")
        #expect(kind == .chat)
        #expect(outcome.failure(model: "m", deadline: .seconds(1))?.status == 400)
    }
}
