import LLMRouterCore
import NIOCore

/// Minimal checks on upstream answers: enough to tell a completion from an error or garbage,
/// without decoding (or re-encoding) the answer, which passes through byte for byte.
enum CompletionBody {
    /// The tokens a usable answer's `usage` counted.
    struct Usage: Equatable {
        var promptTokens: Int?
        var completionTokens: Int?
    }

    /// Checks a 2xx body in the one parse it gets: its `usage` when it is a usable
    /// `chat.completion` (a JSON object, leading whitespace allowed as OpenRouter sends, with a
    /// `choices` array and no `error`), or why it is not. An `error` object that says rate limit
    /// is a refusal (`rateLimited`, read by `dialect`), any other a bad response.
    static func check(_ body: ByteBuffer, redactor: SecretRedactor, dialect: VendorDialect) -> Result<Usage, UpstreamFailure> {
        // The generated text is most of an answer and is only passed on: it is checked, not built.
        guard let answer = (try? JSONValue.parsingObject(body.readableBytesView, keeping: ["error", "usage"])) ?? nil else {
            return .failure(UpstreamFailure(kind: .badResponse, message: "answer is not a JSON object"))
        }
        if let error = answer["error"], error != .null {
            return .failure(.embeddedError(
                error, redactor: redactor, dialect: dialect, prefix: "error object in a success answer: ", otherwise: .badResponse
            ))
        }
        guard answer["choices"]?.arrayValue != nil else {
            return .failure(UpstreamFailure(kind: .badResponse, message: "answer has no choices array"))
        }
        let usage = answer["usage"]?.objectValue
        return .success(Usage(promptTokens: count(usage?["prompt_tokens"]), completionTokens: count(usage?["completion_tokens"])))
    }

    /// The failure an `{"error": ...}` stream event stands for, or `nil` for an ordinary chunk.
    ///
    /// Chunks are only parsed when they mention `"error"`, so ordinary chunks cost one scan.
    static func streamFailure(in payload: ByteBuffer, redactor: SecretRedactor, dialect: VendorDialect) -> UpstreamFailure? {
        let bytes = payload.readableBytesView
        guard bytes.firstRange(of: errorKey) != nil,
              let value = try? JSONValue(parsing: bytes),
              let error = value.objectValue?["error"], error != .null
        else { return nil }
        return .embeddedError(error, redactor: redactor, dialect: dialect)
    }

    /// Whether `body` is an `{"error": ...}` object; its failure when it is.
    static func errorObject(in body: [UInt8], redactor: SecretRedactor, dialect: VendorDialect) -> UpstreamFailure? {
        guard let value = try? JSONValue(parsing: body),
              let error = value.objectValue?["error"], error != .null
        else { return nil }
        return .embeddedError(error, redactor: redactor, dialect: dialect)
    }

    /// A token count: a non-negative integer.
    private static func count(_ value: JSONValue?) -> Int? {
        guard case .integer(let number)? = value, number >= 0 else { return nil }
        return Int(exactly: number)
    }

    private static let errorKey = Array(#""error""#.utf8)
}
