/// The top-level members of a JSON object, located in its raw bytes.
///
/// The router forwards the client's request body with only a few top-level fields changed
/// (`model`, `stream`); splicing those into the original bytes keeps every other field exactly
/// as the client wrote it and avoids re-encoding the whole body on the hot path.
///
/// - Important: The bytes must already be known to be valid JSON (``ChatRequest`` parses them
///   first); the scanner only finds boundaries and does not validate.
public struct JSONObjectMembers: Sendable {
    public struct Member: Sendable, Equatable {
        /// The key as written between the quotes (escapes not decoded).
        public var rawKey: ArraySlice<UInt8>
        /// The whole member, `"key": value`, as written.
        public var range: Range<Int>
    }

    public let bytes: [UInt8]
    public let members: [Member]

    /// Locates the members of the object in `bytes`, or returns `nil` when they are not an object.
    public init?(_ bytes: [UInt8]) {
        var scanner = Scanner(bytes: bytes)
        guard let members = scanner.members() else { return nil }
        self.bytes = bytes
        self.members = members
    }

    /// The members a parse of `bytes` already located (``JSONValue/parsingDocument(_:)``), so the
    /// bytes need no second scan.
    init(bytes: [UInt8], located: [JSONParser.LocatedMember]) {
        self.bytes = bytes
        self.members = located.map { Member(rawKey: bytes[$0.key], range: $0.member) }
    }

    /// The object with some members replaced, removed or added, every other member kept byte for byte.
    /// - Parameters:
    ///   - replacements: keys whose value is replaced (or added at the end when absent), with the
    ///     new value as JSON text.
    ///   - removals: keys to drop.
    public func rewritten(replacing replacements: [(key: String, value: [UInt8])], removing removals: Set<String> = []) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 64)
        output.append(UInt8(ascii: "{"))
        var pending = replacements
        func appendMember(_ key: String, _ value: [UInt8]) {
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            output.append(UInt8(ascii: "\""))
            output += key.utf8
            output.append(UInt8(ascii: "\""))
            output.append(UInt8(ascii: ":"))
            output += value
        }
        for member in members {
            // Keys are compared as written, byte for byte: no string is made per member.
            if removals.contains(where: { $0.utf8.elementsEqual(member.rawKey) }) { continue }
            if let index = pending.firstIndex(where: { $0.key.utf8.elementsEqual(member.rawKey) }) {
                let replacement = pending.remove(at: index)
                appendMember(replacement.key, replacement.value)
                continue
            }
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            output += bytes[member.range]
        }
        for (key, value) in pending { appendMember(key, value) }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// The JSON text of a string value.
    public static func jsonString(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 2)
        JSONValue.writeString(text, into: &output)
        return output
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        mutating func members() -> [Member]? {
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var members: [Member] = []
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return members }
            members.reserveCapacity(12)
            while position < bytes.count {
                skipWhitespace()
                let start = position
                guard take(UInt8(ascii: "\"")) else { return nil }
                let keyStart = position
                skipStringBody()
                let key = bytes[keyStart..<(position - 1)]
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                skipValue()
                members.append(Member(rawKey: key, range: start..<position))
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "}")) ? members : nil
            }
            return nil
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        private mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        /// Skips to just past the closing quote of a string whose opening quote was taken.
        private mutating func skipStringBody() {
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    return
                }
            }
        }

        private mutating func skipValue() {
            guard position < bytes.count else { return }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                skipStringBody()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while position < bytes.count {
                    let byte = bytes[position]
                    position += 1
                    switch byte {
                    case UInt8(ascii: "\""): skipStringBody()
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { return }
                    default: break
                    }
                }
            default:
                // A number, true, false or null: up to the next delimiter.
                while position < bytes.count,
                    ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[position])
                {
                    position += 1
                }
            }
        }
    }
}
