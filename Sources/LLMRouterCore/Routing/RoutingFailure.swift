/// The one table from a routing outcome that is no answer to what the client is told: status,
/// error type and code, message, `Retry-After`. Each wire format renders it in its own error
/// shape (OpenAI's JSON, Anthropic's `{"type":"error",...}`), and the request's record takes
/// its status and code from here too.
public struct RoutingFailure: Sendable, Equatable {
    public var status: Int
    /// OpenAI's error `type`: `invalid_request_error`, `rate_limit_error`, `service_unavailable` …
    public var type: String
    /// A stable machine-readable code: `model_not_found`, `rate_limit_exceeded`, `all_providers_failed` …
    public var code: String
    public var message: String
    /// The request parameter at fault, when there is one.
    public var param: String?
    /// When to come back, for 429s and for 503s whose first breaker trial time is known.
    public var retryAfter: Duration?
    /// For a provider's rejection of the request itself: the provider, and its own error body
    /// (passed back as it was when the client speaks the provider's format).
    public var provider: String?
    public var upstreamBody: [UInt8]?

    public init(
        status: Int,
        type: String,
        code: String,
        message: String,
        param: String? = nil,
        retryAfter: Duration? = nil,
        provider: String? = nil,
        upstreamBody: [UInt8]? = nil
    ) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.param = param
        self.retryAfter = retryAfter
        self.provider = provider
        self.upstreamBody = upstreamBody
    }
}

extension RoutingOutcome {
    /// What the client is told when this outcome is no answer; `nil` for an answer.
    /// - Parameters:
    ///   - model: the model asked for, named in messages.
    ///   - deadline: the request deadline, named when it passed.
    public func failure(model: String?, deadline: Duration) -> RoutingFailure? {
        switch self {
        case .answered:
            return nil
        case .rejected(let failure, let provider, _):
            return RoutingFailure(
                status: failure.status ?? 400, type: "invalid_request_error", code: "upstream_rejected", message: failure.message,
                provider: provider, upstreamBody: failure.body.flatMap { $0.isEmpty ? nil : $0 }
            )
        case .rateLimited(let retryAfter, let attempts):
            let seconds = max(AttemptRecord.roundedSeconds(retryAfter), 1)
            let routes = attempts.filter(\.rateLimited).map(\.summary).joined(separator: "; ")
            return RoutingFailure(
                status: 429, type: "rate_limit_error", code: "rate_limit_exceeded",
                message: "Every provider for '\(model ?? "")' is rate-limited; retry after \(seconds) s. \(routes)", retryAfter: retryAfter
            )
        case .exhausted(let attempts, let retryAfter):
            let summary = attempts.isEmpty ? "no provider is configured for this model" : attempts.map(\.summary).joined(separator: "; ")
            return RoutingFailure(
                status: 503, type: "service_unavailable", code: "all_providers_failed", message: "No provider could answer: \(summary)",
                retryAfter: retryAfter
            )
        case .expired:
            return RoutingFailure(
                status: 504, type: "timeout", code: "deadline_exceeded",
                message: "No provider answered within the request deadline of \(deadline.seconds) seconds."
            )
        case .modelNotFound(let name):
            return RoutingFailure(
                status: 404, type: "invalid_request_error", code: "model_not_found",
                message: "The model '\(name)' does not exist or no configured provider serves it. GET /v1/models lists the models this router serves.",
                param: "model"
            )
        case .unsupported(let name, let reasons):
            return RoutingFailure(
                status: 400, type: "invalid_request_error", code: "model_not_capable",
                message: "No provider of '\(name)' supports this request: \(reasons.map(\.summary).joined(separator: "; "))"
            )
        case .wrongKind(let name, let kind):
            return RoutingFailure(
                status: 400, type: "invalid_request_error", code: "wrong_model_kind",
                message: "The model '\(name)' is \(kind == .embeddings ? "an embeddings" : "a \(kind)") model; \(Self.endpointHint(for: kind))",
                param: "model"
            )
        case .denied(let rule, let message):
            return RoutingFailure(
                status: 403, type: "permission_error", code: "denied_by_rule",
                message: message.isEmpty ? "Refused by routing rule '\(rule)'." : message
            )
        case .modelNotAllowed(let name, let key):
            // The same answer as a key asking for the model itself.
            return RoutingFailure(
                status: 403, type: "invalid_request_error", code: "model_not_allowed",
                message: "The key '\(key)' may not use the model '\(name)'.", param: "model"
            )
        }
    }

    /// The attempts behind the outcome, for headers and records.
    public var attempts: [AttemptRecord] {
        switch self {
        case .answered(let answer): answer.attempts
        case .rejected(_, _, let attempts), .rateLimited(_, let attempts), .exhausted(let attempts, _), .expired(let attempts): attempts
        case .unsupported(_, let reasons): reasons
        case .modelNotFound, .wrongKind, .denied, .modelNotAllowed: []
        }
    }

    private static func endpointHint(for kind: RouteKind) -> String {
        kind == .embeddings ? "send it to POST /v1/embeddings." : "send it to POST /v1/chat/completions (or /v1/messages, /v1/responses)."
    }
}
