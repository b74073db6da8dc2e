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
    mutating func parseShallowValue() throws(JSONParseError) -> JSONValue {
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

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
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

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        // Room for a request's top-level fields or a message's, so small objects never regrow.
        var object = [String: JSONValue](minimumCapacity: depth == 0 ? 12 : 4)
        try forEachMember { parser, key throws(JSONParseError) in
            if object.updateValue(try parser.parseValue(), forKey: key) != nil, parser.depth == 1, parser.repeatedTopLevelKey == nil {
                parser.repeatedTopLevelKey = key
            }
        }
        return .object(object)
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        var array: [JSONValue] = []
        try forEachElement { parser throws(JSONParseError) in
            if array.isEmpty { array.reserveCapacity(4) }
            array.append(try parser.parseValue())
        }
        return .array(array)
    }

    /// Walks the object whose `{` is at `position`, one level deeper: `readValue` reads each
    /// member's value after its key (an empty key when `keyed` is false: the key is only checked).
    mutating func forEachMember(
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
    mutating func forEachElement(_ readElement: (inout JSONParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
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

    mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func error(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: position)
    }
}
