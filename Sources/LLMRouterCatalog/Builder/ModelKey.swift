/// The comparable form of an upstream model id, used to recognise one model across providers.
///
/// Providers spell the same weights differently: a vendor prefix (`meta/` vs `meta-llama/`),
/// OpenRouter's `:free`, case, a trailing `-instruct`, and punctuation around version numbers
/// (`qwen2.5` vs `qwen-2.5`). The key drops exactly those differences and nothing else:
///
/// 1. lower-case, drop a trailing `:free` (any other `:variant` is kept, so it never matches);
/// 2. drop everything up to the last `/` (the vendor);
/// 3. split into letter runs and number runs (`3.3` stays one number), dropping `-`, `_` and
///    other separators;
/// 4. drop one trailing `instruct` token.
///
/// | upstream id | key |
/// |---|---|
/// | `meta-llama/llama-3.3-70b-instruct:free` | `llama-3.3-70-b` |
/// | `meta/llama-3.3-70b-instruct` | `llama-3.3-70-b` |
/// | `qwen/qwen-2.5-coder-32b-instruct:free` | `qwen-2.5-coder-32-b` |
/// | `qwen/qwen2.5-coder-32b-instruct` | `qwen-2.5-coder-32-b` |
/// | `openai/gpt-oss-20b:free` | `gpt-oss-20-b` |
/// | `llama-3.3-70b-versatile` | `llama-3.3-70-b-versatile` (no match: Groq's own variant) |
/// | `moonshotai/kimi-k2-instruct-0905` | `kimi-k-2-instruct-0905` (the date keeps it apart) |
/// | `mistralai/mistral-small-24b-instruct-2501:free` | `mistral-small-24-b-instruct-2501` |
///
/// A key is a proposal, not proof: ``AutoMatcher`` adds further checks before it publishes a match.
enum ModelKey {
    static func of(_ id: String) -> String {
        var text = id.lowercased()
        if text.hasSuffix(":free") { text.removeLast(5) }
        if let slash = text.lastIndex(of: "/") { text = String(text[text.index(after: slash)...]) }
        var tokens = tokenize(text)
        if tokens.count > 1, tokens.last == "instruct" { tokens.removeLast() }
        return tokens.joined(separator: "-")
    }

    /// Letter runs and number runs; a `.` between digits belongs to the number.
    private static func tokenize(_ text: String) -> [String] {
        let characters = Array(text)
        var tokens: [String] = []
        var current = ""
        var currentIsDigits = false
        for (index, character) in characters.enumerated() {
            let isDigit = character.isASCII && character.isNumber
            let isLetter = character.isLetter
            let isVersionDot = character == "." && currentIsDigits && !current.isEmpty
                && index + 1 < characters.count && characters[index + 1].isASCII && characters[index + 1].isNumber
            if isVersionDot {
                current.append(character)
                continue
            }
            if isDigit || isLetter {
                if !current.isEmpty, currentIsDigits != isDigit {
                    tokens.append(current)
                    current = ""
                }
                currentIsDigits = isDigit
                current.append(character)
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
