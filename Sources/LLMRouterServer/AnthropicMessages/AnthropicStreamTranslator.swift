import LLMRouterCore
import NIOCore

/// Turns the `chat.completion.chunk` payloads of an upstream stream into the server-sent events
/// of an Anthropic Messages stream.
///
/// Anthropic streams numbered content blocks, each opened by `content_block_start`, filled by
/// deltas and closed by `content_block_stop`, one at a time; OpenAI streams loose deltas. So the
/// translator keeps the open block and starts a new one (closing the old) whenever the kind of
/// delta changes: reasoning → `thinking`, content → `text`, each tool call → `tool_use`.
/// A plain state machine: the owner feeds chunks and writes the returned events.
///
/// ```
/// var translator = AnthropicStreamTranslator(model: "claude-x", inputTokensEstimate: 12)
/// for payload in chunks { events += try translator.events(forChunk: payload) }
/// events += translator.finish()
/// ```
struct AnthropicStreamTranslator: Sendable {
    private enum BlockKind: Equatable {
        case text
        case thinking
        case toolUse(upstreamIndex: Int)
    }

    /// The model name the client asked for, echoed in `message_start`.
    let model: String
    /// The estimate given at start, replaced by the upstream's `prompt_tokens` once it reports usage.
    private(set) var inputTokens: Int
    /// The upstream's `completion_tokens`; 0 until it reports usage.
    private(set) var outputTokens = 0
    private var started = false
    private var finished = false
    private var openBlock: (kind: BlockKind, index: Int)?
    private var nextBlockIndex = 0
    /// The block and id of each upstream tool call, by its `index` in `delta.tool_calls`.
    private var toolBlocks: [Int: (blockIndex: Int, id: String)] = [:]
    private var finishReason: String?
    private var producedToolUse = false
    /// Where the answering provider's chunks carry their usage; set once routed.
    var usageLocation: UsageLocation

    /// A `ping` event: sent after `message_start`, as Anthropic does.
    static let ping = AnthropicJSON.event("ping", .object(["type": .string("ping")]))

    init(model: String, inputTokensEstimate: Int, usageLocation: UsageLocation = .standard) {
        self.model = model
        self.inputTokens = inputTokensEstimate
        self.usageLocation = usageLocation
    }

