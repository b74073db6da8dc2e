public import Hummingbird
import HTTPTypes
import Logging

/// Gives each request one id: the client's `X-Request-Id` when it is sane, else Hummingbird's.
///
/// The id replaces `hb.request.id` on the request's logger (and the task's current logger), so
/// every log line of the request, the response's `X-Request-Id` and ``RouterRequestContext/requestID``
/// agree.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = RouterRequestContext
    /// The log metadata key of the request id, Hummingbird's own.
    public static let metadataKey = "hb.request.id"
    /// Longest client id adopted; longer ones are replaced, so a client cannot bloat every log line.
    public static let maximumLength = 128

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let sent = request.headers[.requestID], Self.isSane(sent) {
            context.requestID = sent
            context.logger[metadataKey: Self.metadataKey] = .string(sent)
        }
        let id = context.requestID
        do {
            var response = try await withLogger(context.logger) { _ in try await next(request, context) }
            response.headers[.requestID] = id
            return response
        } catch let error as OpenAIError {
            var error = error
            error.headers[.requestID] = id
            throw error
        }
    }

    /// 1 to ``maximumLength`` characters from `A-Z a-z 0-9 - _ . : + =`: what UUIDs, trace ids
    /// and proxies' ids use, and nothing that could forge a log field.
    public static func isSane(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "+"), UInt8(ascii: "="):
                true
            default:
                false
            }
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
