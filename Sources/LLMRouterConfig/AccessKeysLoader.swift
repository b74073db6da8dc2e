#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
import Yams

/// Reads the router's access keys from the environment and the keys file.
///
/// - `LLMROUTER_API_KEYS`: a comma-separated list of keys, named `key-1`, `key-2`, … in order.
/// - `LLMROUTER_ADMIN_KEY`: one key named `admin` that may also call `/admin/*`.
/// - The keys file (`LLMROUTER_KEYS_FILE`, or `config/keys.yaml` when it exists), YAML:
///
/// ```yaml
/// keys:
///   - name: alice
///     sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
///     rpm: 60                # optional: requests per minute
///     tokens_per_day: 200000 # optional: prompt + completion tokens per rolling 24 h
///     usd_per_day: 2         # optional: US dollars a UTC day on paid routes
///     models: [llama-3.3-70b-versatile]  # optional: the only models the key may use
///     admin: false           # optional: may call /admin/*
/// ```
///
/// Every mistake is an error, unknown fields included: a misspelt limit would otherwise leave
/// a key unlimited without anyone noticing.
public struct AccessKeysLoader: Sendable {
    /// Keys shorter than this are refused: they could be guessed.
    public static let minimumSecretLength = 16
    /// The keys file used when `LLMROUTER_KEYS_FILE` is not set and this file exists.
    public static let defaultFile = "config/keys.yaml"

    public init() {}

    /// The keys from `environment` and the keys file.
    /// - Parameters:
    ///   - file: the keys file; `nil` reads none.
    ///   - fileIsExplicit: whether a missing `file` is an error (it was named) or means no file.
    public func load(environment: [String: String], file: String?, fileIsExplicit: Bool) throws(AccessKeysError) -> AccessKeys {
        var keys = try environmentKeys(environment)
        if let file {
            if FileManager.default.fileExists(atPath: file) {
                keys += try load(path: file).keys
            } else if fileIsExplicit {
                throw AccessKeysError(source: file, message: "no such file (named by --keys-file or LLMROUTER_KEYS_FILE)")
            }
        }
        var names: Set<String> = []
        for key in keys {
            guard names.insert(key.name).inserted else {
                throw AccessKeysError(source: file ?? "LLMROUTER_API_KEYS", key: key.name, field: "name", message: "duplicate key name; names must be unique")
            }
        }
        return AccessKeys(keys)
    }

    /// The keys named by `LLMROUTER_API_KEYS` and `LLMROUTER_ADMIN_KEY`.
    public func environmentKeys(_ environment: [String: String]) throws(AccessKeysError) -> [AccessKey] {
        var keys: [AccessKey] = []
        if let list = environment["LLMROUTER_API_KEYS"], !list.isEmpty {
            let secrets = list.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            for (index, secret) in secrets.enumerated() {
                try checkLength(secret, source: "LLMROUTER_API_KEYS", key: "#\(index + 1)")
                keys.append(AccessKey(name: "key-\(index + 1)", secret: secret))
            }
        }
        if let admin = environment["LLMROUTER_ADMIN_KEY"]?.trimmingWhitespace(), !admin.isEmpty {
            try checkLength(admin, source: "LLMROUTER_ADMIN_KEY", key: nil)
            keys.append(AccessKey(name: "admin", secret: admin, isAdmin: true))
        }
        return keys
    }

    /// The keys of the file at `path`.
    public func load(path: String) throws(AccessKeysError) -> AccessKeys {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AccessKeysError(source: path, message: "cannot read the file as UTF-8 text (\(error))")
        }
        return try parse(yaml: text, file: path)
    }

    /// The keys of YAML `text`; `file` only names it in messages.
    public func parse(yaml text: String, file: String) throws(AccessKeysError) -> AccessKeys {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw AccessKeysError(source: file, message: "malformed YAML: \(error)")
        }
        guard let root, root.null == nil else { return AccessKeys() }
        guard let top = root.mapping else {
            throw AccessKeysError(source: file, message: "expected a mapping with a 'keys' list at the top level")
        }
        for key in top.keys.compactMap(\.string) where key != "keys" {
            throw AccessKeysError(source: file, field: key, message: "unknown top-level key; the file holds only 'keys'")
        }
        guard let list = top["keys"], list.null == nil else { return AccessKeys() }
        guard let entries = list.sequence else {
            throw AccessKeysError(source: file, field: "keys", message: "must be a list of keys")
        }
        var keys: [AccessKey] = []
        var names: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let key = try AccessKeyEntryReader(file: file, position: index + 1).read(entry)
            guard names.insert(key.name).inserted else {
                throw AccessKeysError(source: file, key: key.name, field: "name", message: "duplicate key name; names must be unique")
            }
            keys.append(key)
        }
        return AccessKeys(keys)
    }

    private func checkLength(_ secret: String, source: String, key: String?) throws(AccessKeysError) {
        guard secret.count >= Self.minimumSecretLength else {
            throw AccessKeysError(
                source: source,
                key: key,
                message: "key is \(secret.count) characters long; use at least \(Self.minimumSecretLength) (`llmrouter keys add` makes one)"
            )
        }
    }
}

