import Foundation
import LLMRouterConfig
import LLMRouterCore
import Testing

/// The database `llmrouter stats` and `llmrouter keys` use: `--database-url`, else
/// `LLMROUTER_DATABASE_URL`, else `database:` of the providers file the server loads
/// (`LLMROUTER_CONFIG`, else `config/providers.yaml`); offline, on files in a scratch folder.
struct DatabaseAddressOrderTests {
    static let password = "s3cret-pw-never-shown"
    static let echo = "providers:\n  - {name: e, type: echo}\n"

    /// A scratch folder holding `router.yaml` with `text`, removed by `body`'s end.
    static func withFile(_ text: String? = nil, bytes: [UInt8]? = nil, _ body: (DatabaseAddress.ProvidersFile) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("router.yaml").path
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        if let bytes { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
        try body(DatabaseAddress.ProvidersFile(path: path, isNamed: true))
    }

    static func database(_ address: String) -> String { "database: \"\(address)\"\n" + echo }

    @Test func theProvidersFileIsTheOneTheVariableNamesElseTheServersDefault() {
        #expect(DatabaseAddress.ProvidersFile(environment: ["LLMROUTER_CONFIG": "/etc/router.yaml"]) == .init(path: "/etc/router.yaml", isNamed: true))
        #expect(DatabaseAddress.ProvidersFile(environment: ["LLMROUTER_CONFIG": ""]) == .init(path: "config/providers.yaml", isNamed: false))
        #expect(DatabaseAddress.ProvidersFile(environment: [:]).path == DatabaseAddress.ProvidersFile.defaultPath)
    }

    @Test func theOptionWinsOverTheVariableAndTheFileWhichIsThenNotRead() throws {
        // A file that cannot be read: the option never gets to it.
        try Self.withFile(bytes: [0xFF, 0xFE, 0x00]) { file in
            let address = try #require(
                try DatabaseAddress.resolve(
                    explicit: .init(text: "postgres://cli@db/x", option: "--database-url"),
                    environment: ["LLMROUTER_DATABASE_URL": "postgres://env@db/x"], file: file
                )
            )
            #expect(address.text == "postgres://cli@db/x")
            #expect(address.source == "--database-url")
        }
    }

    @Test func theVariableWinsOverTheFileAndSaysWhichFileItOverrode() throws {
        try Self.withFile(Self.database("postgres://file@db/x")) { file in
            let address = try #require(try DatabaseAddress.resolve(explicit: nil, environment: ["LLMROUTER_DATABASE_URL": "postgres://env@db/x"], file: file))
            #expect(address.text == "postgres://env@db/x")
            #expect(address.source == "LLMROUTER_DATABASE_URL")
            #expect(address.overriddenFile == file.path)
        }
        // The file is what the variable overrides, not something it needs: a broken one is no error.
        try Self.withFile("database: postgres://file@db/x\nproviders: []\n") { file in
            let address = try DatabaseAddress.resolve(explicit: nil, environment: ["LLMROUTER_DATABASE_URL": "postgres://env@db/x"], file: file)
            #expect(address?.source == "LLMROUTER_DATABASE_URL")
            #expect(address?.overriddenFile == nil)
        }
    }

    @Test func withoutOptionOrVariableTheFilesDatabaseWithItsVariablesFilledIn() throws {
        try Self.withFile(Self.database("postgres://router:${PGPASSWORD}@db:5432/llmrouter")) { file in
            let environment = ["PGPASSWORD": Self.password, "LLMROUTER_DATABASE_URL": ""]
            let address = try #require(try DatabaseAddress.resolve(explicit: nil, environment: environment, file: file))
            #expect(address.text == "postgres://router:\(Self.password)@db:5432/llmrouter")
            #expect(address.source == "\(file.path): database")
            #expect(address.overriddenFile == nil)
        }
    }

    @Test func theSameAddressAsTheServerGetsFromTheFileItLoaded() throws {
        try Self.withFile(Self.database("postgres://router:${PGPASSWORD}@db/x")) { file in
            for environment in [["PGPASSWORD": Self.password], ["PGPASSWORD": Self.password, "LLMROUTER_DATABASE_URL": "postgres://env@db/x"]] {
                let server = try DatabaseAddress.resolve(configured: ConfigurationLoader().load(path: file.path).configuration.database, environment: environment)
                let command = try DatabaseAddress.resolve(explicit: nil, environment: environment, file: file)
                #expect(command?.text == server?.text)
                #expect(command?.source == server?.source)
                #expect(command?.overriddenFile == server?.overriddenFile)
            }
        }
    }

    @Test func noneWhenNothingNamesOneAndTheReasonSaysWhy() throws {
        try Self.withFile(Self.echo) { file in
            let address = try DatabaseAddress.resolve(explicit: nil, environment: [:], file: file)
            #expect(address == nil)
            #expect(DatabaseAddress.noneNamed(file: file) == "LLMROUTER_DATABASE_URL is unset and \(file.path) (LLMROUTER_CONFIG) has no database:")
        }
        // A missing file is no error, as for the server (it then serves the catalog, with no database:).
        let missing = DatabaseAddress.ProvidersFile(environment: ["LLMROUTER_CONFIG": "/nonexistent/llmrouter/router.yaml"])
        #expect(try DatabaseAddress.resolve(explicit: nil, environment: [:], file: missing) == nil)
        #expect(DatabaseAddress.noneNamed(file: missing) == "LLMROUTER_DATABASE_URL is unset and /nonexistent/llmrouter/router.yaml (LLMROUTER_CONFIG) does not exist")
        let byDefault = DatabaseAddress.ProvidersFile(path: "/nonexistent/config/providers.yaml", isNamed: false)
        #expect(DatabaseAddress.noneNamed(file: byDefault).hasSuffix("/nonexistent/config/providers.yaml (the default providers file) does not exist"))
    }

    @Test(arguments: [
        ([UInt8]([0x64, 0x3A, 0x20, 0xFF, 0xFE]), "cannot read the file as UTF-8 text"),
        (Array("database: [\n".utf8), "malformed YAML"),
        (Array("database: postgres://u@db/x\n".utf8), "field 'providers': missing"),
    ])
    func aFileThatCannotBeReadIsNamedWithTheVariable(_ bytes: [UInt8], message: String) throws {
        try Self.withFile(bytes: bytes) { file in
            #expect {
                _ = try DatabaseAddress.resolve(explicit: nil, environment: [:], file: file)
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix(file.path) && text.contains(message) && text.contains("(named by LLMROUTER_CONFIG, read for its database:)")
            }
        }
    }

    @Test func anUnsetVariableOfTheFileIsNamedWithTheFileAndField() throws {
        try Self.withFile(Self.database("postgres://router:${PGPASSWORD}@db/x")) { file in
            #expect {
                _ = try DatabaseAddress.resolve(explicit: nil, environment: ["OTHER": Self.password], file: file)
            } throws: { error in
                "\(error)" == "\(file.path): field 'database': names ${PGPASSWORD}, which is not set"
            }
        }
    }
}
