public import NIOCore

/// An incremental Server-Sent Events parser: feed it the body as it arrives, get whole events back.
///
/// It follows the WHATWG event-stream rules that matter for LLM upstreams:
/// - lines end in LF, CRLF or CR, and a CRLF split across two chunks is still one line end;
/// - a blank line dispatches the event; `data:` lines of one event are joined with `\n`;
/// - one space after the colon is dropped (`data: x` and `data:x` are the same);
/// - lines starting with `:` are comments (OpenRouter's `: OPENROUTER PROCESSING` keep-alives);
/// - `event:` names the event; `id:`, `retry:` and unknown fields are ignored;
/// - an event without `data:` lines is not dispatched.
///
/// Chunk boundaries carry no meaning, so an event can arrive split at any byte. The parser is a
/// pure value: it does no I/O, which keeps it testable against captured streams.
public struct SSEParser: Sendable {
    /// One dispatched event.
    public struct Event: Sendable, Equatable {
        /// The `data:` payload, lines joined with `\n`.
        public var data: ByteBuffer
        /// The `event:` field, when the upstream named one.
        public var name: String?

        public init(data: ByteBuffer, name: String? = nil) {
            self.data = data
            self.name = name
        }

        /// Whether this is OpenAI's end-of-stream marker, `data: [DONE]`.
        public var isDone: Bool { data.readableBytesView.elementsEqual("[DONE]".utf8) }
    }

    /// An event or line longer than ``maximumEventSize``: the upstream is not speaking SSE.
    public struct EventTooLarge: Error, Sendable, Equatable {
        public var limit: Int
    }

    /// The most bytes one event (or one unterminated line) may hold. Defaults to 8 MiB.
    public let maximumEventSize: Int

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var name: String?
    /// The previous chunk ended in CR, so an LF at the start of the next one ends nothing.
    private var skipLineFeed = false

    public init(maximumEventSize: Int = 8 << 20) {
        self.maximumEventSize = maximumEventSize
    }

    /// Parses the next chunk of the body and returns the events it completed, in order.
    public mutating func feed(_ chunk: ByteBuffer) throws(EventTooLarge) -> [Event] {
        var events: [Event] = []
        let fits = chunk.withUnsafeReadableBytes { bytes in
            scan(bytes, into: &events)
        }
        guard fits, line.count + data.count <= maximumEventSize else { throw EventTooLarge(limit: maximumEventSize) }
        return events
    }

    /// Splits `bytes` into lines, processing each complete one; returns false when an event
    /// outgrew ``maximumEventSize``.
    private mutating func scan(_ bytes: UnsafeRawBufferPointer, into events: inout [Event]) -> Bool {
        var index = 0
        while index < bytes.count {
            if skipLineFeed {
                skipLineFeed = false
                if bytes[index] == Self.lineFeed {
                    index += 1
                    continue
                }
            }
            var end = index
            while end < bytes.count, bytes[end] != Self.lineFeed, bytes[end] != Self.carriageReturn {
                end += 1
            }
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
            guard end < bytes.count else { break }
            guard processLine(into: &events) else { return false }
            skipLineFeed = bytes[end] == Self.carriageReturn
            index = end + 1
        }
        return true
    }

    /// Ends the body: an unterminated last line and an event missing its blank line are still
    /// delivered, since some servers close right after `data: [DONE]\n`.
    public mutating func finish() -> [Event] {
        var events: [Event] = []
        if !line.isEmpty {
            // The limit was enforced as the line grew; an event over it is dropped here.
            _ = processLine(into: &events)
        }
        dispatch(into: &events)
        skipLineFeed = false
        return events
    }

    /// Handles the complete line in `line`; false when the event's data outgrew the limit.
    private mutating func processLine(into events: inout [Event]) -> Bool {
        defer { line.removeAll(keepingCapacity: true) }
        guard let first = line.first else {
            dispatch(into: &events)
            return true
        }
        if first == Self.colon { return true }
        let colon = line.firstIndex(of: Self.colon) ?? line.endIndex
        var valueStart = colon < line.endIndex ? colon + 1 : colon
        if valueStart < line.endIndex, line[valueStart] == Self.space { valueStart += 1 }
        let field = line[line.startIndex..<colon]
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(Self.lineFeed) }
            data.append(contentsOf: line[valueStart...])
            hasData = true
            return data.count <= maximumEventSize
        } else if field.elementsEqual("event".utf8) {
            name = String(decoding: line[valueStart...], as: UTF8.self)
        }
        return true
    }

    private mutating func dispatch(into events: inout [Event]) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            name = nil
        }
        guard hasData else { return }
        events.append(Event(data: ByteBuffer(bytes: data), name: name))
    }

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let colon = UInt8(ascii: ":")
    private static let space = UInt8(ascii: " ")
}