    /// The events for one upstream chunk (the JSON after `data: `, without `[DONE]`); the first
    /// chunk also yields `message_start`.
    /// - Throws: ``UpstreamFailure`` `.badResponse` when the chunk is not a JSON object or is an
    ///   error object.
    mutating func events(forChunk payload: ByteBuffer) throws(UpstreamFailure) -> [ByteBuffer] {
        let chunk = try AnthropicJSON.upstreamObject(payload.readableBytesView, what: "stream chunk")
        var events: [ByteBuffer] = []
        if !started {
            // Anthropic follows message_start with a ping; some clients wait for it.
            events.append(messageStart(upstreamID: chunk["id"]))
            events.append(Self.ping)
        }
        if let usage = AnthropicJSON.usage(of: chunk, location: usageLocation) {
            if usage.input > 0 { inputTokens = usage.input }
            outputTokens = usage.output
        }
        // A usage-only chunk has an empty `choices`.
        guard let choice = chunk["choices"]?.arrayValue?.first?.objectValue else { return events }
        if let delta = choice["delta"]?.objectValue {
            let (text, inlineThinking) = AnthropicJSON.textAndThinking(of: delta["content"])
            let thinking = AnthropicJSON.reasoning(of: delta) + inlineThinking
            if !thinking.isEmpty {
                startBlock(.thinking, into: &events)
                appendDelta(["type": .string("thinking_delta"), "thinking": .string(thinking)], into: &events)
            }
            if !text.isEmpty {
                startBlock(.text, into: &events)
                appendDelta(["type": .string("text_delta"), "text": .string(text)], into: &events)
            }
            for (position, call) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                guard let call = call.objectValue else { continue }
                toolCallDelta(call, position: position, into: &events)
            }
        }
        if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        return events
    }

    /// The closing events: `content_block_stop` for the open block, `message_delta` with the
    /// stop reason and usage, and `message_stop`. A stream that sent no chunk still gets a whole
    /// `message_start` … `message_stop` sequence. Later calls return nothing.
    mutating func finish() -> [ByteBuffer] {
        guard !finished else { return [] }
        finished = true
        var events: [ByteBuffer] = []
        if !started { events.append(messageStart(upstreamID: nil)) }
        closeOpenBlock(into: &events)
        let stopReason = AnthropicJSON.stopReason(finishReason: finishReason, producedToolUse: producedToolUse)
        events.append(
            AnthropicJSON.event(
                "message_delta",
                .object([
                    "type": .string("message_delta"),
                    "delta": .object(["stop_reason": .string(stopReason), "stop_sequence": .null]),
                    // Anthropic's own message_delta repeats input_tokens; clients that total
                    // usage from it then see the upstream's count, not the estimate.
                    "usage": .object([
                        "input_tokens": .integer(Int64(inputTokens)),
                        "output_tokens": .integer(Int64(outputTokens)),
                    ]),
                ])
            )
        )
        events.append(AnthropicJSON.event("message_stop", .object(["type": .string("message_stop")])))
        return events
    }

    private mutating func messageStart(upstreamID: JSONValue?) -> ByteBuffer {
        started = true
        let message: JSONValue = .object([
            "id": .string(AnthropicJSON.messageID(upstream: upstreamID)),
            "type": .string("message"),
            "role": .string("assistant"),
            "model": .string(model),
            "content": .array([]),
            "stop_reason": .null,
            "stop_sequence": .null,
            "usage": .object(["input_tokens": .integer(Int64(inputTokens)), "output_tokens": .integer(0)]),
        ])
        return AnthropicJSON.event("message_start", .object(["type": .string("message_start"), "message": message]))
    }

    /// One fragment of a tool call: its first fragment (a new `index`, or a new `id` at a known
    /// index, which some upstreams send without an index) opens a `tool_use` block; argument
    /// text goes out as `input_json_delta`. The block's name is taken from that first fragment,
    /// where OpenAI-compatible upstreams send it; a name sent only later is not picked up.
    private mutating func toolCallDelta(_ call: [String: JSONValue], position: Int, into events: inout [ByteBuffer]) {
        let upstreamIndex = call["index"]?.intValue ?? position
        let function = call["function"]?.objectValue
        let id = call["id"]?.stringValue ?? ""
        let blockIndex: Int
        if let known = toolBlocks[upstreamIndex], id.isEmpty || id == known.id {
            blockIndex = known.blockIndex
        } else {
            closeOpenBlock(into: &events)
            blockIndex = nextBlockIndex
            nextBlockIndex += 1
            let blockID = id.isEmpty ? AnthropicJSON.generatedID(prefix: "toolu_") : id
            toolBlocks[upstreamIndex] = (blockIndex, blockID)
            openBlock = (.toolUse(upstreamIndex: upstreamIndex), blockIndex)
            producedToolUse = true
            let block: JSONValue = .object([
                "type": .string("tool_use"),
                "id": .string(blockID),
                "name": .string(function?["name"]?.stringValue ?? ""),
                "input": .object([:]),
            ])
            events.append(blockEvent("content_block_start", index: blockIndex, ["content_block": block]))
        }
        let fragment: String
        switch function?["arguments"] {
        case .string(let text)?: fragment = text
        case .object(let object)?: fragment = String(decoding: AnthropicJSON.encode(.object(object)), as: UTF8.self)
        default: fragment = ""
        }
        guard !fragment.isEmpty else { return }
        // A fragment for an earlier tool call after another block began (interleaved calls)
        // goes to that call's block index, where Anthropic SDKs accumulate by index.
        let delta: JSONValue = .object(["type": .string("input_json_delta"), "partial_json": .string(fragment)])
        events.append(blockEvent("content_block_delta", index: blockIndex, ["delta": delta]))
    }

    /// Makes a text or thinking block the open one, closing a block of another kind first.
    private mutating func startBlock(_ kind: BlockKind, into events: inout [ByteBuffer]) {
        if openBlock?.kind == kind { return }
        closeOpenBlock(into: &events)
        let index = nextBlockIndex
        nextBlockIndex += 1
        openBlock = (kind, index)
        let block: JSONValue =
            kind == .thinking
            ? .object(["type": .string("thinking"), "thinking": .string(""), "signature": .string("")])
            : .object(["type": .string("text"), "text": .string("")])
        events.append(blockEvent("content_block_start", index: index, ["content_block": block]))
    }

    private mutating func appendDelta(_ delta: [String: JSONValue], into events: inout [ByteBuffer]) {
        guard let index = openBlock?.index else { return }
        events.append(blockEvent("content_block_delta", index: index, ["delta": .object(delta)]))
    }

    private mutating func closeOpenBlock(into events: inout [ByteBuffer]) {
        guard let block = openBlock else { return }
        openBlock = nil
        events.append(blockEvent("content_block_stop", index: block.index, [:]))
    }

    private func blockEvent(_ name: String, index: Int, _ members: [String: JSONValue]) -> ByteBuffer {
        var payload = members
        payload["type"] = .string(name)
        payload["index"] = .integer(Int64(index))
        return AnthropicJSON.event(name, .object(payload))
    }
}
