#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

/// Indents JSON the way people and diff tools expect: two spaces, `"key": value`, sorted keys,
/// and `{}` / `[]` for empty containers.
///
/// Foundation's `.prettyPrinted` writes `"key" : value` and breaks empty objects over two lines,
/// which makes the committed index noisy to review; this printer re-renders compact output.
enum PrettyJSON {
    /// Re-renders compact JSON `data` indented; ends with a newline.
    static func format(_ data: Data) throws -> Data {
        let value = try JSONValue(parsing: data)
        var text = ""
        try write(value, indent: 0, into: &text)
        text.append("\n")
        return Data(text.utf8)
    }

    private static func write(_ value: JSONValue, indent: Int, into text: inout String) throws {
        let pad = String(repeating: "  ", count: indent + 1)
        let closingPad = String(repeating: "  ", count: indent)
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .integer(let number): text += String(number)
        case .number(let number):
            // Integral values print without a fraction, as JSONEncoder does.
            if number.rounded() == number, abs(number) < 1e15 { text += String(Int64(number)) } else { text += "\(number)" }
        case .string(let string): text += try quoted(string)
        case .array(let items):
            guard !items.isEmpty else { text += "[]"; return }
            text += "[\n"
            for (position, item) in items.enumerated() {
                text += pad
                try write(item, indent: indent + 1, into: &text)
                text += position == items.count - 1 ? "\n" : ",\n"
            }
            text += closingPad + "]"
        case .object(let members):
            guard !members.isEmpty else { text += "{}"; return }
            text += "{\n"
            let keys = members.keys.sorted()
            for (position, key) in keys.enumerated() {
                text += pad + (try quoted(key)) + ": "
                try write(members[key] ?? .null, indent: indent + 1, into: &text)
                text += position == keys.count - 1 ? "\n" : ",\n"
            }
            text += closingPad + "}"
        }
    }

    /// A JSON string literal, escaped exactly as JSONEncoder escapes it.
    private static func quoted(_ string: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(string), as: UTF8.self)
    }
}
