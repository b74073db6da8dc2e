import ArgumentParser
import Foundation
import LLMRouterConfig
import LLMRouterCore
import LLMRouterShared

/// `llmrouter keys list`: the keys' names and limits, never a key.
struct ListKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the access keys: names, limits, and in the keys table when each was made (and revoked)."
    )

    @OptionGroup var storage: KeyStorageOptions

    @Flag(help: "Also list revoked keys (keys table only).")
    var all = false

    func run() async throws {
        let place = try storage.place(environment: ProcessInfo.processInfo.environment)
        let records: [AccessKeyTable.Record?]
        let keys: [AccessKey]
        do {
            switch place {
            case .file(let path):
                keys = try FileManager.default.fileExists(atPath: path) ? AccessKeysLoader().load(path: path).keys : []
                records = keys.map { _ in nil }
            case .table(let table, _):
                let found = try await table.records(includingRevoked: all)
                keys = found.map(\.key)
                records = found
            }
        } catch {
            FileHandle.standardError.write(Data("llmrouter keys list: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let rows = zip(keys, records).map { key, record in Self.row(key, record) }
        FileHandle.standardError.write(Data("\(keys.count) key\(keys.count == 1 ? "" : "s") in \(place.description)\n".utf8))
        guard !rows.isEmpty else { return }
        let header = ["NAME", "SHA256", "LIMITS", "CREATED", "REVOKED"]
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingWhitespace())
        }
    }

    /// One key's line: the digest's first 12 hex digits (enough to tell keys apart, never the key).
    static func row(_ key: AccessKey, _ record: AccessKeyTable.Record?) -> [String] {
        var limits: [String] = []
        if let rpm = key.limits.requestsPerMinute { limits.append("rpm=\(rpm)") }
        if let tokens = key.limits.tokensPerDay { limits.append("tokens_per_day=\(tokens)") }
        if let usd = key.limits.usdPerDay { limits.append("usd_per_day=\(usd)") }
        if let models = key.limits.allowedModels { limits.append("models=\(models.joined(separator: ","))") }
        if key.isAdmin { limits.append("admin") }
        let time = Date.ISO8601FormatStyle()
        return [
            key.name, String(AccessKey.hex(of: key.digest).prefix(12)), limits.isEmpty ? "-" : limits.joined(separator: " "),
            record.map { $0.createdAt.formatted(time) } ?? "-", record?.revokedAt.map { $0.formatted(time) } ?? "-",
        ]
    }
}

/// `llmrouter keys revoke NAME`: every instance refuses the key from then on.
struct RevokeKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke an access key of the keys table: every instance refuses it within seconds."
    )

    @Argument(help: "The key's name.")
    var name: String

    @OptionGroup var storage: KeyStorageOptions

    func run() async throws {
        let place = try storage.place(environment: ProcessInfo.processInfo.environment)
        guard case .table(let table, _) = place else {
            FileHandle.standardError.write(
                Data("llmrouter keys revoke: \(place.description) is edited by hand: delete the entry of '\(name)' and reload (kill -HUP or POST /admin/reload)\n".utf8)
            )
            throw ExitCode(2)
        }
        do {
            try await table.revoke(name: name)
        } catch {
            FileHandle.standardError.write(Data("llmrouter keys revoke: \(error)\n".utf8))
            throw ExitCode(2)
        }
        FileHandle.standardError.write(Data("Revoked key '\(name)' in \(place.description); every instance refuses it within seconds.\n".utf8))
    }
}
