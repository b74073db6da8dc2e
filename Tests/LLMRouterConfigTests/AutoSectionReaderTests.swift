import LLMRouterConfig
import LLMRouterCore
import Testing

/// `routing.auto:` in YAML, and errors that name the field.
struct AutoSectionReaderTests {
    static func parse(_ auto: String) throws -> AutoSettings {
        let yaml = "routing:\n  auto:\(auto)\nproviders:\n  - {name: e, type: echo}\n"
        return try ConfigurationLoader().parse(yaml: yaml, file: "router.yaml").configuration.routing.auto
    }

    static func failure(_ auto: String) -> ConfigurationError? {
        do {
            _ = try parse(auto)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func everyTierAndSetting() throws {
        let auto = try Self.parse("""

                simple: [llama-3.1-8b, gemini-2.5-flash-lite]
                code: kimi-k2
                reasoning: [gpt-oss-120b]
                long_context: [llama-4-scout]
                default: [llama-3.3-70b, llama-3.3-70b]
                cascade: true
                long_context_tokens: 20000
            """)
        #expect(auto.isEnabled)
        #expect(auto.models == [
            .simple: ["llama-3.1-8b", "gemini-2.5-flash-lite"], .code: ["kimi-k2"], .reasoning: ["gpt-oss-120b"],
            .longContext: ["llama-4-scout"], .default: ["llama-3.3-70b"],
        ])
        #expect(auto.cascade)
        #expect(auto.longContextTokens == 20000)
    }

    @Test func leftOutItIsOnWithDerivedListsAndNoCascade() throws {
        let configuration = try ConfigurationLoader().parse(yaml: "providers:\n  - {name: e, type: echo}\n", file: "router.yaml").configuration
        #expect(configuration.routing.auto == AutoSettings())
        #expect(configuration.routing.auto.isEnabled && !configuration.routing.auto.cascade && configuration.routing.auto.models.isEmpty)
        #expect(try Self.parse(" {cascade: true}") == AutoSettings(cascade: true))
    }

    @Test func falseTurnsItOff() throws {
        #expect(try Self.parse(" false") == AutoSettings(isEnabled: false))
    }

    @Test(arguments: [
        (" [kimi-k2]", "routing.auto", "must be a mapping"),
        (" {reasonning: [x]}", "routing.auto.reasonning", "unknown key; expected one of simple, code, reasoning, long_context, default, cascade, long_context_tokens"),
        (" {code: []}", "routing.auto.code", "must name at least one model"),
        (" {code: [kimi-k2, {a: b}]}", "routing.auto.code[1]", "must be a model name"),
        (" {code: [\"\"]}", "routing.auto.code[0]", "must be a model name"),
        (" {simple: [auto]}", "routing.auto.simple[0]", "'auto' cannot be one of auto's models"),
        (" {code: {a: b}}", "routing.auto.code", "must be a list of strings"),
        (" {cascade: maybe}", "routing.auto.cascade", "must be true or false"),
        (" {long_context_tokens: 0}", "routing.auto.long_context_tokens", "must be a whole number of tokens > 0"),
        (" {long_context_tokens: 16k}", "routing.auto.long_context_tokens", "must be a whole number of tokens > 0"),
    ])
    func errorsNameTheField(_ auto: String, _ field: String, _ message: String) throws {
        let error = try #require(Self.failure(auto))
        #expect(error.file == "router.yaml")
        #expect(error.field == field)
        #expect(error.message.contains(message), "\(error.message)")
    }
}
