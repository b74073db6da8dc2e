import LLMRouterConfig
import LLMRouterCore
import Testing

/// `LLMROUTER_CACHE` and YAML `cache.backend`: memory, sqlite:PATH or postgres.
struct CacheBackendSettingTests {
    @Test(arguments: ["postgres", "PostgreSQL", " postgres "])
    func postgresNamesTheSharedBackend(_ text: String) throws {
        let settings = try CacheSettingsParser.applyingEnvironment(["LLMROUTER_CACHE": text, "LLMROUTER_CACHE_TTL": "60"], to: ResponseCacheSettings())
        #expect(settings.backend == .postgres)
    }

    @Test func anUnknownBackendNamesTheVariableAndEveryChoice() {
        #expect {
            try CacheSettingsParser.applyingEnvironment(["LLMROUTER_CACHE": "redis"], to: ResponseCacheSettings())
        } throws: { error in
            guard let error = error as? CacheSettingsError else { return false }
            return error.field == "LLMROUTER_CACHE" && error.message.contains("memory, sqlite:PATH or postgres")
        }
    }

    @Test func theFileMayChoosePostgres() throws {
        let yaml = """
            providers:
              - {name: e, type: echo}
            cache:
              ttl_seconds: 60
              backend: postgres
            """
        let configuration = try ConfigurationLoader().parse(yaml: yaml, file: "router.yaml").configuration
        #expect(configuration.cache?.backend == .postgres)
    }
}
