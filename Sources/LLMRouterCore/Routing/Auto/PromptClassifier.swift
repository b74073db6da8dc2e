/// The built-in lexical classifier behind `model: auto`: sorts a chat request into an
/// ``AutoTier`` from its size and the words and symbols of its last user message.
///
/// No model, no network, no regular expressions: one pass over at most ``scanLimit`` bytes of
/// text, each word packed as it is read and looked up in a fixed table (``PromptKeywords``),
/// so a request pays a few microseconds at most and allocates nothing.
///
/// | tier | when |
/// |---|---|
/// | `long_context` | the estimated prompt reaches ``longContextTokens`` |
/// | `code` | code signals (a fence, identifiers, `;{}`, `->`, words such as `python`, `traceback`) score 3 or more, at least as much as maths/reasoning |
/// | `reasoning` | maths and reasoning signals (`prove`, `integral`, `2 + 3`, `\frac`, `∑`, `step by step`, `why`) score 4 or more |
/// | `simple` | at most 10 words with no such signal, or at most 40 words with a quick-task word (`translate`, `hello`, `synonym`) |
/// | `default` | anything else |
public struct PromptClassifier: Sendable {
    /// Prompts of at least this many estimated tokens are `long_context`.
    public var longContextTokens: Int

    /// Bytes of one text read at most: the first 768 and the last 256, where the task and the
    /// question are (about 170 words); a pasted document in between says little more, and every
    /// byte read costs about 2 ns.
    public static let scanLimit = 1024

    public init(longContextTokens: Int = AutoSettings().longContextTokens) {
        self.longContextTokens = longContextTokens
    }

    /// The tier of `request`, whose prompt is about `estimatedTokens` tokens.
    public func classify(_ request: ChatRequest, estimatedTokens: Int) -> AutoTier {
        if estimatedTokens >= longContextTokens { return .longContext }
        var signals = PromptSignals()
        PromptText.forEachUserText(of: request) { signals.read($0) }
        return Self.tier(of: signals)
    }

    /// The tier of one user message, for tests and `debug-models`.
    public func classify(text: String, estimatedTokens: Int = 0) -> AutoTier {
        if estimatedTokens >= longContextTokens { return .longContext }
        var signals = PromptSignals()
        signals.read(text)
        return Self.tier(of: signals)
    }

    static func tier(of signals: PromptSignals) -> AutoTier {
        let code = signals.codeScore, reasoning = signals.reasoningScore
        if code >= 3, code >= reasoning { return .code }
        if reasoning >= 4 { return .reasoning }
        if signals.words <= 10, code < 2, reasoning < 3 { return .simple }
        if signals.simple > 0, signals.words <= 40, code < 2, reasoning < 3 { return .simple }
        return .default
    }
}

/// What the scan of a prompt found.
struct PromptSignals: Sendable, Equatable {
    var words = 0
    /// Weighted keyword hits of each kind.
    var codeWords = 0
    var mathWords = 0
    var reasoningWords = 0
    var simple = 0
    /// ```` ``` ```` fences.
    var fences = 0
    /// `;`, `{`, `}`, `->`, `=>`, `::`, `==`, `!=`, `snake_case`, `call(`.
    var codeSymbols = 0
    /// An arithmetic operator next to a digit (`2 + 3`, `x^2`), a LaTeX command or a maths symbol.
    var mathSymbols = 0

    var codeScore: Int { codeWords + (fences > 0 ? 4 : 0) + min(codeSymbols, 8) / 2 }
    var reasoningScore: Int { mathWords + reasoningWords + min(mathSymbols, 4) * 2 }

    mutating func read(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard bytes.count > PromptClassifier.scanLimit else { return scan(bytes) }
            let tail = 256
            scan(UnsafeBufferPointer(rebasing: bytes[0..<(PromptClassifier.scanLimit - tail)]))
            scan(UnsafeBufferPointer(rebasing: bytes[(bytes.count - tail)...]))
        }
    }

    /// One pass: a word's lower-cased ASCII letters are packed into a ``PromptKeywords/Key`` as
    /// they are read (a shift and an or a letter), and looked up once the word ends.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        let keywords = PromptKeywords.table
        var afterBackslash = false
        var previous: UInt8 = 0x20
        /// The last byte that was not a space, and whether an operator follows a digit.
        var lastSolid: UInt8 = 0x20
        var backticks = 0
        var index = 0
        while index < bytes.count {
            var byte = bytes[index]
            if Self.isLetter(byte) {
                // A whole word at once: letters only pack, nothing else is looked at.
                var key = PromptKeywords.Key()
                var length = 0
                repeat {
                    key.append(byte | 0x20, at: length)
                    length += 1
                    index += 1
                    guard index < bytes.count else { break }
                    byte = bytes[index]
                } while Self.isLetter(byte)
                endWord(key, length: length, latex: afterBackslash, keywords: keywords)
                guard index < bytes.count else { return }
                if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "_") { codeSymbols += 1 }
                previous = UInt8(ascii: "a")
                lastSolid = previous
                backticks = 0
            }
            afterBackslash = byte == UInt8(ascii: "\\")
            if byte != 0x20 {
                symbol(byte, previous: previous, lastSolid: lastSolid)
                lastSolid = byte
            }
            backticks = byte == UInt8(ascii: "`") ? backticks + 1 : 0
            if backticks == 3 { fences += 1 }
            previous = byte
            index += 1
        }
    }

    @inline(__always)
    private static func isLetter(_ byte: UInt8) -> Bool {
        // Upper or lower case: or-ing 0x20 folds A–Z onto a–z and moves no other byte there.
        (byte | 0x20) &- UInt8(ascii: "a") < 26
    }

    @inline(__always)
    private mutating func endWord(_ key: PromptKeywords.Key, length: Int, latex: Bool, keywords: PromptKeywords) {
        words += 1
        guard length <= PromptKeywords.longestWord, let (kind, weight) = keywords.lookup(key) else { return }
        switch kind {
        case .code: codeWords += weight
        case .math: mathWords += weight
        case .reasoning: reasoningWords += weight
        case .simple: simple += weight
        case .latex: if latex { mathSymbols += weight }
        }
    }

    @inline(__always)
    private mutating func symbol(_ byte: UInt8, previous: UInt8, lastSolid: UInt8) {
        switch byte {
        case UInt8(ascii: ";"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            codeSymbols += 1
        case UInt8(ascii: ">") where previous == UInt8(ascii: "-") || previous == UInt8(ascii: "="):
            codeSymbols += 1
        case UInt8(ascii: ":") where previous == UInt8(ascii: ":"):
            codeSymbols += 1
        case UInt8(ascii: "=") where previous == UInt8(ascii: "=") || previous == UInt8(ascii: "!"):
            codeSymbols += 1
        case UInt8(ascii: "^"):
            mathSymbols += 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            // A digit right after an operator, spaces aside: `+ 3`, `=0`, `/2` (not `-`: dates, versions).
            if Self.isOperator(lastSolid) { mathSymbols += 1 }
        case 0x88...0x8B where previous == 0xE2:
            // U+2200–U+22FF, the Mathematical Operators block: ∑ ∫ √ ≤ ≠ ∈ ...
            mathSymbols += 1
        default:
            break
        }
    }

    private static func isOperator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }
}
