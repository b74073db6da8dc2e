import LLMRouterCore
import NIOCore

/// Minimal checks on upstream answers: enough to tell a completion from an error or garbage,
/// without decoding (or re-encoding) the answer, which passes through byte for byte.
enum CompletionBody {
    /// Why a 2xx body is not a usable `chat.completion`, or `nil` when it is one: a JSON object
    /// (leading whitespace allowed, as OpenRouter sends) with a `choices` array and no `error`.
    static func failure(in body: ByteBuffer, redactor: SecretRedactor) -> UpstreamFailure? {
        guard let answer = (try? JSONValue(parsing: body.readableBytesView))?.objectValue else {
            return UpstreamFailure(kind: .badResponse, message: "answer is not a JSON object")
        }
        if let error = answer["error"], error != .null {
            let detail = UpstreamErrorText.errorText(error).map(redactor.redact) ?? "no message"
            return UpstreamFailure(kind: .badResponse, message: UpstreamErrorText.truncated("error object in a success answer: " + detail))
        }
        guard answer["choices"]?.arrayValue != nil else {
            return UpstreamFailure(kind: .badResponse, message: "answer has no choices array")
        }
        return nil
    }

    /// The failure an `{"error": ...}` stream event stands for, or `nil` for an ordinary chunk.
    ///
    /// Chunks are only parsed when they mention `"error"`, so ordinary chunks cost one scan.
    static func streamFailure(in payload: ByteBuffer, redactor: SecretRedactor) -> UpstreamFailure? {
        let bytes = payload.readableBytesView
        guard bytes.firstRange(of: errorKey) != nil,
              let value = try? JSONValue(parsing: bytes),
              let error = value.objectValue?["error"], error != .null
        else { return nil }
        return .streamedError(error, redactor: redactor)
    }

    /// Whether `body` is an `{"error": ...}` object; its failure when it is.
    static func errorObject(in body: [UInt8], redactor: SecretRedactor) -> UpstreamFailure? {
        guard let value = try? JSONValue(parsing: body),
              let error = value.objectValue?["error"], error != .null
        else { return nil }
        return .streamedError(error, redactor: redactor)
    }

    private static let errorKey = Array(#""error""#.utf8)
}
