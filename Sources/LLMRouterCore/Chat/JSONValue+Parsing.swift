extension JSONValue {
    /// Parses JSON text (RFC 8259) into a ``JSONValue``.
    ///
    /// Why not Foundation: `Decodable` has to guess each value's type by trying one after another,
    /// building a `DecodingError` for every wrong guess, and `JSONSerialization` on Linux goes
    /// through `NSDictionary` bridging; both made request parsing the largest cost of the hot path.
    /// This parser builds the tree in one pass. Nesting deeper than ``JSONParser/maximumDepth``
    /// is rejected so hostile input cannot exhaust the stack.
    public init(parsing bytes: some Sequence<UInt8>) throws(JSONParseError) {
        func parse(_ pointer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
            var parser = JSONParser(bytes: pointer)
            do throws(JSONParseError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        // Contiguous input (an array, a ByteBuffer's bytes) is read in place, without a copy.
        let result = bytes.withContiguousStorageIfAvailable(parse) ?? Array(bytes).withUnsafeBufferPointer(parse)
        self = try result.get()
    }

    /// Parses a document like ``init(parsing:)`` and also reports the first key the top-level
    /// object repeats: a request with two `"model"` keys is ambiguous (parsers disagree on which
    /// one counts), so the caller can refuse it instead of routing by one and sending the other.
    /// It also gives where each top-level member is in `bytes`, for splicing without a rescan.
    static func parsingDocument(
        _ bytes: [UInt8]
    ) throws(JSONParseError) -> (value: JSONValue, repeatedTopLevelKey: String?, topLevelMembers: [JSONParser.LocatedMember]) {
        let result = bytes.withUnsafeBufferPointer { pointer -> Result<(JSONValue, String?, [JSONParser.LocatedMember]), JSONParseError> in
            var parser = JSONParser(bytes: pointer)
            parser.locatesTopLevelMembers = true
            do throws(JSONParseError) {
                let value = try parser.parseDocument()
                return .success((value, parser.repeatedTopLevelKey, parser.topLevelMembers))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses a document that must be an object, building only the values of the members named
    /// in `keeping`; every other value is checked as strictly but not built: it comes back as an
    /// empty container or string of its type (numbers, booleans and null as they are).
    ///
    /// For upstream answers, whose large parts (the generated text) only need to be valid JSON.
    /// - Returns: `nil` when the document is valid JSON but not an object.
    public static func parsingObject(_ bytes: some Sequence<UInt8>, keeping: Set<String>) throws(JSONParseError) -> [String: JSONValue]? {
        func parse(_ pointer: UnsafeBufferPointer<UInt8>) -> Result<[String: JSONValue]?, JSONParseError> {
            var parser = JSONParser(bytes: pointer)
            do throws(JSONParseError) {
                return .success(try parser.parseObjectDocument(keeping: keeping))
            } catch {
                return .failure(error)
            }
        }
        let result = bytes.withContiguousStorageIfAvailable(parse) ?? Array(bytes).withUnsafeBufferPointer(parse)
        return try result.get()
    }
}

/// Why JSON text could not be parsed, and where.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Byte offset of the problem.
    public var offset: Int

    public var description: String { "\(message) at byte \(offset)" }
}

struct JSONParser {
    static let maximumDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var depth = 0
    /// The first key the outermost object holds twice.
    var repeatedTopLevelKey: String?
    /// Whether to note where each member of the outermost object is, in ``topLevelMembers``.
    var locatesTopLevelMembers = false
    var topLevelMembers: [LocatedMember] = []

    /// Where a member of the outermost object is: its key between the quotes, and the whole
    /// `"key": value`.
    struct LocatedMember: Sendable {
        var key: Range<Int>
        var member: Range<Int>
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected data after the JSON value") }
        return value
    }

    /// See ``JSONValue/parsingObject(_:keeping:)``.
    mutating func parseObjectDocument(keeping: Set<String>) throws(JSONParseError) -> [String: JSONValue]? {
        skipWhitespace()
        var object: [String: JSONValue]?
        if position < bytes.count, bytes[position] == UInt8(ascii: "{") {
            var members = [String: JSONValue](minimumCapacity: 12)
            try forEachMember { parser, key throws(JSONParseError) in
                members[key] = keeping.contains(key) ? try parser.parseValue() : try parser.parseShallowValue()
            }
            object = members
        } else {
            _ = try parseShallowValue()
        }
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected data after the JSON value") }
        return object
    }

    /// Checks a value as ``parseValue()`` does without building it: a container or string comes
    /// back empty, so only its type is told.
    private mutating func parseShallowValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            try forEachMember(keyed: false) { parser, _ throws(JSONParseError) in _ = try parser.parseShallowValue() }
            return .object([:])
        case UInt8(ascii: "["):
            try forEachElement { parser throws(JSONParseError) in _ = try parser.parseShallowValue() }
            return .array([])
        case UInt8(ascii: "\""):
            try skipString()
            return .string("")
        default:
            return try parseValue()
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        // Room for a request's top-level fields or a message's, so small objects never regrow.
        var object = [String: JSONValue](minimumCapacity: depth == 0 ? 12 : 4)
        try forEachMember { parser, key throws(JSONParseError) in
            if object.updateValue(try parser.parseValue(), forKey: key) != nil, parser.depth == 1, parser.repeatedTopLevelKey == nil {
                parser.repeatedTopLevelKey = key
            }
        }
        return .object(object)
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        var array: [JSONValue] = []
        try forEachElement { parser throws(JSONParseError) in
            if array.isEmpty { array.reserveCapacity(4) }
            array.append(try parser.parseValue())
        }
        return .array(array)
    }

    /// Walks the object whose `{` is at `position`, one level deeper: `readValue` reads each
    /// member's value after its key (an empty key when `keyed` is false: the key is only checked).
    private mutating func forEachMember(
        keyed: Bool = true,
        _ readValue: (inout JSONParser, String) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        try enter()
        position += 1
        skipWhitespace()
        if !consume(UInt8(ascii: "}")) {
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let memberStart = position
                let key: String
                if keyed {
                    key = try parseString()
                } else {
                    try skipString()
                    key = ""
                }
                let keyEnd = position - 1
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { throw error("expected ':' after a key") }
                try readValue(&self, key)
                if depth == 1, locatesTopLevelMembers {
                    topLevelMembers.append(LocatedMember(key: (memberStart + 1)..<keyEnd, member: memberStart..<position))
                }
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                guard consume(UInt8(ascii: "}")) else { throw error("expected ',' or '}' in an object") }
                break
            }
        }
        depth -= 1
    }

    /// Walks the array whose `[` is at `position`, one level deeper: `readElement` reads each element.
    private mutating func forEachElement(_ readElement: (inout JSONParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        try enter()
        position += 1
        skipWhitespace()
        if !consume(UInt8(ascii: "]")) {
            while true {
                try readElement(&self)
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                guard consume(UInt8(ascii: "]")) else { throw error("expected ',' or ']' in an array") }
                break
            }
        }
        depth -= 1
    }

    /// Parses a string whose opening quote is at `position`.
    private mutating func parseString() throws(JSONParseError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes, the bytes are the string.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("control character in a string") }
            position += 1
        }
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &scalars)
            case 0..<0x20:
                throw error("control character in a string")
            default:
                scalars.append(byte)
            }
        }
        throw error("unterminated string")
    }

    /// Checks a string whose opening quote is at `position` as ``parseString()`` does, without
    /// building it.
    private mutating func skipString() throws(JSONParseError) {
        position += 1
        var unused: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                try parseEscape(into: &unused)
                unused.removeAll(keepingCapacity: true)
            case 0..<0x20:
                throw error("control character in a string")
            default:
                continue
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(JSONParseError) {
        guard position < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var code = UInt32(try hex4())
            if (0xD800...0xDBFF).contains(code) {
                // A high surrogate must be followed by \u and a low surrogate.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate")
                }
                position += 2
                let low = UInt32(try hex4())
                guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw error("unpaired surrogate")
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("invalid unicode escape") }
            output += Array(String(Character(scalar)).utf8)
        default:
            throw error("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt16 {
        guard position + 4 <= bytes.count else { throw error("truncated unicode escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid unicode escape")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            if position < bytes.count, isDigit(bytes[position]) { throw error("leading zero in a number") }
        } else {
            guard try digits() > 0 else { throw error("expected a digit") }
        }
        if consume(UInt8(ascii: ".")) {
            isInteger = false
            guard try digits() > 0 else { throw error("expected a digit after '.'") }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            isInteger = false
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard try digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let number = Double(text) else { throw error("invalid number") }
        return .number(number)
    }

    private mutating func digits() throws(JSONParseError) -> Int {
        var count = 0
        while position < bytes.count, isDigit(bytes[position]) {
            position += 1
            count += 1
        }
        return count
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func parseLiteral(_ literal: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] {
            throw error("invalid literal")
        }
        position += count
        return value
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func error(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: position)
    }
}
