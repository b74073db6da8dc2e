#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
import NIOCore

extension EchoProvider {
    /// How many numbers an echo vector has when the request names no `dimensions`.
    static let defaultEmbeddingDimensions = 8

    /// Deterministic vectors (a hash of each input spread over the dimensions), so tests and
    /// keyless setups get stable embeddings; `encoding_format: base64` is honoured as OpenAI
    /// does (little-endian float32s).
    public func embed(_ request: EmbeddingsRequest, context: ProviderContext) async throws -> EmbeddingsAnswer {
        try await waitForLatency(context)
        let inputs: [String]
        switch request.fields["input"] {
        case .string(let text)?: inputs = [text]
        case .array(let items)? where items.allSatisfy({ $0.intValue != nil }): inputs = [JSONValue.array(items).compactText]
        case .array(let items)?: inputs = items.map { $0.stringValue ?? $0.compactText }
        default: inputs = []
        }
        let dimensions = request.fields["dimensions"]?.intValue ?? Self.defaultEmbeddingDimensions
        let base64 = request.fields["encoding_format"]?.stringValue == "base64"
        let data: [JSONValue] = inputs.enumerated().map { index, text in
            let vector = Self.vector(for: text, dimensions: dimensions)
            let embedding: JSONValue = base64 ? .string(Self.base64(vector)) : .array(vector.map { .number(Double($0)) })
            return .object(["object": .string("embedding"), "index": .integer(Int64(index)), "embedding": embedding])
        }
        let tokens = inputs.reduce(0) { $0 + $1.split(separator: " ").count }
        let answer: JSONValue = .object([
            "object": .string("list"),
            "data": .array(data),
            "model": .string(context.upstreamModel ?? request.model ?? "echo"),
            "usage": .object(["prompt_tokens": .integer(Int64(tokens)), "total_tokens": .integer(Int64(tokens))]),
        ])
        return EmbeddingsAnswer(body: ByteBuffer(bytes: JSONValue.encodedBytes(answer)))
    }

    /// A unit vector drawn from FNV-1a hashes of the text, one per dimension.
    static func vector(for text: String, dimensions: Int) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(dimensions)
        for dimension in 0..<dimensions {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 &+ UInt64(dimension)
            for byte in text.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            values.append(Float(hash % 2001) / 1000 - 1)
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }

    static func base64(_ vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}

extension JSONValue {
    /// The value as compact JSON text.
    fileprivate var compactText: String { String(decoding: JSONValue.encodedBytes(self), as: UTF8.self) }
}
