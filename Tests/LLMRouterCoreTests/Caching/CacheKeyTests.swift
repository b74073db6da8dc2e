import LLMRouterCore
import Testing

struct CacheKeyTests {
    static func fields(_ json: String) throws -> [String: JSONValue] {
        try #require(try JSONValue(parsing: Array(json.utf8)).objectValue)
    }

    static func key(_ json: String, keyName: String? = nil, endpoint: String = "chat", model: String = "m") throws -> CacheKey {
        CacheKey(keyName: keyName, endpoint: endpoint, model: model, fields: try fields(json))
    }

    @Test func memberOrderAndNumberFormsDoNotMatter() throws {
        let first = try Self.key(#"{"temperature":0,"messages":[{"role":"user","content":"hi"}],"max_tokens":10}"#)
        let second = try Self.key(#"{"max_tokens":1e1,"messages":[{"content":"hi","role":"user"}],"temperature":0.0}"#)
        #expect(first == second)
    }

    @Test func deliveryUserAndModelNameAreLeftOut() throws {
        let plain = try Self.key(#"{"model":"alias","messages":[{"role":"user","content":"hi"}]}"#)
        let streamed = try Self.key(#"{"model":"other","stream":true,"stream_options":{"include_usage":true},"user":"u1","messages":[{"role":"user","content":"hi"}]}"#)
        #expect(plain == streamed)
    }

    @Test func everythingThatChangesTheAnswerIsIn() throws {
        let base = #"{"messages":[{"role":"user","content":"hi"}]"#
        let variants = [
            base + "}",
            base + #","temperature":0}"#,
            base + #","top_p":0.5}"#,
            base + #","seed":1}"#,
            base + #","stop":["x"]}"#,
            base + #","max_tokens":5}"#,
            base + #","tools":[{"type":"function","function":{"name":"f"}}]}"#,
            base + #","tool_choice":"none"}"#,
            base + #","response_format":{"type":"json_object"}}"#,
        ]
        let keys = try Set(variants.map { try Self.key($0) })
        #expect(keys.count == variants.count)
    }

    @Test func tenantsEndpointsAndModelsAreApart() throws {
        let body = #"{"messages":[{"role":"user","content":"hi"}]}"#
        let keys = try [
            Self.key(body), Self.key(body, keyName: "team-a"), Self.key(body, keyName: "team-b"),
            Self.key(body, endpoint: "messages"), Self.key(body, model: "other"),
        ]
        #expect(Set(keys).count == keys.count)
    }

    @Test func deterministicRequestsAreTemperatureZeroOrSeeded() throws {
        func request(_ json: String) throws -> CacheRequest { CacheRequest(chat: try ChatRequest(json: Array(json.utf8))) }
        let messages = #""messages":[{"role":"user","content":"hi"}]"#
        #expect(try request("{\(messages),\"temperature\":0}").isDeterministic)
        #expect(try request("{\(messages),\"temperature\":0.0}").isDeterministic)
        #expect(try request("{\(messages),\"seed\":42,\"temperature\":0.9}").isDeterministic)
        #expect(try !request("{\(messages),\"temperature\":0.7}").isDeterministic)
        #expect(try !request("{\(messages)}").isDeterministic)
    }

    @Test func directivesReadTheHeaders() {
        let directives = CacheDirectives(cacheControl: "no-cache, max-age=30", routerCache: nil, semanticCache: "off", semanticThreshold: "0.99")
        #expect(directives.noCache)
        #expect(!directives.noStore)
        #expect(directives.maxAge == .seconds(30))
        #expect(directives.semanticOff)
        #expect(directives.semanticThreshold == 0.99)
        #expect(CacheDirectives(cacheControl: "no-store", routerCache: "off", semanticCache: nil, semanticThreshold: nil).off)
    }
}
