#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore

/// Adds keys to the keys file for `llmrouter keys add`: makes a random secret, appends its name,
/// SHA-256 and limits, and never writes the secret itself.
public struct AccessKeyFile: Sendable {
    /// Every generated key starts with this, so the redactor and a reader both recognise one.
    public static let secretPrefix = "llmr-"

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// A new key: the prefix and 192 random bits as hex, from the system's secure generator.
    public static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return secretPrefix + AccessKey.hex(of: bytes)
    }

    /// Appends a key named `name` with `limits` and returns its secret, to be shown once.
    ///
    /// The file is created (readable by its owner only) when missing; otherwise the entry is
    /// appended to its text, so comments survive, and the result must load with the new key in
    /// it before it replaces the file.
    public func add(name: String, limits: AccessKey.Limits, isAdmin: Bool) throws(AccessKeysError) -> String {
        let existing = try existingText()
        let loader = AccessKeysLoader()
        if let existing, try loader.parse(yaml: existing, file: path).keys.contains(where: { $0.name == name }) {
            throw AccessKeysError(source: path, key: name, field: "name", message: "a key with this name exists already")
        }
        let secret = Self.makeSecret()
        let key = AccessKey(name: name, secret: secret, limits: limits, isAdmin: isAdmin)
        let text = Self.appending(Self.entry(for: key), to: existing)
        guard try loader.parse(yaml: text, file: path).keys.last == key else {
            throw AccessKeysError(source: path, message: "cannot append to this file's 'keys' list (is it written in flow style?); add the entry by hand:\n\(Self.entry(for: key))")
        }
        try write(text)
        return secret
    }

    /// The YAML list item for `key`.
    static func entry(for key: AccessKey) -> String {
        var lines = ["  - name: \(key.name)", "    sha256: \(AccessKey.hex(of: key.digest))"]
        if let rpm = key.limits.requestsPerMinute { lines.append("    rpm: \(rpm)") }
        if let tokens = key.limits.tokensPerDay { lines.append("    tokens_per_day: \(tokens)") }
        if let usd = key.limits.usdPerDay { lines.append("    usd_per_day: \(usd)") }
        if let models = key.limits.allowedModels {
            lines.append("    models: [\(models.map { "\"\($0.replacing("\"", with: "\\\""))\"" }.joined(separator: ", "))]")
        }
        if key.isAdmin { lines.append("    admin: true") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func appending(_ entry: String, to existing: String?) -> String {
        guard let existing, !existing.trimmingWhitespace().isEmpty else {
            return "# llmrouter access keys: names and SHA-256 digests, never the keys themselves.\nkeys:\n" + entry
        }
        var text = existing.hasSuffix("\n") ? existing : existing + "\n"
        if !text.split(separator: "\n").contains(where: { $0.hasPrefix("keys:") }) { text += "keys:\n" }
        return text + entry
    }

    private func existingText() throws(AccessKeysError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AccessKeysError(source: path, message: "cannot read the file as UTF-8 text (\(error))")
        }
    }

    private func write(_ text: String) throws(AccessKeysError) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw AccessKeysError(source: path, message: "cannot write the file (\(error))")
        }
    }
}