/// Reads one entry of the keys file's `keys` list.
struct AccessKeyEntryReader {
    static let fields: Set<String> = ["name", "sha256", "rpm", "tokens_per_day", "models", "admin", "usd_per_day"]

    let file: String
    let position: Int

    func read(_ node: Node) throws(AccessKeysError) -> AccessKey {
        guard let mapping = node.mapping else {
            throw AccessKeysError(source: file, key: "#\(position)", message: "must be a mapping with 'name' and 'sha256'")
        }
        guard let name = mapping["name"]?.string?.trimmingWhitespace(), !name.isEmpty, mapping["name"]?.scalar != nil else {
            throw AccessKeysError(source: file, key: "#\(position)", field: "name", message: "missing; every key needs a name")
        }
        guard AccessKey.isValidName(name) else {
            throw AccessKeysError(source: file, key: "#\(position)", field: "name", message: "use up to 64 letters, digits, '-', '_', '.' or '@', got \"\(name)\"")
        }
        for field in mapping.keys.compactMap(\.string) where !Self.fields.contains(field) {
            throw AccessKeysError(source: file, key: name, field: field, message: "unknown field; known fields are \(Self.fields.sorted().joined(separator: ", "))")
        }
        let digest = try readDigest(mapping["sha256"], key: name)
        var limits = AccessKey.Limits()
        limits.requestsPerMinute = try readPositive(mapping["rpm"], key: name, field: "rpm")
        limits.tokensPerDay = try readPositive(mapping["tokens_per_day"], key: name, field: "tokens_per_day")
        if let node = mapping["usd_per_day"], node.null == nil {
            guard let value = node.float ?? node.int.map(Double.init), value.isFinite, value >= 0 else {
                throw AccessKeysError(source: file, key: name, field: "usd_per_day", message: "must be a number of US dollars ≥ 0, got \"\(node.string ?? "?")\"")
            }
            limits.usdPerDay = value
        }
        if let models = mapping["models"], models.null == nil {
            do {
                limits.allowedModels = try YAMLTextList.read(models)
            } catch {
                throw AccessKeysError(source: file, key: name, field: "models", message: error.message)
            }
        }
        var isAdmin = false
        if let admin = mapping["admin"], admin.null == nil {
            guard let flag = admin.bool else {
                throw AccessKeysError(source: file, key: name, field: "admin", message: "must be true or false, got \"\(admin.string ?? "?")\"")
            }
            isAdmin = flag
        }
        return AccessKey(name: name, digest: digest, limits: limits, isAdmin: isAdmin)
    }

    private func readDigest(_ node: Node?, key: String) throws(AccessKeysError) -> [UInt8] {
        guard let text = node?.string?.trimmingWhitespace().lowercased(), !text.isEmpty else {
            throw AccessKeysError(source: file, key: key, field: "sha256", message: "missing; store the SHA-256 of the key (`llmrouter keys add` writes it)")
        }
        guard let digest = AccessKey.bytes(hex: text) else {
            throw AccessKeysError(source: file, key: key, field: "sha256", message: "must be 64 hexadecimal characters (the SHA-256 of the key, not the key itself)")
        }
        return digest
    }

    private func readPositive(_ node: Node?, key: String, field: String) throws(AccessKeysError) -> Int? {
        guard let node, node.null == nil else { return nil }
        guard let value = node.int, value > 0 else {
            throw AccessKeysError(source: file, key: key, field: field, message: "must be a whole number > 0, got \"\(node.string ?? "?")\"")
        }
        return value
    }
}
