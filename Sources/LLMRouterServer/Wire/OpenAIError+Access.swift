import Hummingbird
import LLMRouterCore

extension OpenAIError {
    static func missingAPIKey() -> OpenAIError {
        OpenAIError(
            status: .unauthorized,
            message: "This router needs an API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
            type: "invalid_request_error",
            code: "invalid_api_key",
            headers: [.wwwAuthenticate: #"Bearer realm="llmrouter""#]
        )
    }

    static func invalidAPIKey() -> OpenAIError {
        OpenAIError(
            status: .unauthorized,
            message: "Incorrect API key provided.",
            type: "invalid_request_error",
            code: "invalid_api_key",
            headers: [.wwwAuthenticate: #"Bearer realm="llmrouter", error="invalid_token""#]
        )
    }

    static func adminKeyRequired() -> OpenAIError {
        OpenAIError(
            status: .forbidden,
            message: "This route needs an admin key (admin: true in the keys file, or LLMROUTER_ADMIN_KEY).",
            type: "invalid_request_error",
            code: "permission_denied"
        )
    }

    static func modelNotAllowed(_ model: String?, key: String) -> OpenAIError {
        OpenAIError(
            status: .forbidden,
            message: model.map { "The key '\(key)' may not use the model '\($0)'." }
                ?? "The key '\(key)' may only use some models; name one in 'model'.",
            type: "invalid_request_error",
            param: "model",
            code: "model_not_allowed"
        )
    }

    /// 429 for a key over its own limit, with whole seconds in `Retry-After` (at least 1).
    static func keyLimitReached<Instant: InstantProtocol>(_ limit: KeyAllowance<Instant>.Limit, key: String, retryAfter: Duration) -> OpenAIError {
        let seconds = max(1, Int(retryAfter.seconds.rounded(.up)))
        let what = switch limit {
        case .requestsPerMinute: "requests per minute"
        case .tokensPerDay: "tokens per day"
        }
        return OpenAIError(
            status: .tooManyRequests,
            message: "The key '\(key)' reached its limit of \(what). Retry after \(seconds) s.",
            type: "requests",
            code: "rate_limit_exceeded",
            headers: [.retryAfter: "\(seconds)"]
        )
    }
}
