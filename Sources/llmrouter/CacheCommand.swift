import ArgumentParser
import AsyncHTTPClient
import Foundation
import LLMRouterCacheStore
import LLMRouterServer
import Logging

/// `llmrouter cache`: the response cache of a running router.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Clear or warm the response cache (LLMROUTER_CACHE_TTL).",
        subcommands: [ClearCacheCommand.self, WarmCacheCommand.self]
    )
}

/// Where the running router is and the key to use.
struct RouterAddress: ParsableArguments {
    @Option(help: "The router's URL (default http://LLMROUTER_HOST:PORT, or http://127.0.0.1:8000).")
    var url: String?

    @Option(help: "An access key (env LLMROUTER_API_KEY); clear needs an admin key when keys are on.")
    var key: String?

    func resolved() -> (url: String, key: String?) {
        let environment = ProcessInfo.processInfo.environment
        let host = environment["LLMROUTER_HOST"].flatMap { $0.isEmpty || $0 == "0.0.0.0" ? nil : $0 } ?? "127.0.0.1"
        let port = environment["PORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "8000"
        return (url ?? "http://\(host):\(port)", key ?? environment["LLMROUTER_API_KEY"].flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// `llmrouter cache clear`: empties the running router's cache, or a cache file.
struct ClearCacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clear", abstract: "Forget every cached answer.")

    @OptionGroup var address: RouterAddress

    @Option(help: "Clear this SQLite cache file directly (LLMROUTER_CACHE=sqlite:PATH) instead of asking the router.")
    var file: String?

    func run() async throws {
        if let file {
            let removed = try await SQLiteCacheBackend.clearFile(path: file, logger: Logger(label: "llmrouter.cache"))
            print("cleared \(removed) entries from \(file)")
            return
        }
        let (url, key) = address.resolved()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            print(try await RouterCacheClient(baseURL: url, key: key).clear(client: client))
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            // The router's refusal or absence, not a usage mistake: no usage text after it.
            throw CacheCommandFailure(description: "\(error)")
        }
    }
}

/// `llmrouter cache warm FILE.jsonl`: sends each request through the running router.
struct WarmCacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warm",
        abstract: "Send each request of a JSON-lines file through the router, so its answers are cached."
    )

    @OptionGroup var address: RouterAddress

    @Argument(help: "One request per line: a chat body, or {\"path\": \"/v1/embeddings\", \"body\": {...}}.")
    var file: String

    func run() async throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("\(file): cannot read the file") }
        let lines: [RouterCacheClient.Line]
        do {
            lines = try RouterCacheClient.lines(of: text, file: file)
        } catch {
            throw ValidationError(error.description)
        }
        let (url, key) = address.resolved()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let tally = await RouterCacheClient(baseURL: url, key: key).warm(lines, client: client) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        try await client.shutdown()
        print("sent \(tally.sent): \(tally.stored) stored, \(tally.alreadyCached) already cached, \(tally.bypassed) not cacheable, \(tally.failed) failed")
        if tally.failed > 0 { throw ExitCode(1) }
    }
}

/// A failure of the running router (refused, unreachable), printed as `Error: …`.
struct CacheCommandFailure: Error, CustomStringConvertible {
    var description: String
}
