#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import NIOCore

/// JSON and server-sent-event helpers shared by the Anthropic translations.
enum AnthropicJSON {
    /// The JSON text of `value`, keys sorted so output is reproducible in tests and logs.
    static func encode(_ value: JSONValue) -> [UInt8] {
        JSONValue.encodedBytes(value)
    }

    /// One complete SSE event, `event: NAME\ndata: JSON\n\n`, in one buffer so it goes out in one write.
    static func event(_ name: String, _ payload: JSONValue) -> ByteBuffer {
        SSE.event(named: name, encode(payload))
    }

    /// A fresh id with Anthropic's prefix (`msg_`, `toolu_`), for upstreams that send none.
    static func generatedID(prefix: String) -> String {
        prefix + UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(24)
    }

    /// The Anthropic message id for an upstream completion id: `msg_` + that id, or a fresh one.
    static func messageID(upstream: JSONValue?) -> String {
        if let id = upstream?.stringValue, !id.isEmpty { return "msg_" + id }
        return generatedID(prefix: "msg_")
    }

    /// The Anthropic `stop_reason` for an OpenAI `finish_reason`.
    ///
    /// A turn that produced tool calls is `tool_use` whatever the upstream said: several
    /// OpenAI-compatible upstreams answer `stop` there, and Anthropic clients run the tools only
    /// on `tool_use`.
    static func stopReason(finishReason: String?, producedToolUse: Bool) -> String {
        if producedToolUse { return "tool_use" }
        switch finishReason {
        case "length": return "max_tokens"
        case "tool_calls", "function_call": return "tool_use"
        default: return "end_turn"  // stop, content_filter, missing
        }
    }

    /// `prompt_tokens` and `completion_tokens` of a completion or chunk, found where the
    /// provider's `location` says (`usage`, or a vendor's own place); `nil` when it has none.
    static func usage(of object: [String: JSONValue], location: UsageLocation) -> (input: Int, output: Int)? {
        guard let usage = location.usage(in: object) else { return nil }
        return (usage["prompt_tokens"]?.intValue ?? 0, usage["completion_tokens"]?.intValue ?? 0)
    }

    /// The text and reasoning in an assistant `content`, which is a string, or (Mistral) an
    /// array of `text` parts and `thinking` parts whose `thinking` is a string or text parts.
    static func textAndThinking(of content: JSONValue?) -> (text: String, thinking: String) {
        switch content {
        case .string(let text)?: return (text, "")
        case .array(let parts)?:
            var text = ""
            var thinking = ""
            for part in parts {
                guard let object = part.objectValue else { continue }
                switch object["type"]?.stringValue {
                case "text": text += object["text"]?.stringValue ?? ""
                case "thinking": thinking += joinedText(object["thinking"])
                default: continue
                }
            }
            return (text, thinking)
        default: return ("", "")
        }
    }

    /// A string, or the `text` of an array of parts, joined.
    static func joinedText(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .array(let parts)?: parts.compactMap { $0.objectValue?["text"]?.stringValue }.joined()
        default: ""
        }
    }

    /// The reasoning text of a message or delta: `reasoning` (OpenRouter, Groq) or
    /// `reasoning_content` (DeepSeek, vLLM).
    static func reasoning(of object: [String: JSONValue]) -> String {
        object["reasoning"]?.stringValue ?? object["reasoning_content"]?.stringValue ?? ""
    }

    /// Parses the JSON of an upstream answer or chunk into an object.
    static func upstreamObject(_ bytes: some Collection<UInt8>, what: String) throws(UpstreamFailure) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw UpstreamFailure(kind: .badResponse, message: "the upstream \(what) is not valid JSON (\(error.description))")
        }
        guard let object = value.objectValue else {
            throw UpstreamFailure(kind: .badResponse, message: "the upstream \(what) is a JSON \(value.typeName), not an object")
        }
        if let error = object["error"], error != .null {
            let message = error.objectValue?["message"]?.stringValue ?? error.stringValue ?? "no message"
            throw UpstreamFailure(kind: .badResponse, message: "the upstream \(what) is an error: \(message)")
        }
        return object
    }
}
