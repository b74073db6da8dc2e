import LLMRouterProviders
import LLMRouterTesting
import NIOCore
import Testing

struct SSEParserTests {
    /// Feeds `bytes` in the given chunk sizes (cycling), then finishes.
    private func parse(_ bytes: [UInt8], chunkSizes: [Int] = [Int.max]) throws -> [SSEParser.Event] {
        var parser = SSEParser()
        var events: [SSEParser.Event] = []
        var offset = 0
        var turn = 0
        while offset < bytes.count {
            let size = min(chunkSizes[turn % chunkSizes.count], bytes.count - offset)
            events += try parser.feed(ByteBuffer(bytes: bytes[offset..<offset + size]))
            offset += size
            turn += 1
        }
        return events + parser.finish()
    }

    private func strings(_ events: [SSEParser.Event]) -> [String] {
        events.map { String(buffer: $0.data) }
    }

    static let sseFixtures: [(name: String, events: Int)] = [
        ("groq-chat-stream.sse", 7),
        ("groq-chat-stream-tool-call.sse", 16),
        ("openrouter-chat-stream.sse", 6),
        ("openrouter-chat-stream-reasoning.sse", 179),
    ]

    @Test(arguments: sseFixtures)
    func fixtureParsesToItsDataLines(_ fixture: (name: String, events: Int)) throws {
        let bytes = try UpstreamFixtures.bytes(fixture.name)
        let events = try parse(bytes)
        #expect(events.count == fixture.events)
        #expect(strings(events) == naiveDataLines(bytes))
        #expect(events.last?.isDone == true)
        #expect(events.dropLast().allSatisfy { !$0.isDone && $0.data.readableBytesView.first == UInt8(ascii: "{") })
    }

    @Test(arguments: sseFixtures)
    func fixtureFedOneByteAtATimeGivesTheSameEvents(_ fixture: (name: String, events: Int)) throws {
        let bytes = try UpstreamFixtures.bytes(fixture.name)
        #expect(try parse(bytes, chunkSizes: [1]) == parse(bytes))
        #expect(try parse(bytes, chunkSizes: [7, 1, 300, 2]) == parse(bytes))
    }

    @Test(arguments: ["groq-chat-stream.sse", "openrouter-chat-stream.sse"])
    func fixtureSplitInTwoAtEveryByteGivesTheSameEvents(_ name: String) throws {
        let bytes = try UpstreamFixtures.bytes(name)
        let expected = try parse(bytes)
        for split in 0...bytes.count {
            var parser = SSEParser()
            let events = try parser.feed(ByteBuffer(bytes: bytes[..<split]))
                + parser.feed(ByteBuffer(bytes: bytes[split...]))
                + parser.finish()
            #expect(events == expected, "split at \(split)")
            if events != expected { break }
        }
    }

    @Test func crlfLineEndingsGiveTheSameEvents() throws {
        let bytes = try UpstreamFixtures.bytes("openrouter-chat-stream.sse")
        let crlf = Array(String(decoding: bytes, as: UTF8.self).replacing("\n", with: "\r\n").utf8)
        #expect(try parse(crlf) == parse(bytes))
        // A CRLF split between chunks is one line end, not an empty line after a line.
        #expect(try parse(crlf, chunkSizes: [1]) == parse(bytes))
        let crOnly = Array(String(decoding: bytes, as: UTF8.self).replacing("\n", with: "\r").utf8)
        #expect(try parse(crOnly, chunkSizes: [5]) == parse(bytes))
    }

    @Test func longGroqStreamReframedAsSSE() throws {
        let lines = String(decoding: try UpstreamFixtures.bytes("groq-chat-stream-long.chunks.jsonl"), as: UTF8.self)
            .split(separator: "\n")
            .map(String.init)
        #expect(lines.count == 663)
        let sse = Array((lines.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n").utf8)
        let events = try parse(sse, chunkSizes: [1024, 3, 4096])
        #expect(strings(events.dropLast()) == lines)
        #expect(events.last?.isDone == true)
    }

    @Test func multiLineDataIsJoinedWithNewlines() throws {
        let events = try parse(Array("data: {\"a\":\ndata:1}\n\n".utf8))
        #expect(strings(events) == ["{\"a\":\n1}"])
    }

    @Test func commentsEventIdAndRetryLinesAreIgnored() throws {
        let text = ": OPENROUTER PROCESSING\n\nevent: message\nid: 7\nretry: 100\ndata: x\n\n:keep-alive\n\n"
        let events = try parse(Array(text.utf8))
        #expect(strings(events) == ["x"])
        #expect(events.first?.name == "message")
    }

    @Test func eventsWithoutDataAreNotDispatched() throws {
        #expect(try parse(Array("event: ping\n\nid: 1\n\n".utf8)).isEmpty)
    }

    @Test func spaceAfterColonIsOptionalAndOnlyOneIsDropped() throws {
        #expect(strings(try parse(Array("data:x\n\ndata:  y\n\ndata\n\n".utf8))) == ["x", " y", ""])
    }

    @Test func unterminatedLastEventIsDeliveredAtFinish() throws {
        var parser = SSEParser()
        #expect(try parser.feed(ByteBuffer(string: "data: [DONE]")).isEmpty)
        let events = parser.finish()
        #expect(events.count == 1)
        #expect(events.first?.isDone == true)
    }

    @Test func anOverlongLineIsRejected() {
        var parser = SSEParser(maximumEventSize: 64)
        #expect(throws: SSEParser.EventTooLarge.self) {
            _ = try parser.feed(ByteBuffer(string: "data: " + String(repeating: "x", count: 100)))
        }
    }
}
