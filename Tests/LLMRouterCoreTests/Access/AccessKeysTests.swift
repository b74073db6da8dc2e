import Foundation
@testable import LLMRouterCore
@testable import LLMRouterConfig
import Testing

struct AccessKeysTests {
    static let alice = "llmr-alice-0123456789abcdef"
    static let bob = "llmr-bob-fedcba9876543210"

    let keys = AccessKeys([
        AccessKey(name: "alice", secret: alice),
        AccessKey(name: "bob", secret: bob, limits: .init(allowedModels: ["Llama-3.3"]), isAdmin: true),
    ])

    @Test func theRightSecretIsAcceptedAndNamed() {
        #expect(keys.authenticate(Self.alice)?.name == "alice")
        #expect(keys.authenticate(Self.bob)?.name == "bob")
        #expect(keys.authenticate(Self.bob)?.isAdmin == true)
    }

    @Test(arguments: ["", "llmr-alice-0123456789abcdeF", "llmr-alice-0123456789abcde", "llmr-alice-0123456789abcdef ", "x"])
    func anythingElseIsDenied(_ presented: String) {
        #expect(keys.authenticate(presented) == nil)
    }

    @Test func everyKeyIsComparedWhateverMatches() {
        for presented in [Self.alice, Self.bob, "wrong-key-0123456789"] {
            var visited: [String] = []
            var matches = 0
            keys.forEachComparison(of: AccessKey.digest(of: presented)) { key, equal in
                visited.append(key.name)
                if equal { matches += 1 }
            }
            #expect(visited == ["alice", "bob"], "the walk does not stop at the first match")
            #expect(matches == (presented.hasPrefix("wrong") ? 0 : 1))
        }
    }

    @Test func constantTimeEqualityComparesWholeDigests() {
        let digest = AccessKey.digest(of: Self.alice)
        #expect(AccessKeys.constantTimeEqual(digest, digest))
        var lastByteDiffers = digest
        lastByteDiffers[31] ^= 1
        var firstByteDiffers = digest
        firstByteDiffers[0] ^= 0x80
        #expect(!AccessKeys.constantTimeEqual(digest, lastByteDiffers))
        #expect(!AccessKeys.constantTimeEqual(digest, firstByteDiffers))
        #expect(!AccessKeys.constantTimeEqual(digest, Array(digest.prefix(31))))
    }

    @Test func digestsAreSHA256InHex() {
        // echo -n foo | sha256sum
        #expect(AccessKey.hex(of: AccessKey.digest(of: "foo")) == "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
        #expect(AccessKey.bytes(hex: "2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE") == AccessKey.digest(of: "foo"))
        #expect(AccessKey.bytes(hex: "2c26") == nil)
        #expect(AccessKey.bytes(hex: String(repeating: "zz", count: 32)) == nil)
    }

    @Test func allowedModelsAreComparedIgnoringCase() throws {
        let bob = try #require(keys.keys.last)
        #expect(bob.allows(model: "llama-3.3"))
        #expect(!bob.allows(model: "gpt-4o"))
        #expect(!bob.allows(model: nil), "a key limited to some models must name one")
        #expect(keys.keys[0].allows(model: nil))
        #expect(keys.keys[0].allows(model: "anything"))
    }
}

struct AccessKeysLoaderTests {
    let loader = AccessKeysLoader()

    @Test func environmentKeysAreNamedInOrderAndTheAdminKeyIsAdmin() throws {
        let keys = try loader.load(
            environment: ["LLMROUTER_API_KEYS": " first-key-0123456789 ,second-key-0123456789,", "LLMROUTER_ADMIN_KEY": "admin-key-0123456789"],
            file: nil,
            fileIsExplicit: false
        )
        #expect(keys.keys.map(\.name) == ["key-1", "key-2", "admin"])
        #expect(keys.authenticate("second-key-0123456789")?.name == "key-2")
        #expect(keys.authenticate("admin-key-0123456789")?.isAdmin == true)
        #expect(keys.keys.filter(\.isAdmin).count == 1)
    }

    @Test func noVariablesAndNoFileMeansAccessControlIsOff() throws {
        let keys = try loader.load(environment: [:], file: "/nonexistent/keys.yaml", fileIsExplicit: false)
        #expect(!keys.isEnabled)
    }

