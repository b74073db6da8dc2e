import LLMRouterConfig
import LLMRouterCore
import Testing

/// `LLMROUTER_KEYS`: where `llmrouter keys` and the server keep the keys.
struct AccessKeyStorageTests {
    @Test(arguments: [
        ([:], AccessKeyStorage.file), (["LLMROUTER_KEYS": ""], .file), (["LLMROUTER_KEYS": "file"], .file),
        (["LLMROUTER_KEYS": "postgres"], .postgres), (["LLMROUTER_KEYS": " Postgres "], .postgres),
    ])
    func theKeysFileIsTheDefault(_ environment: [String: String], _ expected: AccessKeyStorage) throws {
        #expect(try AccessKeyStorage.chosen(by: environment) == expected)
    }

    @Test func anythingElseIsRefusedNamingTheVariable() {
        #expect(
            throws: AccessKeysError(
                source: "LLMROUTER_KEYS",
                message: "must be 'file' (the keys file, the default) or 'postgres' (the keys table of LLMROUTER_DATABASE_URL), got \"redis\""
            )
        ) {
            try AccessKeyStorage.chosen(by: ["LLMROUTER_KEYS": "redis"])
        }
    }
}
