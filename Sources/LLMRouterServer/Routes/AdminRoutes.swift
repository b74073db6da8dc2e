#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import LLMRouterCore
import NIOCore
import Synchronization

/// What a reload loaded, for the log and `POST /admin/reload`.
public struct ReloadReport: Sendable, Equatable, Encodable {
    public var status = "reloaded"
    /// Where the providers came from (`file …`, `catalog …`, `embedded default`).
    public var source: String
    public var providers: Int
    public var keys: Int

    public init(source: String, providers: Int, keys: Int) {
        self.source = source
        self.providers = providers
        self.keys = keys
    }
}

/// A reload that found something invalid; the running configuration was kept.
public struct ReloadFailure: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Holds the reload the server runs on SIGHUP, so the admin route can run it too; unset (in a
/// test app without a server, say) the route answers 503.
public final class ReloadHook: Sendable {
    public typealias Reload = @Sendable () async -> Result<ReloadReport, ReloadFailure>
    private let reload = Mutex<Reload?>(nil)

    public init() {}

    public func set(_ reload: @escaping Reload) {
        self.reload.withLock { $0 = reload }
    }

    public func run() async -> Result<ReloadReport, ReloadFailure>? {
        guard let reload = reload.withLock({ $0 }) else { return nil }
        return await reload()
    }
}

/// `POST /admin/reload`: re-reads config, keys and catalog (see ``ConfigurationReloader``).
/// The access middleware lets only admin keys this far when keys are on.
struct AdminRoutes {
    let hook: ReloadHook
    let cache: ResponseCache?

    func register(on router: Router<RouterRequestContext>) {
        // `POST /admin/cache/clear`: forgets every cached answer (and the file's or the shared table's).
        router.post("/admin/cache/clear") { _, _ in
            guard let cache else {
                throw OpenAIError(status: .notFound, message: "The response cache is off (LLMROUTER_CACHE_TTL is unset or 0).", type: "invalid_request_error", code: "cache_off")
            }
            let removed = await cache.clear()
            let body = JSONValue.encodedBytes(.object(["status": .string("cleared"), "entries": .integer(Int64(removed))]))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.post("/admin/reload") { _, _ in
            switch await hook.run() {
            case nil:
                throw OpenAIError(status: .serviceUnavailable, message: "Reload is not available in this server.", type: "server_error", code: "reload_unavailable")
            case .failure(let failure):
                throw OpenAIError(
                    status: .unprocessableContent,
                    message: "Reload refused; the running configuration is kept: \(failure.message)",
                    type: "invalid_request_error",
                    code: "reload_failed"
                )
            case .success(let report):
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let body = try encoder.encode(report)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
        }
    }
}
