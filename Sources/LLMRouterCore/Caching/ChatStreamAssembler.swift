public import NIOCore

/// Builds the complete `chat.completion` a stream amounts to, chunk by chunk, so a streamed
/// answer is stored once and can later be served whole or replayed as a stream.
public struct ChatStreamAssembler: Sendable {
    private struct ToolCall: Sendable {
        var id: JSONValue = .null
        var type: JSONValue = .string("function")
        var name = ""
        var arguments = ""
    }

    private struct Choice: Sendable {
        var role = "assistant"
        var content = ""
        var hasContent = false
        var reasoning = ""
        var toolCalls: [Int: ToolCall] = [:]
        var finishReason: JSONValue = .null
    }

    private var top: [String: JSONValue] = [:]
    private var choices: [Int: Choice] = [:]
    private var usage: JSONValue?
    /// Set when a chunk could not be read: such a stream is not stored.
    public private(set) var isDamaged = false

    public init() {}

    /// Adds one chunk's payload (the JSON after `data: `).
    public mutating func add(_ chunk: ByteBuffer) {
        guard let object = try? JSONValue(parsing: chunk.readableBytesView).objectValue else {
            isDamaged = true
            return
        }
        for name in ["id", "created", "model", "system_fingerprint"] where top[name] == nil {
            if let value = object[name], value != .null { top[name] = value }
        }
        if let found = object["usage"], found != .null { usage = found }
        if let found = object["x_groq"]?.objectValue?["usage"], usage == nil { usage = found }
        for item in object["choices"]?.arrayValue ?? [] {
            guard let choice = item.objectValue else { continue }
            let index = choice["index"]?.intValue ?? 0
            var assembled = choices[index] ?? Choice()
            let delta = choice["delta"]?.objectValue ?? [:]
            if let role = delta["role"]?.stringValue { assembled.role = role }
            if let text = delta["content"]?.stringValue {
                assembled.content += text
                assembled.hasContent = true
            }
            if let text = (delta["reasoning_content"] ?? delta["reasoning"])?.stringValue { assembled.reasoning += text }
            for call in delta["tool_calls"]?.arrayValue ?? [] {
                guard let call = call.objectValue else { continue }
                let slot = call["index"]?.intValue ?? assembled.toolCalls.count
                var tool = assembled.toolCalls[slot] ?? ToolCall()
                if let id = call["id"], id != .null { tool.id = id }
                if let type = call["type"], type != .null { tool.type = type }
                let function = call["function"]?.objectValue
                if let name = function?["name"]?.stringValue { tool.name += name }
                if let arguments = function?["arguments"]?.stringValue { tool.arguments += arguments }
                assembled.toolCalls[slot] = tool
            }
            if let reason = choice["finish_reason"], reason != .null { assembled.finishReason = reason }
            choices[index] = assembled
        }
    }

    /// The `chat.completion` body the chunks make.
    public func completion() -> [UInt8] {
        JSONValue.encodedBytes(.object(completionObject()))
    }

    /// Whether the assembled answer is kept, decided from the answer as built here: the body
    /// is written once and not parsed again.
    public func decision(settings: ResponseCacheSettings) -> CacheDecision {
        let answer = completionObject()
        let body = JSONValue.encodedBytes(.object(answer))
        guard body.count <= settings.maxEntryBytes else { return .refuse("too_large") }
        if let reason = CacheRefusal.check(chatAnswer: answer, settings: settings) { return .refuse(reason) }
        return .store(body, usage: AnswerUsage(answer["usage"]))
    }

    private func completionObject() -> [String: JSONValue] {
        var object = top
        object["object"] = .string("chat.completion")
        object["choices"] = .array(choices.keys.sorted().compactMap { index in
            guard let choice = choices[index] else { return nil }
            var message: [String: JSONValue] = ["role": .string(choice.role)]
            message["content"] = choice.hasContent || choice.toolCalls.isEmpty ? .string(choice.content) : .null
            if !choice.reasoning.isEmpty { message["reasoning"] = .string(choice.reasoning) }
            if !choice.toolCalls.isEmpty {
                message["tool_calls"] = .array(choice.toolCalls.keys.sorted().compactMap { slot in
                    guard let call = choice.toolCalls[slot] else { return nil }
                    return .object([
                        "id": call.id, "type": call.type,
                        "function": .object(["name": .string(call.name), "arguments": .string(call.arguments)]),
                    ])
                })
            }
            return .object(["index": .integer(Int64(index)), "message": .object(message), "finish_reason": choice.finishReason])
        })
        if let usage { object["usage"] = usage }
        return object
    }
}
