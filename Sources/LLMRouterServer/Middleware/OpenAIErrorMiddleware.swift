public import Hummingbird
import NIOCore
import HTTPTypes
import Logging

/// Turns every error that escapes a route into the caller's own error shape, so clients never see
/// an HTML or empty error page (unknown route, wrong method, missing key, unexpected failure):
/// OpenAI error JSON, or Anthropic's `{"type":"error",...}` under `/v1/messages`, whose SDKs
/// read only that.
public struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AnthropicError {
            throw error
        } catch {
            let openAIError = Self.openAIError(error, request: request, context: context)
            guard request.uri.path.hasPrefix("/v1/messages") else { throw openAIError }
            throw AnthropicError(openAIError)
        }
    }

    private static func openAIError(_ error: any Error, request: Request, context: Context) -> OpenAIError {
        switch error {
        case let error as OpenAIError:
            return error
        case let error as any HTTPResponseError:
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
            return OpenAIError(status: error.status, message: message, type: type)
        default:
            context.logger.error("unhandled error", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            return OpenAIError(status: .internalServerError, message: "Internal server error.", type: "server_error")
        }
    }
}
