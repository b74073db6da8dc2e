import Foundation
import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore

/// A Core router over scripted streaming routes (on a mock clock) that keeps the requests each
/// route got, for the mid-stream continuation tests.
final class ContinuationHarness: Sendable {
    /// One route: the chunks it streams, and whether it then breaks or ends.
    struct Script: Sendable {
        var chunks: [String]
        var breaks = false
        /// Thrown before any chunk: the route refuses the call.
        var refuses = false
        var prefill: AssistantPrefill = .unsupported
    }

    let clock = MockClock()
    let state: ProviderState<MockClock>
    let router: RequestRouter<ProviderState<MockClock>, MockClock>
    let table: RoutingTable
    let recorded = Locked<[RequestRecord]>([])
    let requests = Locked<[String: [ChatRequest]]>([:])

    init(_ routes: [(name: String, script: Script)], failover: StreamFailover = .continue) {
        let requests = self.requests
        var built: [Route] = []
        for (position, route) in routes.enumerated() {
            let configuration = ProviderConfiguration(name: route.name, kind: .openrouter, priority: position + 1, model: "m-\(route.name)", canonicalModel: "m")
            let (name, script) = (route.name, route.script)
            var provider = ClosureProvider(
                complete: { _, _ in throw UpstreamFailure(kind: .clientError, message: "streams only", status: 400) },
                stream: { request, _ in
                    requests.withLock { $0[name, default: []].append(request) }
                    if script.refuses { throw UpstreamFailure(kind: .serverError, message: "overloaded", status: 503) }
                    var results: [Result<ByteBuffer, UpstreamFailure>] = script.chunks.map { .success(ByteBuffer(string: $0)) }
                    if script.breaks { results.append(.failure(UpstreamFailure(kind: .connection, message: "stream ended before [DONE]"))) }
                    return ChatEventStream(ScriptedChunks(results: results))
                }
            )
            provider.assistantPrefill = script.prefill
            built.append(Route(configuration: configuration, provider: provider, defaultAPIKeyVariable: "KEY_\(name)"))
        }
        var routing = RoutingConfiguration(maxWait: .zero)
        routing.streamFailover = failover
        table = RoutingTable(routes: built, routing: routing)
        state = ProviderState(routes: table.specs, clock: clock, wallClockAtStart: .init(timeIntervalSince1970: 1_750_000_000), jitter: { 0 })
        let recorded = self.recorded
        router = RequestRouter(state: state, clock: clock, recorder: ClosureRecorder { record in recorded.withLock { $0.append(record) } })
    }

    static let request: ChatRequest = {
        let body = #"{"model":"m","stream":true,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"say hello"}]}"#
        do { return try ChatRequest(json: Array(body.utf8)) } catch { fatalError("test request must parse") }
    }()

    func requests(_ name: String) -> [ChatRequest] { requests.withLock { $0[name] ?? [] } }

    /// Routes the request and reads its whole stream: the events, and the failure it ended with.
    func run(deadline: Duration = .seconds(120), beforeReading: () -> Void = {}) async throws -> Transcript {
        let outcome = try await router.route(
            StreamChat(Self.request), model: "m", table: table, deadline: clock.now.advanced(by: deadline),
            info: RequestInfo(requestID: "continue", logger: Logger(label: "test"))
        )
        guard case .answered(let answer) = outcome else { throw ContinuationTestError("not answered: \(outcome)") }
        beforeReading()
        var transcript = Transcript(provider: answer.provider, events: [.chunk(answer.output.first)])
        do {
            while let event = try await answer.output.nextEvent() { transcript.events.append(event) }
        } catch let failure as UpstreamFailure {
            transcript.failure = failure
        }
        return transcript
    }

    /// What the client of one stream got.
    struct Transcript {
        var provider: String
        var events: [PrimedStream.Event]
        var failure: UpstreamFailure?

        var chunks: [JSONValue] {
            events.compactMap { event in
                guard case .chunk(let buffer) = event else { return nil }
                return try? JSONValue(parsing: buffer.readableBytesView)
            }
        }

        var handovers: [StreamHandover] {
            events.compactMap { event in
                if case .continued(let handover) = event { return handover }
                return nil
            }
        }

        var text: String {
            chunks.compactMap { $0.objectValue?["choices"]?.arrayValue?.first?.objectValue?["delta"]?.objectValue?["content"]?.stringValue }.joined()
        }
    }
}

/// A chunk of an upstream stream: `content`, a role on the first, a `finish_reason` on the last.
enum Chunk {
    static func text(_ content: String, id: String, role: Bool = false, created: Int = 100) -> String {
        let roleMember = role ? #""role":"assistant","# : ""
        return #"{"id":"\#(id)","object":"chat.completion.chunk","created":\#(created),"model":"model-\#(id)","choices":[{"index":0,"delta":{\#(roleMember)"content":"\#(content)"},"finish_reason":null}]}"#
    }

    static func finish(id: String, created: Int = 100) -> String {
        #"{"id":"\#(id)","object":"chat.completion.chunk","created":\#(created),"model":"model-\#(id)","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#
    }

    static func toolCall(id: String) -> String {
        #"{"id":"\#(id)","object":"chat.completion.chunk","created":100,"model":"model-\#(id)","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\""}}]},"finish_reason":null}]}"#
    }
}

struct ContinuationTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension JSONValue {
    /// The member `key` of an object, for terse assertions.
    subscript(member key: String) -> JSONValue? { objectValue?[key] }
}
