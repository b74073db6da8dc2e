/// Text with its escapes undone, remembering where each decoded byte came from, so a match in
/// the decoded text masks exactly the escaped characters of the original.
struct EscapeDecoder {
    /// At most this many rounds of decoding: JSON inside a JSON string is escaped twice.
    static let maximumRounds = 3

    struct Decoded {
        var bytes: [UInt8]
        /// For each decoded byte, the original bytes it came from; `nil` when nothing was
        /// decoded (each byte is its own origin).
        var origins: [Range<Int>]?

        /// The original bytes behind decoded `range`.
        func originalRange(of range: Range<Int>) -> Range<Int> {
            guard let origins, !range.isEmpty else { return range }
            return origins[range.lowerBound].lowerBound..<origins[range.upperBound - 1].upperBound
        }
    }

    /// Undoes JSON escapes (`\uXXXX` below the surrogates, `\/`, `\\`, `\"`, `\n`, …) and ASCII
    /// percent-encoding (`%2D`) until nothing changes. Bytes that decode to nothing valid stay as
    /// they are, so the result is UTF-8 whenever the input is.
    static func decode(_ original: [UInt8]) -> Decoded {
        var decoded = Decoded(bytes: original, origins: nil)
        for _ in 0..<maximumRounds {
            guard decoded.bytes.contains(where: { $0 == backslash || $0 == percent }) else { break }
            let round = decodeOnce(decoded.bytes)
            guard round.bytes.count != decoded.bytes.count else { break }
            decoded = Decoded(bytes: round.bytes, origins: round.origins.map { decoded.originalRange(of: $0) })
        }
        return decoded
    }

    private static let backslash = UInt8(ascii: "\\")
    private static let percent = UInt8(ascii: "%")

    private static func decodeOnce(_ input: [UInt8]) -> (bytes: [UInt8], origins: [Range<Int>]) {
        var bytes: [UInt8] = []
        var origins: [Range<Int>] = []
        bytes.reserveCapacity(input.count)
        origins.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if let escaped = escape(in: input, at: index) {
                for byte in escaped.bytes {
                    bytes.append(byte)
                    origins.append(index..<(index + escaped.length))
                }
                index += escaped.length
            } else {
                bytes.append(input[index])
                origins.append(index..<(index + 1))
                index += 1
            }
        }
        return (bytes, origins)
    }

    /// The bytes an escape at `index` stands for, and its length in `input`.
    private static func escape(in input: [UInt8], at index: Int) -> (bytes: [UInt8], length: Int)? {
        let byte = input[index]
        if byte == percent, index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
            let value = high << 4 | low
            return value < 0x80 ? ([value], 3) : nil
        }
        guard byte == backslash, index + 1 < input.count else { return nil }
        switch input[index + 1] {
        case UInt8(ascii: "u"):
            guard index + 5 < input.count else { return nil }
            var scalar: UInt32 = 0
            for offset in 2...5 {
                guard let digit = hexValue(input[index + offset]) else { return nil }
                scalar = scalar << 4 | UInt32(digit)
            }
            guard let unicode = Unicode.Scalar(scalar) else { return nil }
            return (Array(String(Character(unicode)).utf8), 6)
        case UInt8(ascii: "/"), backslash, UInt8(ascii: "\""), UInt8(ascii: "'"):
            return ([input[index + 1]], 2)
        case UInt8(ascii: "n"): return ([0x0A], 2)
        case UInt8(ascii: "r"): return ([0x0D], 2)
        case UInt8(ascii: "t"): return ([0x09], 2)
        case UInt8(ascii: "b"): return ([0x08], 2)
        case UInt8(ascii: "f"): return ([0x0C], 2)
        default: return nil
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Credentials recognised by their shape rather than their value: provider key prefixes and
/// bearer tokens, scanned by hand because it runs on every log line.
enum KeyShapes {
    /// Prefixes of provider keys and of the router's own keys, followed by at least
    /// ``minimumTail`` key characters.
    static let prefixes: [[UInt8]] = ["gsk_", "sk-or-v1-", "sk-proj-", "sk-ant-", "sk-", "nvapi-", "hf_", "llmr-"].map { Array($0.utf8) }
    static let minimumTail = 8

    static func matches(in text: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < text.count {
            if let range = prefixedKey(in: text, at: index) ?? bearerToken(in: text, at: index) {
                ranges.append(range)
                index = range.upperBound
            } else {
                index += 1
            }
        }
        return ranges
    }

    /// `sk-…` and friends, not inside a longer word (`task-…`).
    private static func prefixedKey(in text: [UInt8], at index: Int) -> Range<Int>? {
        if index > 0, isAlphanumeric(text[index - 1]) { return nil }
        for prefix in prefixes where text.count - index > prefix.count && text[index..<(index + prefix.count)].elementsEqual(prefix) {
            var end = index + prefix.count
            while end < text.count, isAlphanumeric(text[end]) || text[end] == UInt8(ascii: "_") || text[end] == UInt8(ascii: "-") { end += 1 }
            if end - index - prefix.count >= minimumTail { return index..<end }
        }
        return nil
    }

    /// The token after `Bearer ` (any case), `Bearer` itself left readable.
    private static func bearerToken(in text: [UInt8], at index: Int) -> Range<Int>? {
        let word = Array("bearer".utf8)
        guard text.count - index > word.count + 1 else { return nil }
        for (offset, letter) in word.enumerated() where text[index + offset] | 0x20 != letter { return nil }
        if index > 0, isAlphanumeric(text[index - 1]) { return nil }
        var start = index + word.count
        guard text[start] == UInt8(ascii: " ") || text[start] == UInt8(ascii: "\t") else { return nil }
        while start < text.count, text[start] == UInt8(ascii: " ") || text[start] == UInt8(ascii: "\t") { start += 1 }
        var end = start
        while end < text.count, isTokenCharacter(text[end]) { end += 1 }
        return end > start ? start..<end : nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// RFC 6750 token characters.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "-._~+/=".utf8.contains(byte)
    }
}