    @Test func aNamedFileThatIsMissingIsAnError() {
        #expect(throws: AccessKeysError.self) {
            try loader.load(environment: [:], file: "/nonexistent/keys.yaml", fileIsExplicit: true)
        }
    }

    @Test func shortEnvironmentKeysAreRefused() {
        #expect(throws: AccessKeysError(source: "LLMROUTER_API_KEYS", key: "#2", message: "key is 5 characters long; use at least 16 (`llmrouter keys add` makes one)")) {
            try loader.load(environment: ["LLMROUTER_API_KEYS": "long-enough-key-0123,short"], file: nil, fileIsExplicit: false)
        }
    }

    @Test func theFileGivesNamesDigestsAndLimits() throws {
        let yaml = """
            # comment
            keys:
              - name: alice
                sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
                rpm: 60
                tokens_per_day: 1000
                models: [a, b]
              - name: ops
                sha256: "2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AF"
                admin: true
            """
        let keys = try loader.parse(yaml: yaml, file: "keys.yaml")
        #expect(keys.keys.map(\.name) == ["alice", "ops"])
        #expect(keys.keys[0].limits == AccessKey.Limits(requestsPerMinute: 60, tokensPerDay: 1000, allowedModels: ["a", "b"]))
        #expect(!keys.keys[0].isAdmin)
        #expect(keys.keys[1].isAdmin)
        #expect(keys.authenticate("foo")?.name == "alice")
    }

    @Test(arguments: [
        ("keys:\n  - {name: a, sha256: abc}", "keys.yaml: key 'a' field 'sha256': must be 64 hexadecimal characters (the SHA-256 of the key, not the key itself)"),
        ("keys:\n  - {name: a}", "keys.yaml: key 'a' field 'sha256': missing; store the SHA-256 of the key (`llmrouter keys add` writes it)"),
        ("keys:\n  - {sha256: abc}", "keys.yaml: key '#1' field 'name': missing; every key needs a name"),
        ("keys:\n  - {name: a, sha256: \(String(repeating: "0", count: 64)), rpm_limit: 5}", "keys.yaml: key 'a' field 'rpm_limit': unknown field; known fields are admin, models, name, rpm, sha256, tokens_per_day, usd_per_day"),
        ("keys:\n  - {name: a, sha256: \(String(repeating: "0", count: 64)), rpm: lots}", "keys.yaml: key 'a' field 'rpm': must be a whole number > 0, got \"lots\""),
        ("keys:\n  - {name: a, sha256: \(String(repeating: "0", count: 64)), tokens_per_day: 0}", "keys.yaml: key 'a' field 'tokens_per_day': must be a whole number > 0, got \"0\""),
        ("keys:\n  - {name: a, sha256: \(String(repeating: "0", count: 64)), admin: maybe}", "keys.yaml: key 'a' field 'admin': must be true or false, got \"maybe\""),
        ("keys:\n  - {name: a, sha256: \(String(repeating: "0", count: 64))}\n  - {name: a, sha256: \(String(repeating: "1", count: 64))}", "keys.yaml: key 'a' field 'name': duplicate key name; names must be unique"),
        ("keys:\n  - {name: \"a b\", sha256: \(String(repeating: "0", count: 64))}", "keys.yaml: key '#1' field 'name': use up to 64 letters, digits, '-', '_', '.' or '@', got \"a b\""),
        ("tokens: []", "keys.yaml: field 'tokens': unknown top-level key; the file holds only 'keys'"),
        ("keys: 5", "keys.yaml: field 'keys': must be a list of keys"),
        ("- a", "keys.yaml: expected a mapping with a 'keys' list at the top level"),
    ])
    func mistakesNameTheFileKeyAndField(_ yaml: String, _ message: String) {
        #expect(throws: (any Error).self) { try loader.parse(yaml: yaml, file: "keys.yaml") }
        do {
            _ = try loader.parse(yaml: yaml, file: "keys.yaml")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func anEmptyFileHasNoKeys() throws {
        #expect(try loader.parse(yaml: "", file: "k.yaml").keys.isEmpty)
        #expect(try loader.parse(yaml: "keys:\n", file: "k.yaml").keys.isEmpty)
    }
}

struct AccessKeyFileTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-keys-\(UUID().uuidString)/keys.yaml").path
    }

    @Test func addingAKeyStoresOnlyItsDigestAndTheSecretAuthenticates() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let file = AccessKeyFile(path: path)
        let first = try file.add(name: "alice", limits: .init(requestsPerMinute: 10, tokensPerDay: 500, allowedModels: ["m1", "m 2"]), isAdmin: false)
        let second = try file.add(name: "ops", limits: .unlimited, isAdmin: true)
        #expect(first.hasPrefix(AccessKeyFile.secretPrefix))
        #expect(first.count == AccessKeyFile.secretPrefix.count + 48)
        #expect(first != second)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(first) && !text.contains(second), "the file never holds a key")
        let keys = try AccessKeysLoader().load(path: path)
        #expect(keys.authenticate(first)?.name == "alice")
        #expect(keys.authenticate(first)?.limits == AccessKey.Limits(requestsPerMinute: 10, tokensPerDay: 500, allowedModels: ["m1", "m 2"]))
        #expect(keys.authenticate(second)?.isAdmin == true)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func aNameInUseIsRefusedAndTheFileKept() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let file = AccessKeyFile(path: path)
        _ = try file.add(name: "alice", limits: .unlimited, isAdmin: false)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        #expect(throws: AccessKeysError(source: path, key: "alice", field: "name", message: "a key with this name exists already")) {
            try file.add(name: "alice", limits: .unlimited, isAdmin: false)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
    }

    @Test func commentsInAnExistingFileSurvive() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "# team keys\nkeys:\n  - name: old\n    sha256: \(String(repeating: "a", count: 64))\n".write(toFile: path, atomically: true, encoding: .utf8)
        _ = try AccessKeyFile(path: path).add(name: "new", limits: .unlimited, isAdmin: false)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# team keys\n"))
        #expect(try AccessKeysLoader().load(path: path).keys.map(\.name) == ["old", "new"])
    }

    @Test func aFlowStyleListIsNotRewritten() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "keys: []\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AccessKeysError.self) { try AccessKeyFile(path: path).add(name: "new", limits: .unlimited, isAdmin: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keys: []\n")
    }
}
