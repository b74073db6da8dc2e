import Foundation
@testable import LLMRouterCore
import Testing

/// The lexical classifier on a labelled set of prompts, each tier at least eight times.
struct PromptClassifierTests {
    static let classifier = PromptClassifier()

    static let simple = [
        "hi",
        "Hello! How are you today?",
        "Thanks, that was helpful.",
        "What is the capital of Australia?",
        "Translate 'good morning' into Spanish.",
        "Give me a synonym for happy.",
        "Tell me a joke about cats.",
        "Rephrase this more politely: send me the file now.",
        "Who wrote Pride and Prejudice?",
        "How do you spell necessary?",
        "Can you translate this sentence into French for me: the meeting has moved to Thursday afternoon.",
    ]

    static let code = [
        "Write a Python function that reverses a linked list.",
        "Why does this throw?\n```js\nconst x = undefined;\nx.foo();\n```",
        "Fix the bug in my SQL query: SELECT name FROM users WHERE id = 1 GROUP BY email;",
        "How do I center a div with CSS flexbox?",
        "Refactor this Swift struct to use async/await: struct Loader { func load(completion: @escaping (Data?) -> Void) { } }",
        "I get a segfault when I run my C program after calling free() twice. What's going on?",
        "Write a bash script that renames every .txt file in a directory to .md",
        "Explain what this regex matches: ^[a-z0-9_-]{3,16}$",
        "Traceback (most recent call last):\n  File \"app.py\", line 12, in <module>\n    main()\nKeyError: 'user_id'",
        "How do I write a Dockerfile for a Node.js app with npm install and a multi-stage build?",
        "In TypeScript, how can I make a generic function that accepts only objects with an id field?",
        "Write a SQL query that finds duplicate emails",
    ]

    static let reasoning = [
        "Prove that the square root of 2 is irrational.",
        "Solve for x: 3x^2 - 12x + 9 = 0",
        "What is the integral of x * e^x dx? Show the steps.",
        "A bat and a ball cost $1.10 in total. The bat costs $1.00 more than the ball. How much does the ball cost? Think step by step.",
        "If I roll two dice, what is the probability that the sum is 7?",
        "Compute the eigenvalues of the matrix [[2, 1], [1, 2]].",
        "Solve this riddle: what has keys but can't open locks?",
        "Analyze the tradeoffs between raising interest rates and cutting government spending to reduce inflation, and justify which you would choose.",
        "How many ways can 5 people be seated around a round table? Derive the formula.",
        "Evaluate \\frac{1}{2} + \\frac{1}{3} and simplify.",
        "Is 221 a prime number? Explain why.",
    ]

    static let general = [
        "Write a short story about a lighthouse keeper who finds a message in a bottle.",
        "What are some good habits for staying productive while working from home?",
        "Can you suggest a three-day itinerary for visiting Kyoto in autumn?",
        "Draft a polite email to my landlord asking to fix the heating in my apartment.",
        "Describe the differences between baroque and classical music, with examples of composers from each period.",
        "Give me feedback on my cover letter for a marketing position: I am a passionate marketer with five years of experience in brand campaigns.",
        "Write a product description for a handmade ceramic coffee mug that will appear on an online shop.",
        "What should I consider when choosing between renting and buying a home?",
        "Tell me about the history of the Silk Road and how it shaped trade between Europe and Asia.",
    ]

    static func tier(_ prompt: String) -> AutoTier { classifier.classify(text: prompt) }

    @Test(arguments: simple) func simplePrompts(_ prompt: String) {
        #expect(Self.tier(prompt) == .simple, "\(Self.signals(prompt))")
    }

    @Test(arguments: code) func codePrompts(_ prompt: String) {
        #expect(Self.tier(prompt) == .code, "\(Self.signals(prompt))")
    }

    @Test(arguments: reasoning) func reasoningPrompts(_ prompt: String) {
        #expect(Self.tier(prompt) == .reasoning, "\(Self.signals(prompt))")
    }

    @Test(arguments: general) func generalPromptsAreDefault(_ prompt: String) {
        #expect(Self.tier(prompt) == .default, "\(Self.signals(prompt))")
    }

