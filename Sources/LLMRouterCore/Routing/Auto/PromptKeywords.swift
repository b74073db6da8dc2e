/// The words ``PromptClassifier`` counts, each with its kind and weight, in a fixed
/// open-addressing table keyed by the word's letters packed into two integers: a lookup is a
/// multiply, a shift and one or two comparisons, exact, with no string built.
struct PromptKeywords: Sendable {
    enum Kind: UInt8, Sendable {
        case code, math, reasoning, simple
        /// A LaTeX command, counted only after a backslash (`\frac`, `\int`): `int` alone counts nothing.
        case latex
    }

    /// A word of up to ``longestWord`` lower-case letters, one byte each; longer words only
    /// ever need their length (they are never looked up).
    struct Key: Hashable, Sendable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        @inline(__always)
        mutating func append(_ letter: UInt8, at position: Int) {
            if position < 8 {
                low |= UInt64(letter) << UInt64(position &* 8)
            } else if position < 16 {
                high |= UInt64(letter) << UInt64((position &- 8) &* 8)
            }
        }

        init() {}

        init(_ word: String) {
            for (position, byte) in word.utf8.enumerated() { append(byte | 0x20, at: position) }
        }
    }

    /// Longer words are not looked up: none in the table is longer.
    static let longestWord = 16
    private static let slotBits = 10

    private var keys: [Key]
    private var entries: [UInt8]

    static let table = PromptKeywords(words)

    init(_ words: [(Kind, Int, [String])]) {
        let size = 1 << Self.slotBits
        keys = Array(repeating: Key(), count: size)
        entries = Array(repeating: 0, count: size)
        for (kind, weight, list) in words {
            for word in list {
                let key = Key(word)
                var slot = Self.slot(of: key)
                while keys[slot] != Key(), keys[slot] != key { slot = (slot + 1) & (size - 1) }
                keys[slot] = key
                entries[slot] = kind.rawValue << 4 | UInt8(weight)
            }
        }
    }

    /// The kind and weight of the word `key` packs, if it is in the table.
    @inline(__always)
    func lookup(_ key: Key) -> (Kind, Int)? {
        var slot = Self.slot(of: key)
        while true {
            let stored = keys[slot]
            if stored == key, let kind = Kind(rawValue: entries[slot] >> 4) { return (kind, Int(entries[slot] & 0x0F)) }
            if stored == Key() { return nil }
            slot = (slot + 1) & ((1 << Self.slotBits) - 1)
        }
    }

    @inline(__always)
    private static func slot(of key: Key) -> Int {
        let mixed = (key.low &* 0x9E37_79B9_7F4A_7C15) ^ (key.high &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - slotBits))
    }

    /// Kind, weight, words (lower-case ASCII letters only: the scan splits words on anything else).
    static let words: [(Kind, Int, [String])] = [
        (.code, 3, ["traceback", "stacktrace", "segfault", "typeerror", "nullpointer", "dockerfile", "regex", "regexp", "refactor", "compiler", "println", "printf"]),
        (.code, 2, [
            "python", "javascript", "typescript", "golang", "kotlin", "java", "sql", "function", "functions", "compile", "compiling",
            "debug", "debugging", "bug", "bugs", "exception", "kubernetes", "json", "yaml", "html", "css", "api", "npm", "pip", "git",
            "bash", "shell", "script", "code", "coding", "program", "programming", "implement", "def", "struct", "enum", "lambda",
            "async", "await", "const", "boolean", "repository", "syntax", "runtime", "undefined", "pytest", "unittest", "django",
            "flask", "nodejs", "react", "linux", "terminal", "snippet", "div", "flexbox", "frontend", "backend", "database", "endpoint",
            "docker", "cpp", "csharp", "rustc", "cargo", "xcode", "swiftui", "webpack", "makefile", "cmake", "postgres", "mysql", "sqlite",
        ]),
        (.code, 1, [
            "swift", "rust", "class", "method", "variable", "array", "string", "integer", "null", "nil", "library", "framework",
            "query", "schema", "import", "return", "print", "module", "package", "server", "client", "http", "url", "app", "commit",
            "deploy", "command", "cli", "test", "tests", "error", "loop", "recursion", "algorithm", "parse", "parser", "object",
        ]),
        (.math, 3, ["prove", "proof", "theorem", "lemma", "equation", "equations", "integral", "derivative", "probability", "eigenvalue", "eigenvalues"]),
        (.math, 2, [
            "prime", "irrational", "differentiate", "integrate", "solve", "calculate", "matrix", "matrices", "polynomial", "factorize", "logarithm", "geometry", "algebra",
            "calculus", "variance", "combinatorics", "permutations", "permutation", "divisible", "modulo",
            "convergence", "converges", "inequality", "formula", "triangle", "hypotenuse", "quadratic", "maximize", "minimize",
        ]),
        (.math, 1, [
            "compute", "primes", "statistics", "percent", "percentage", "ratio", "fraction", "math", "maths", "mathematics",
            "arithmetic", "remainder", "sum", "product", "vector", "series", "sequence", "infinite", "expected", "combinations",
            "angle", "area", "volume", "radius", "velocity", "acceleration", "physics", "optimize", "optimal", "estimate", "odds", "dice",
        ]),
        (.latex, 2, ["frac", "sqrt", "infty", "cdot", "leq", "geq", "partial", "mathbb", "alpha", "beta", "theta", "lim", "int", "pi", "times"]),
        (.reasoning, 2, [
            "reasoning", "step", "analyze", "analyse", "tradeoff", "tradeoffs", "evaluate", "puzzle", "riddle", "logic", "logical", "deduce",
            "hypothesis", "implications", "rigorous", "rigorously", "justify", "derive", "paradox", "dilemma", "critique", "counterargument",
        ]),
        (.reasoning, 1, [
            "why", "explain", "reason", "steps", "compare", "plan", "strategy", "infer", "argument", "pros", "cons", "think",
            "carefully", "consequences", "assess", "whether", "decide", "cause", "therefore",
        ]),
        (.simple, 1, [
            "hi", "hello", "hey", "thanks", "thank", "translate", "translation", "synonym", "synonyms", "antonym", "spell", "spelling",
            "define", "definition", "capital", "joke", "rephrase", "paraphrase", "tldr", "grammar", "typo", "briefly", "greeting",
        ]),
    ]
}
