#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
public import NIOHTTP1

extension UpstreamFailure {
    /// The most characters of upstream-provided text a failure message carries.
    static let upstreamTextLimit = 300

    /// Classifies an upstream answer whose status is not a success.
    ///
    /// | Status                    | Kind              | Why                                                    |
    /// |---------------------------|-------------------|--------------------------------------------------------|
    /// | 429                       | `rateLimited`     | `rateLimit` read by the vendor's ``VendorDialect``: kind, windows, wait |
    /// | 402                       | `rateLimited`     | kind `credits`: our account cannot pay; another provider may answer |
    /// | 401, 403                  | `authentication`  | our key is refused                                      |
    /// | 404, 408, 409, 5xx        | `serverError`     | another provider may have the model or be up            |
    /// | other 4xx (400, 413, 422) | `clientError`     | the request itself is wrong; `status` and `body` kept  |
    /// | anything else (1xx, 3xx)  | `serverError`     | not an answer a chat-completions API gives              |
    ///
    /// - Parameters:
    ///   - body: the error body as received (at most a bounded prefix of it).
    ///   - redactor: masks keys in the message and in a body passed back to the client.
    ///   - dialect: how the vendor writes its limits.
    public static func http(
        status: Int,
        headers: HTTPHeaders,
        body: [UInt8],
        redactor: SecretRedactor,
        dialect: VendorDialect = .openAI,
        now: Date = Date()
    ) -> UpstreamFailure {
        let detail = UpstreamErrorText.detail(of: body, redactor: redactor, errorEnvelope: dialect.errorEnvelope)
        let phrase = HTTPResponseStatus(statusCode: status).reasonPhrase
        let reason = phrase.isEmpty ? "HTTP \(status)" : phrase
        let message = UpstreamErrorText.truncated(detail.map { "\(reason): \($0)" } ?? reason)
        switch status {
        case 402, 429:
            let signal = dialect.refusal(status: status, headers: headers, body: body, now: now)
            return UpstreamFailure(kind: .rateLimited, message: message, status: status, rateLimit: signal)
        case 401, 403:
            return UpstreamFailure(kind: .authentication, message: message, status: status)
        case 404, 408, 409, 500...599:
            let delay = headers.first(name: "retry-after").flatMap { RateLimitValues.parseRetryAfter($0, now: now) }
            return UpstreamFailure(kind: .serverError, message: message, status: status, retryAfter: delay)
        case 400...499:
            return UpstreamFailure(kind: .clientError, message: message, status: status, body: UpstreamErrorText.redacted(body: body, redactor: redactor))
        default:
            return UpstreamFailure(kind: .serverError, message: UpstreamErrorText.truncated("unexpected HTTP status \(status)"), status: status)
        }
    }

    /// A failure the upstream reported inside a stream (`data: {"error": ...}`) or inside a 200.
    ///
    /// An error whose code, type or status says rate limit (`429`, `rate_limit…`,
    /// `RESOURCE_EXHAUSTED`, `too_many_requests…`) or out of credits (`402`,
    /// `insufficient_quota`) becomes `rateLimited` with the dialect's reading; anything else is
    /// `otherwise` (`serverError` in a stream: the upstream failed after accepting the request).
    static func embeddedError(
        _ error: JSONValue,
        redactor: SecretRedactor,
        dialect: VendorDialect,
        prefix: String = "upstream error in stream: ",
        otherwise: FailureKind = .serverError,
        now: Date = Date()
    ) -> UpstreamFailure {
        let object = error.objectValue ?? [:]
        let text = UpstreamErrorText.errorText(error).map(redactor.redact)
        let markers = [object["code"], object["type"], object["status"]].compactMap { value -> String? in
            switch value {
            case .string(let text)?: text.lowercased()
            case .integer(let code)?: String(code)
            case .number(let code)?: String(Int(exactly: code.rounded()) ?? 0)
            default: nil
            }
        }
        let isRateLimit = markers.contains { marker in
            marker == "429" || marker == "402" || ["rate_limit", "rate-limit", "ratelimit", "resource_exhausted", "too_many_requests", "insufficient_quota"]
                .contains { marker.contains($0) }
        }
        let message = UpstreamErrorText.truncated(prefix + (text ?? "no message"))
        guard isRateLimit else { return UpstreamFailure(kind: otherwise, message: message) }
        let status = markers.contains("402") ? 402 : nil
        let signal = dialect.refusal(status: status, headers: [(name: String, value: String)](), body: .object(["error": error]), now: now)
        return UpstreamFailure(kind: .rateLimited, message: message, rateLimit: signal)
    }
}

/// Turns upstream error bodies into short, key-free text.
enum UpstreamErrorText {
    /// The human part of an error body, redacted and on one line: `error.message` (plus
    /// OpenRouter's `error.metadata.raw`), a bare `error` string, `message`, `detail` or `title`
    /// (NIM), or else the body itself when it is text. `errorEnvelope` unwraps a vendor's
    /// wrapping first (``VendorDialect``).
    static func detail(of body: [UInt8], redactor: SecretRedactor, errorEnvelope: (JSONValue) -> JSONValue = { $0 }) -> String? {
        guard !body.isEmpty else { return nil }
        let text: String?
        if let json = try? JSONValue(parsing: body) {
            text = errorText(errorEnvelope(json))
        } else {
            text = String(validating: body, as: UTF8.self)
        }
        guard let text else { return nil }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
        return line.isEmpty ? nil : truncated(redactor.redact(line))
    }

    /// The message inside a parsed error body or `error` object.
    static func errorText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text):
            return text
        case .object(let object):
            if let inner = object["error"], inner != .null, let text = errorText(inner) { return text }
            guard let message = ["message", "detail", "title"].lazy.compactMap({ object[$0]?.stringValue }).first else {
                return nil
            }
            if let raw = object["metadata"]?.objectValue?["raw"]?.stringValue, raw != message {
                return "\(message) (\(raw))"
            }
            return message
        default:
            return nil
        }
    }

    /// The body to hand back to the client, with any key material masked; the original bytes
    /// when there was nothing to mask.
    static func redacted(body: [UInt8], redactor: SecretRedactor) -> [UInt8] {
        guard let text = String(validating: body, as: UTF8.self) else { return body }
        let masked = redactor.redact(text)
        return masked == text ? body : Array(masked.utf8)
    }

    /// `text` cut to ``UpstreamFailure/upstreamTextLimit`` characters.
    static func truncated(_ text: String) -> String {
        guard text.count > UpstreamFailure.upstreamTextLimit else { return text }
        return text.prefix(UpstreamFailure.upstreamTextLimit - 1) + "…"
    }
}