    /// Long context is a matter of size, whatever the prompt says: eight requests of different
    /// kinds, each over 64 KB of body, against the default 16,000-token threshold.
    @Test func largePromptsAreLongContextWhateverTheyAsk() throws {
        let asks = ["hi", Self.code[0], Self.reasoning[0], Self.general[0], "Summarize the contract above.", "Find every date in this log.", "Which clause mentions liability?", "Translate the chapter."]
        for (index, ask) in asks.enumerated() {
            let filler = String(repeating: "Paragraph \(index) of a long document about many things. ", count: 1_300)
            let body = #"{"model":"auto","messages":[{"role":"system","content":"\#(filler)"},{"role":"user","content":"\#(ask.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\"", with: "\\\""))"}]}"#
            let request = try ChatRequest(json: Array(body.utf8))
            let needs = RequestNeeds(request)
            #expect(needs.estimatedPromptTokens >= 16_000)
            #expect(Self.classifier.classify(request, estimatedTokens: needs.estimatedPromptTokens) == .longContext, "\(ask)")
            // The same question in a small request is not.
            #expect(Self.classifier.classify(text: ask, estimatedTokens: 100) != .longContext)
        }
    }

    @Test func theThresholdIsConfigurable() {
        let strict = PromptClassifier(longContextTokens: 500)
        #expect(strict.classify(text: "hi", estimatedTokens: 499) == .simple)
        #expect(strict.classify(text: "hi", estimatedTokens: 500) == .longContext)
    }

    @Test func readsTheLastUserMessageOnly() throws {
        let body = #"{"messages":[{"role":"system","content":"You are a Python and SQL expert. Debug code."},{"role":"user","content":"Prove that there are infinitely many primes."},{"role":"assistant","content":"```python\nprint(1)\n```"},{"role":"user","content":[{"type":"text","text":"Now solve: what is the integral of 2x dx?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}"#
        let request = try ChatRequest(json: Array(body.utf8))
        #expect(Self.classifier.classify(request, estimatedTokens: 100) == .reasoning)
        let onlySystem = try ChatRequest(json: Array(#"{"messages":[{"role":"system","content":"```python\nimport os\n```"}]}"#.utf8))
        #expect(Self.classifier.classify(onlySystem, estimatedTokens: 10) == .simple)
    }

    @Test func aLongMessageIsReadAtItsHeadAndTail() {
        // The question at the end of a pasted text still counts; the middle is skipped.
        let pasted = String(repeating: "lorem ipsum dolor sit amet ", count: 400)
        #expect(Self.tier(pasted + " Why does this Python function raise a TypeError in the json parser?") == .code)
        #expect(Self.tier(pasted) == .default)
    }

    @Test func everyKeywordIsListedOnceAndFindsItself() {
        var seen: Set<String> = []
        for (kind, weight, words) in PromptKeywords.words {
            for word in words {
                #expect(seen.insert(word).inserted, "\(word) is listed twice")
                #expect(word.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }, "\(word) has a character the scan splits on")
                #expect(word.utf8.count <= PromptKeywords.longestWord)
                let found = PromptKeywords.table.lookup(PromptKeywords.Key(word))
                #expect(found?.0 == kind && found?.1 == weight, "\(word)")
            }
        }
        #expect(PromptKeywords.table.lookup(PromptKeywords.Key("lighthouse")) == nil)
        #expect(PromptKeywords.table.lookup(PromptKeywords.Key("pythons")) == nil, "exact words only")
    }

    @Test func signalsAreCounted() {
        var signals = PromptSignals()
        signals.read("```swift\nlet x = a->b; if (x == 2) { call(y) }\n``` snake_case 3 + 4 = 7 \\frac ∑")
        #expect(signals.fences == 2)
        #expect(signals.codeSymbols >= 6)
        #expect(signals.mathSymbols >= 4)
    }

    static func signals(_ prompt: String) -> PromptSignals {
        var signals = PromptSignals()
        signals.read(prompt)
        return signals
    }
}
