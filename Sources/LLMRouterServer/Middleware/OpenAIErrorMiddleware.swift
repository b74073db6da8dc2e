public import Hummingbird
import NIOCore
import HTTPTypes
import Logging

/// Turns every error that escapes a route into OpenAI error JSON, so clients never see an
/// HTML or empty error page (unknown route, wrong method, unexpected failure).
public struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OpenAIError {
            throw error
        } catch let error as any HTTPResponseError {
            let message: String
            let type: String
            switch error.status {
            case .notFound:
                message = "Unknown path \(request.method) \(request.uri.path)."
                type = "invalid_request_error"
            case .methodNotAllowed:
                message = "Method \(request.method) is not allowed on \(request.uri.path)."
                type = "invalid_request_error"
            case .contentTooLarge:
                message = "The request body is too large."
                type = "invalid_request_error"
            default:
                message = error.status.reasonPhrase
                type = error.status.code >= 500 ? "server_error" : "invalid_request_error"
            }
            throw OpenAIError(status: error.status, message: message, type: type)
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            throw OpenAIError(status: .internalServerError, message: "Internal server error.", type: "server_error")
        }
    }
}
