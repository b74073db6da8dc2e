import Logging
import NIOCore

/// The semantic layer's side of routing: the embedding of a question's last user message,
/// asked of the router's own embeddings routes.
extension RequestRouter {
    /// The unit vector of `request`'s last user message and the hash of everything else, or
    /// `nil` when the layer is off, the message is too short, or no embedding came within the
    /// layer's timeout — then the request is a plain miss, never a failure.
    func semanticQuestion(
        _ cache: ResponseCache,
        request: CacheRequest,
        model: String,
        table: RoutingTable,
        deadline: C.Instant,
        info: RequestInfo
    ) async -> (vector: [Float], scope: UInt64)? {
        guard let settings = cache.settings.semantic, !info.cache.semanticOff, !info.cache.noCache,
            let text = request.lastUserText?.trimmingWhitespace(), text.count >= settings.minimumCharacters
        else { return nil }
        let fields: [String: JSONValue] = ["model": .string(settings.model), "input": .string(text), "encoding_format": .string("float")]
        guard let embedding = try? EmbeddingsRequest(json: JSONValue.encodedBytes(.object(fields))) else { return nil }
        var embeddingInfo = info
        embeddingInfo.endpoint = RequestInfo.semanticEmbeddingEndpoint
        // A question's vector is not kept as an entry: an exact repeat is answered before it is
        // needed, and 1,024 floats of JSON would crowd answers out of the byte bound.
        var noEntry = CacheDirectives()
        noEntry.off = true
        embeddingInfo.cache = noEntry
        let embeddingDeadline = min(deadline, clock.now.advanced(by: settings.embeddingTimeout))
        let outcome = try? await route(Embed(embedding), model: settings.model, table: table, deadline: embeddingDeadline, info: embeddingInfo)
        guard case .answered(let answer)? = outcome, let vector = Self.firstVector(in: Array(answer.output.body.readableBytesView)) else {
            info.logger.debug("semantic cache: no embedding, a plain miss", metadata: ["llmrouter.model": "\(settings.model)"])
            return nil
        }
        // The numbers of the question are part of its scope: "17 times 23" and "17 times 24"
        // embed within 0.92 of each other, and never share an answer.
        var scope = request.scopeFields
        scope["llmrouter.numbers"] = .array(Self.numbers(in: text).map(JSONValue.string))
        let scopeKey = CacheKey(keyName: info.keyName, endpoint: info.endpoint, model: model, fields: scope)
        return (vector, Self.scopeTag(scopeKey))
    }

    /// `data[0].embedding` of an embeddings answer, normalised.
    static func firstVector(in body: [UInt8]) -> [Float]? {
        guard let answer = try? JSONValue.parsingObject(body, keeping: ["data"]) ?? nil,
            let first = answer["data"]?.arrayValue?.first?.objectValue,
            let numbers = first["embedding"]?.arrayValue
        else { return nil }
        var values: [Double] = []
        values.reserveCapacity(numbers.count)
        for number in numbers {
            switch number {
            case .number(let value): values.append(value)
            case .integer(let value): values.append(Double(value))
            default: return nil
            }
        }
        return SemanticIndex.normalised(values)
    }

    /// The runs of digits in `text`, in order.
    static func numbers(in text: String) -> [String] {
        var runs: [String] = []
        var current = ""
        for character in text {
            if character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                runs.append(current)
                current = ""
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// The first 64 bits of a key's digest: scopes compare as integers during a scan.
    static func scopeTag(_ key: CacheKey) -> UInt64 {
        UInt64(key.digest.prefix(16), radix: 16) ?? 0
    }
}

extension RequestInfo {
    /// The endpoint of the semantic layer's own embedding calls, in their records.
    static let semanticEmbeddingEndpoint = "cache_embedding"
}
