public import NIOCore

/// A stored `chat.completion` played back as the chunks of a stream: the role first, the text
/// in word-sized pieces, tool calls, the finish reason, and the usage when the request asked
/// for it — with the original's `id`, `created` and `model`, so a client cannot tell it from a
/// live stream but by its speed.
public enum ChatAnswerReplay {
    /// The chunk payloads (without `data: `); empty when `body` is not a chat completion.
    public static func chunks(of body: [UInt8], includeUsage: Bool) -> [ByteBuffer] {
        guard let answer = try? JSONValue(parsing: body).objectValue else { return [] }
        var base: [String: JSONValue] = ["object": .string("chat.completion.chunk")]
        for name in ["id", "created", "model", "system_fingerprint"] {
            if let value = answer[name] { base[name] = value }
        }
        func chunk(index: Int, delta: [String: JSONValue], finish: JSONValue = .null) -> ByteBuffer {
            var object = base
            object["choices"] = .array([.object(["index": .integer(Int64(index)), "delta": .object(delta), "finish_reason": finish])])
            return ByteBuffer(bytes: JSONValue.encodedBytes(.object(object)))
        }
        var chunks: [ByteBuffer] = []
        for (position, item) in (answer["choices"]?.arrayValue ?? []).enumerated() {
            guard let choice = item.objectValue else { continue }
            let index = choice["index"]?.intValue ?? position
            let message = choice["message"]?.objectValue ?? [:]
            chunks.append(chunk(index: index, delta: ["role": message["role"] ?? .string("assistant"), "content": .string("")]))
            if let reasoning = message["reasoning"]?.stringValue {
                for piece in words(of: reasoning) { chunks.append(chunk(index: index, delta: ["reasoning": .string(piece)])) }
            }
            if let text = message["content"]?.stringValue {
                for piece in words(of: text) { chunks.append(chunk(index: index, delta: ["content": .string(piece)])) }
            }
            for (slot, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
                guard var call = call.objectValue else { continue }
                call["index"] = .integer(Int64(slot))
                chunks.append(chunk(index: index, delta: ["tool_calls": .array([.object(call)])]))
            }
            chunks.append(chunk(index: index, delta: [:], finish: choice["finish_reason"] ?? .string("stop")))
        }
        if includeUsage, let usage = answer["usage"] {
            var object = base
            object["choices"] = .array([])
            object["usage"] = usage
            chunks.append(ByteBuffer(bytes: JSONValue.encodedBytes(.object(object))))
        }
        return chunks
    }

    /// `text` cut before each run of spaces: "Hello big world" → "Hello", " big", " world".
    /// Joined back they are `text` exactly.
    static func words(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var inWord = false
        for character in text {
            let isSpace = character.isWhitespace
            if isSpace, inWord, !current.isEmpty {
                pieces.append(current)
                current = ""
            }
            inWord = !isSpace
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}

/// A fixed list of chunks as a stream, for replaying a stored answer.
struct ReplayedChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunks: [ByteBuffer]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<ByteBuffer>

        mutating func next() async throws -> ByteBuffer? {
            remaining.popFirst()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: chunks[...]) }
}
