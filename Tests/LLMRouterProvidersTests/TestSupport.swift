import LLMRouterCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A key shaped like no provider's key, so only the registered-secret path can mask it.
let testKey = "test-secret-key-0123456789"

/// The `data:` payloads of an SSE fixture, read naively (every `data: ` line), for comparison.
func naiveDataLines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self)
        .split(separator: "\n")
        .filter { $0.hasPrefix("data: ") }
        .map { String($0.dropFirst(6)) }
}

/// Parses JSON text into a ``JSONValue``.
func json(_ bytes: [UInt8]) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
}
