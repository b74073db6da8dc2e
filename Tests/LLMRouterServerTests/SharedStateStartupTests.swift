import LLMRouterConfig
import LLMRouterCore
import Logging
import Testing

@testable import LLMRouterServer

/// `LLMROUTER_DATABASE_URL` (or `database:`) at startup: off without it, a clear error naming it when malformed.
struct SharedStateStartupTests {
    let state = ProviderState(routes: [RouteSpec(name: "a")], clock: ContinuousClock())

    @Test func offWithoutTheVariable() throws {
        #expect(try SharedStateStartup.open(environment: [:], state: state, logger: Logger(label: "t")) == nil)
        #expect(try SharedStateStartup.open(environment: ["LLMROUTER_DATABASE_URL": ""], state: state, logger: Logger(label: "t")) == nil)
    }

    @Test func aMalformedAddressStopsStartupNamingTheVariableNotThePassword() throws {
        do {
            _ = try SharedStateStartup.open(environment: ["LLMROUTER_DATABASE_URL": "mysql://u:hunter2-secret@db/x"], state: state, logger: Logger(label: "t"))
            Issue.record("a mysql:// address must be refused")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.file == "LLMROUTER_DATABASE_URL")
            #expect(error.description.contains("postgres://"))
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func theFilesDatabaseTurnsItOnAndAMalformedOneNamesTheFile() throws {
        let good = DatabaseSetting(text: "postgres://u:${PW}@127.0.0.1:1/x", file: "router.yaml")
        #expect(try SharedStateStartup.open(environment: ["PW": "pw"], configured: good, state: state, logger: Logger(label: "t")) != nil)
        do {
            let bad = DatabaseSetting(text: "mysql://u:hunter2-secret@db/x", file: "router.yaml")
            _ = try SharedStateStartup.open(environment: [:], configured: bad, state: state, logger: Logger(label: "t"))
            Issue.record("a mysql:// address must be refused")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.description.hasPrefix("router.yaml: database: "))
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func onWithAnAddressEvenBeforeTheDatabaseAnswers() throws {
        // Built, not run: nothing is tried before the server runs it, so an absent database is no error.
        #expect(try SharedStateStartup.open(environment: ["LLMROUTER_DATABASE_URL": "postgres://u:pw@127.0.0.1:1/x"], state: state, logger: Logger(label: "t")) != nil)
    }

    /// `llmrouter stats` and `keys` read `database:` from the file the server loads by default.
    @Test func theCommandsLookForTheProvidersFileWhereTheServerDoes() {
        #expect(ServerSettings().configPath == DatabaseAddress.ProvidersFile.defaultPath)
    }
}
