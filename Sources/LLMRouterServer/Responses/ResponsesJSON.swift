import LLMRouterCore
import NIOCore

/// JSON text and server-sent events for the Responses objects and events this folder builds.
enum ResponsesJSON {
    static func bytes(_ value: JSONValue) -> [UInt8] {
        JSONValue.encodedBytes(value)
    }

    /// One server-sent event: `event: TYPE\ndata: JSON\n\n`, in one buffer so it goes out in one write.
    static func event(type: String, payload: JSONValue) -> ByteBuffer {
        SSE.event(named: type, bytes(payload))
    }
}

extension JSONValue {
    /// The member `key` of an object, `nil` for other values; reads chains like `value["usage"]?["total_tokens"]`.
    subscript(member key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// A boolean's value, `nil` for other values.
    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}
