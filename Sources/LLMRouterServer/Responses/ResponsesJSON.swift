import LLMRouterCore
import NIOCore

/// JSON text for the Responses objects and events this folder builds.
///
/// Written by hand instead of through `JSONEncoder` because a stream renders one event per
/// upstream chunk: this path has no `Codable` boxing and cannot fail, and sorted keys keep the
/// output stable for tests and logs.
enum ResponsesJSON {
    static func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output)
        return output
    }

    /// One server-sent event: `event: TYPE\ndata: JSON\n\n`.
    static func event(type: String, payload: JSONValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("event: ")
        buffer.writeString(type)
        buffer.writeString("\ndata: ")
        buffer.writeBytes(bytes(payload))
        buffer.writeString("\n\n")
        return buffer
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output += "null".utf8
        case .bool(let flag): output += (flag ? "true" : "false").utf8
        case .integer(let number): output += String(number).utf8
        case .number(let number):
            // JSON has no NaN or infinity; upstream numbers are finite, so this only guards.
            output += (number.isFinite ? String(number) : "null").utf8
        case .string(let text): output += JSONObjectMembers.jsonString(text)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output += JSONObjectMembers.jsonString(key)
                output.append(UInt8(ascii: ":"))
                write(members[key] ?? .null, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
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
