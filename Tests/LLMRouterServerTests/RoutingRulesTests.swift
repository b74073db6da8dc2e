import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import Logging
@testable import LLMRouterServer
import NIOCore
import Testing

/// `routing.rules` over HTTP: the headers a rule reads, the headers that name what decided, and
/// a refusal in each API's own error shape.
struct RoutingRulesTests {
    static let yaml = """
        routing:
          model_map: {"claude-*": small}
          rules:
            - name: blocked
              when: {header: {x-block: "y*"}}
              then: {deny: "Blocked by policy."}
            - name: gpu-team
              when: {header: {X-Team: "gpu-*"}, endpoint: [chat, messages]}
              then: {prefer: ["tag:gpu"], policy: round_robin}
        providers:
          - {name: cpu, type: echo, model: small, priority: 1}
          - {name: gpu, type: echo, model: small, priority: 2, tags: [GPU]}
        """
    static let chat = #"{"model":"small","messages":[{"role":"user","content":"hello"}]}"#
    static let message = #"{"model":"claude-3-5-haiku-20241022","max_tokens":64,"messages":[{"role":"user","content":"hello"}]}"#

    @Test func aHeaderRuleDecidesAndTheAnswerSaysSo() async throws {
        let recorded = RecordingRecorder()
        let app = try TestApp(yaml: Self.yaml, recorder: recorded)
        try await app.test { client in
            let ruled = try await client.chat(Self.chat, headers: [.contentType: "application/json", HTTPField.Name("X-Team")!: "gpu-research"])
            #expect(ruled.status == .ok)
            #expect(ruled.headers[.provider] == "gpu")
            #expect(ruled.headers[.rule] == "gpu-team")
            #expect(ruled.headers[.policy] == "round_robin")

            let plain = try await client.chat(Self.chat, headers: [.contentType: "application/json", HTTPField.Name("X-Team")!: "web"])
            #expect(plain.headers[.provider] == "cpu")
            #expect(plain.headers[.rule] == nil)
            #expect(plain.headers[.policy] == "priority")
        }
        #expect(recorded.records.map(\.rule) == ["gpu-team", nil])
    }

    @Test func aDenialIsOpenAIErrorJSONOnChat() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let response = try await client.chat(Self.chat, headers: [.contentType: "application/json", HTTPField.Name("X-Block")!: "yes"])
            #expect(response.status == .forbidden)
            #expect(response.headers[.rule] == "blocked")
            let error = try response.openAIError()
            #expect(error["message"] as? String == "Blocked by policy.")
            #expect(error["type"] as? String == "permission_error")
            #expect(error["code"] as? String == "denied_by_rule")
        }
    }

    @Test func aDenialIsAnAnthropicErrorOnMessages() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let response = try await client.execute(
                uri: "/v1/messages", method: .post, headers: [.contentType: "application/json", HTTPField.Name("x-block")!: "Yes please"],
                body: ByteBuffer(string: Self.message)
            )
            #expect(response.status == .forbidden)
            #expect(response.headers[.rule] == "blocked")
            let error = try response.anthropicError()
            #expect(error["type"] as? String == "permission_error")
            #expect(error["message"] as? String == "Blocked by policy.")
        }
    }

    @Test func messagesFollowTheRuleToo() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let response = try await client.execute(
                uri: "/v1/messages", method: .post, headers: [.contentType: "application/json", HTTPField.Name("x-team")!: "gpu-1"],
                body: ByteBuffer(string: Self.message)
            )
            #expect(response.status == .ok)
            #expect(response.headers[.provider] == "gpu")
            #expect(response.headers[.rule] == "gpu-team")
        }
    }

    @Test func withoutRulesNoNoteIsAllocatedAndThePolicyIsKnownAtOnce() throws {
        var routing = RoutingConfiguration(policy: .headroom, modelPolicies: ["small": .leastLatency])
        let plainTable = RoutingTable(routes: [], routing: routing)
        var info = RequestInfo(requestID: "t", logger: Logger(label: "t"))
        LLMRouterServer.RequestBody.prepareDecision(&info, table: plainTable, served: "small", headers: [HTTPField.Name("X-Team")!: "a"])
        #expect(info.decision == nil && info.headers.isEmpty)
        #expect(info.routingDecision == RoutingDecision(rule: nil, policy: .leastLatency))

        routing.rules = [RoutingRule(name: "r", then: RuleDecision(rule: "", policy: .weighted))]
        let fields: HTTPFields = [HTTPField.Name("X-Team")!: "a", HTTPField.Name("X-Other")!: "b"]
        var ruled = RequestInfo(requestID: "t", logger: Logger(label: "t"))
        LLMRouterServer.RequestBody.prepareDecision(&ruled, table: RoutingTable(routes: [], routing: routing), served: "small", headers: fields)
        #expect(ruled.decision != nil && ruled.headers.isEmpty, "no rule reads a header: none is collected")

        routing.rules.append(RoutingRule(name: "team", when: RuleConditions(headers: [HeaderCondition(name: "X-Team", value: GlobPattern("a"))]), then: RuleDecision(rule: "")))
        var read = RequestInfo(requestID: "t", logger: Logger(label: "t"))
        LLMRouterServer.RequestBody.prepareDecision(&read, table: RoutingTable(routes: [], routing: routing), served: "small", headers: fields)
        #expect(read.headers == ["x-team": "a"], "only what the rules read")

        var coded = RequestInfo(requestID: "t", logger: Logger(label: "t"))
        let withCode = RoutingTable(routes: [], routing: routing, rules: [AnyHeaderRule()])
        #expect(withCode.ruleHeaderNames == nil)
        LLMRouterServer.RequestBody.prepareDecision(&coded, table: withCode, served: "small", headers: fields)
        #expect(coded.headers == ["x-team": "a", "x-other": "b"], "a code rule may read any")
    }

    /// A code rule, which may read any header.
    struct AnyHeaderRule: RequestRule {
        var name: String { "any-header" }
        func decide(_ facts: RequestFacts) -> RuleDecision? { nil }
    }

    @Test func credentialsNeverReachRules() {
        let fields: HTTPFields = [.authorization: "Bearer sk-secret", HTTPField.Name("x-api-key")!: "secret", HTTPField.Name("X-Team")!: "a", HTTPField.Name("x-team")!: "b"]
        let headers = LLMRouterServer.RequestBody.ruleHeaders(fields)
        #expect(headers == ["x-team": "a,b"])
        // Not even to a rule that names them.
        #expect(LLMRouterServer.RequestBody.ruleHeaders(fields, only: ["authorization", "x-api-key", "x-team"]) == ["x-team": "a,b"])
    }
}

extension HTTPField.Name {
    static let rule = Self("X-LLMRouter-Rule")!
    static let policy = Self("X-LLMRouter-Policy")!
}
