import Foundation
import LLMRouterCore
import LLMRouterProviders
@testable import LLMRouterServer
import LLMRouterTesting
import NIOCore
import Testing

extension UsageLocation {
    /// Every vendor's usage places (the `openai` dialect reads them all): the translation tests
    /// feed captures from several vendors, Groq's with `x_groq.usage`.
    static let anyVendor = VendorDialect.openAI.usageLocation
}

/// One server-sent event: its `event:` name and its `data:` JSON.
struct AnthropicSSEEvent {
    var name: String
    var data: JSONValue
}

/// Helpers for the Anthropic translation tests: JSON literals, fixture SSE parsing.
enum AnthropicTestSupport {
    static func json(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: Array(text.utf8))
    }

    static func json(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONValue(parsing: bytes)
    }

    /// The `data:` payloads of an OpenAI-style SSE fixture, without `[DONE]` and comment lines.
    static func chunkPayloads(ofFixture name: String) throws -> [ByteBuffer] {
        let text = String(decoding: try UpstreamFixtures.bytes(name), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { $0.hasPrefix("data: ") }
            .map { $0.dropFirst("data: ".count).trimmingCharacters(in: .whitespaces) }
            .filter { $0 != "[DONE]" }
            .map { ByteBuffer(string: $0) }
    }

    /// The events of an Anthropic SSE fixture (`event:` / `data:` pairs).
    static func fixtureEvents(_ name: String) throws -> [AnthropicSSEEvent] {
        let text = String(decoding: try UpstreamFixtures.bytes(name), as: UTF8.self)
        var events: [AnthropicSSEEvent] = []
        var pendingName: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("event: ") {
                pendingName = String(line.dropFirst("event: ".count))
            } else if line.hasPrefix("data: "), let name = pendingName {
                events.append(AnthropicSSEEvent(name: name, data: try json(String(line.dropFirst("data: ".count)))))
                pendingName = nil
            }
        }
        return events
    }

    /// Decodes translator output, checking each buffer is exactly one `event: NAME\ndata: JSON\n\n`
    /// whose JSON `type` is NAME.
    static func decode(_ buffers: [ByteBuffer]) throws -> [AnthropicSSEEvent] {
        try buffers.map { buffer in
            let text = String(buffer: buffer)
            #expect(text.hasPrefix("event: "))
            #expect(text.hasSuffix("\n\n"))
            let lines = text.dropLast(2).split(separator: "\n", omittingEmptySubsequences: false)
            try #require(lines.count == 2)
            let name = String(lines[0].dropFirst("event: ".count))
            try #require(lines[1].hasPrefix("data: "))
            let data = try json(String(lines[1].dropFirst("data: ".count)))
            #expect(data["type"] == .string(name))
            return AnthropicSSEEvent(name: name, data: data)
        }
    }

    /// Feeds every chunk of a fixture through a translator and finishes it.
    /// The events a fixture's chunks translate to, without the `ping` after `message_start`
    /// (`pingFollowsMessageStartAsAnthropicSends` checks it), so indexes follow the content.
    static func translateStream(fixture: String, inputTokensEstimate: Int = 7) throws -> [AnthropicSSEEvent] {
        try translateStreamWithPings(fixture: fixture, inputTokensEstimate: inputTokensEstimate).filter { $0.name != "ping" }
    }

    static func translateStreamWithPings(fixture: String, inputTokensEstimate: Int = 7) throws -> [AnthropicSSEEvent] {
        var translator = AnthropicStreamTranslator(model: "claude-test", inputTokensEstimate: inputTokensEstimate, usageLocation: .anyVendor)
        var buffers: [ByteBuffer] = []
        for payload in try chunkPayloads(ofFixture: fixture) {
            buffers += try translator.events(forChunk: payload)
        }
        buffers += translator.finish()
        return try decode(buffers)
    }

    /// Event names with runs of `content_block_delta` collapsed to one and `ping` left out:
    /// the shape of a stream, independent of how finely the text was cut.
    static func shape(_ events: [AnthropicSSEEvent]) -> [String] {
        var names: [String] = []
        for event in events where event.name != "ping" {
            if event.name == "content_block_delta" && names.last == "content_block_delta" { continue }
            names.append(event.name)
        }
        return names
    }

    /// The sorted keys of an object value.
    static func keys(_ value: JSONValue?) -> [String] {
        (value?.objectValue?.keys).map { $0.sorted() } ?? []
    }
}

extension JSONValue {
    /// The member `key` of an object, for terse assertions.
    subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The element `index` of an array, for terse assertions.
    subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
