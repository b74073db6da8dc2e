import LLMRouterConfig
import LLMRouterCore
import Testing

/// `database:` in the providers YAML and `LLMROUTER_DATABASE_URL`: which wins, `${VAR}` filled
/// in, and the password never shown.
struct DatabaseConfigTests {
    static let password = "s3cret-pw-never-shown"

    static func load(_ database: String) throws -> Loaded {
        try ConfigurationLoader().parse(yaml: "database: \(database)\nproviders:\n  - {name: e, type: echo}\n", file: "router.yaml")
    }

    typealias Loaded = ConfigurationLoader.Loaded

    @Test func readsTheAddressWithoutWarningAndShowsItMasked() throws {
        let loaded = try Self.load("postgres://router:\(Self.password)@db:5432/llmrouter")
        #expect(loaded.warnings.isEmpty, "database is a known key")
        let setting = try #require(loaded.configuration.database)
        #expect(setting.text == "postgres://router:\(Self.password)@db:5432/llmrouter")
        #expect(setting.file == "router.yaml")
        #expect("\(setting)" == "postgres://router:***@db:5432/llmrouter")
        #expect(!"\(loaded.configuration)".contains(Self.password))
        #expect(!String(reflecting: loaded.configuration).contains(Self.password))
    }

    @Test func noDatabaseByDefaultOrWhenEmpty() throws {
        #expect(try ConfigurationLoader().parse(yaml: "providers:\n  - {name: e, type: echo}\n", file: "f").configuration.database == nil)
        #expect(try Self.load("\"\"").configuration.database == nil)
        #expect(try Self.load("null").configuration.database == nil)
    }

    @Test(arguments: ["{url: postgres://u:pw@db/x}", "[postgres://u:pw@db/x]"])
    func refusesAnythingButAStringNamingTheFieldNotTheValue(_ value: String) {
        #expect {
            _ = try Self.load(value)
        } throws: { error in
            "\(error)".contains("router.yaml") && "\(error)".contains("'database'") && !"\(error)".contains("pw")
        }
    }

    @Test func masksOnlyThePassword() {
        #expect(DatabaseSetting.masked("postgres://router@db/x") == "postgres://router@db/x")
        #expect(DatabaseSetting.masked("postgres://u:p@ss@db:5432/x?sslmode=require") == "postgres://u:***@db:5432/x?sslmode=require")
        #expect(DatabaseSetting.masked("postgres://db/x") == "postgres://db/x")
        #expect(DatabaseSetting.masked("not a url") == "not a url")
    }

    @Test func theVariableWinsOverTheFile() throws {
        let file = DatabaseSetting(text: "postgres://file@db/x", file: "router.yaml")
        let fromVariable = try #require(try DatabaseAddress.resolve(configured: file, environment: ["LLMROUTER_DATABASE_URL": "postgres://env@db/x"]))
        #expect(fromVariable.text == "postgres://env@db/x")
        #expect(fromVariable.source == "LLMROUTER_DATABASE_URL")
        #expect(fromVariable.overriddenFile == "router.yaml")
        // Set but empty: as if unset.
        let fromFile = try #require(try DatabaseAddress.resolve(configured: file, environment: ["LLMROUTER_DATABASE_URL": ""]))
        #expect(fromFile.text == "postgres://file@db/x")
        #expect(fromFile.source == "router.yaml: database")
        #expect(fromFile.overriddenFile == nil)
        #expect(try DatabaseAddress.resolve(configured: nil, environment: [:]) == nil)
    }

    @Test func fillsInVariablesSoThePasswordNeedNotBeInTheFile() throws {
        let file = DatabaseSetting(text: "postgres://router:${PGPASSWORD}@${DB_HOST}:5432/llmrouter", file: "router.yaml")
        let address = try #require(try DatabaseAddress.resolve(configured: file, environment: ["PGPASSWORD": Self.password, "DB_HOST": "db"]))
        #expect(address.text == "postgres://router:\(Self.password)@db:5432/llmrouter")
        #expect(!"\(file)".contains(Self.password))
    }

    @Test(arguments: [
        ("postgres://router:${PGPASSWORD}@db/x", "names ${PGPASSWORD}, which is not set"),
        ("postgres://router:${PGPASSWORD@db/x", "not closed"),
        ("postgres://router:${}@db/x", "must name an environment variable"),
        ("postgres://router:${PG PASSWORD}@db/x", "must name an environment variable"),
    ])
    func aBadVariableIsNamedWithTheFile(_ text: String, message: String) {
        #expect {
            _ = try DatabaseAddress.resolve(configured: DatabaseSetting(text: text, file: "router.yaml"), environment: ["OTHER": Self.password])
        } throws: { error in
            let text = "\(error)"
            return text.contains("router.yaml") && text.contains("'database'") && text.contains(message) && !text.contains(Self.password)
        }
    }
}
