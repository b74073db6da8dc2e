import LLMRouterCore
import LLMRouterConfig
import Testing

struct ModelMapTests {
    @Test func globsMatchWholeNamesCaseInsensitively() {
        let haiku = ModelMapping(pattern: "claude-*haiku*", target: "small")
        #expect(haiku.matches("claude-3-5-haiku-20241022"))
        #expect(haiku.matches("CLAUDE-haiku-4-5"))
        #expect(!haiku.matches("claude-sonnet-4-5-20250929"))
        #expect(!haiku.matches("my-claude-haiku"), "anchored at the start")
        #expect(ModelMapping(pattern: "gpt-?o", target: "x").matches("gpt-4o"))
        #expect(!ModelMapping(pattern: "gpt-?o", target: "x").matches("gpt-40o"))
        #expect(ModelMapping(pattern: "*", target: "x").matches(""))
        #expect(ModelMapping(pattern: "a*b*c", target: "x").matches("aXXbYYc"))
        #expect(!ModelMapping(pattern: "a*b*c", target: "x").matches("aXXbYY"))
    }

    @Test func theFirstMatchInFileOrderWins() throws {
        let yaml = """
            routing:
              model_map:
                "claude-*haiku*": llama-3.1-8b
                "claude-*": auto
            providers:
              - {name: e, type: echo}
            """
        let routing = try ConfigurationLoader().parse(yaml: yaml, file: "t.yaml").configuration.routing
        #expect(routing.modelMap == [ModelMapping(pattern: "claude-*haiku*", target: "llama-3.1-8b"), ModelMapping(pattern: "claude-*", target: "auto")])
        #expect(routing.mappedModel("claude-3-5-haiku-latest") == "llama-3.1-8b")
        #expect(routing.mappedModel("claude-sonnet-4-5-20250929") == "auto")
        #expect(routing.mappedModel("llama-3.3-70b") == "llama-3.3-70b")
        #expect(routing.mappedModel(nil) == nil)
    }

    @Test func badEntriesNameTheirField() {
        let yaml = """
            routing:
              model_map: {"claude-*": ""}
            providers:
              - {name: e, type: echo}
            """
        #expect {
            try ConfigurationLoader().parse(yaml: yaml, file: "t.yaml")
        } throws: { error in
            (error as? ConfigurationError)?.field == "routing.model_map.claude-*"
        }
    }

    @Test func routeKindsAreRead() throws {
        let yaml = """
            providers:
              - {name: e, type: echo, kind: embeddings, model: emb}
              - {name: c, type: echo}
            """
        let providers = try ConfigurationLoader().parse(yaml: yaml, file: "t.yaml").configuration.providers
        #expect(providers.map(\.routeKind) == [.embeddings, .chat])
        #expect {
            try ConfigurationLoader().parse(yaml: "providers: [{name: e, type: echo, kind: images}]", file: "t.yaml")
        } throws: { error in
            (error as? ConfigurationError)?.field == "kind"
        }
    }
}

struct ModelMapVariableTests {
    @Test func pairsAreReadInOrder() throws {
        let mappings = try ModelMapVariable.parse(" claude-*haiku* = llama-3.1-8b , claude-*=auto ")
        #expect(mappings == [ModelMapping(pattern: "claude-*haiku*", target: "llama-3.1-8b"), ModelMapping(pattern: "claude-*", target: "auto")])
    }

    @Test func aBadEntryNamesTheVariableAndTheEntry() {
        #expect {
            try ModelMapVariable.parse("claude-*=small,oops")
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.file == "LLMROUTER_MODEL_MAP" && error?.message.contains("'oops'") == true
        }
    }

    @Test func theFilesOwnMappingsComeFirst() throws {
        var configuration = RouterConfiguration(providers: [ProviderConfiguration(name: "e", kind: .echo)])
        configuration.routing.modelMap = [ModelMapping(pattern: "claude-*", target: "from-file")]
        let applied = try ModelMapVariable.applying(["LLMROUTER_MODEL_MAP": "claude-*=from-env,gpt-*=auto"], to: configuration)
        #expect(applied.routing.mappedModel("claude-x") == "from-file")
        #expect(applied.routing.mappedModel("gpt-4o") == "auto")
        #expect(try ModelMapVariable.applying([:], to: configuration) == configuration)
    }
}
