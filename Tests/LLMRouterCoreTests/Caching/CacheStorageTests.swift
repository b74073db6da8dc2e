import LLMRouterCore
import NIOCore
import Testing

struct CacheStorageTests {
    static func answer(_ text: String, bytes: Int = 0, expiresAt: Int64 = 1_000) -> CachedAnswer {
        CachedAnswer(body: Array(text.utf8) + [UInt8](repeating: 32, count: bytes), provider: "p", upstreamModel: nil, storedAt: 0, expiresAt: expiresAt)
    }

    @Test func leastRecentlyUsedGoesFirstWhenBytesRunOut() async {
        let entrySize = Self.answer("a", bytes: 100).byteCount
        let backend = MemoryCacheBackend(maxBytes: entrySize * 3)
        for name in ["a", "b", "c"] { await backend.store(Self.answer(name, bytes: 100 - name.utf8.count + 1), for: CacheKey(digest: name)) }
        // Using `a` makes `b` the least recently used.
        #expect(await backend.entry(for: CacheKey(digest: "a"), now: 0) != nil)
        let evicted = await backend.store(Self.answer("d", bytes: 100), for: CacheKey(digest: "d"))
        #expect(evicted == 1)
        #expect(await backend.entry(for: CacheKey(digest: "b"), now: 0) == nil)
        #expect(await backend.entry(for: CacheKey(digest: "a"), now: 0) != nil)
        #expect(await backend.entry(for: CacheKey(digest: "c"), now: 0) != nil)
        let occupancy = await backend.occupancy()
        #expect(occupancy.entries == 3)
        #expect(occupancy.bytes <= entrySize * 3)
    }

    @Test func expiredEntriesAreNotServedAndLeave() async {
        let backend = MemoryCacheBackend(maxBytes: 10_000)
        await backend.store(Self.answer("x", expiresAt: 500), for: CacheKey(digest: "x"))
        #expect(await backend.entry(for: CacheKey(digest: "x"), now: 499) != nil)
        #expect(await backend.entry(for: CacheKey(digest: "x"), now: 500) == nil)
        #expect(await backend.occupancy().entries == 0)
    }

    @Test func anEntryLargerThanTheBoundIsNotKept() async {
        let backend = MemoryCacheBackend(maxBytes: 200)
        await backend.store(Self.answer("big", bytes: 500), for: CacheKey(digest: "big"))
        #expect(await backend.occupancy().entries == 0)
    }

    @Test func answersThatMustNotBeStoredAreRefused() {
        let settings = ResponseCacheSettings(ttl: .seconds(60), maxEntryBytes: 400)
        func check(_ body: String, _ settings: ResponseCacheSettings = settings) -> String? {
            let decision = CacheRefusal.decision(chat: Array(body.utf8), settings: settings)
            // A stream that assembles to the same answer is decided alike, from the assembler.
            var assembler = ChatStreamAssembler()
            for chunk in ChatAnswerReplay.chunks(of: Array(body.utf8), includeUsage: true) { assembler.add(chunk) }
            let assembled = assembler.decision(settings: settings)
            switch (decision, assembled) {
            case (.store, .store): return nil
            case (.refuse(let reason), .refuse(let same)) where reason == same: return reason
            case (.refuse(let reason), _) where reason == "error": return reason
            default: return "differ: \(decision) vs \(assembled)"
            }
        }
        #expect(check(#"{"choices":[{"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"#) == nil)
        #expect(check(#"{"choices":[{"message":{"role":"assistant","content":"o"},"finish_reason":"length"}]}"#) == "cut_short")
        let toolCall = #"{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"#
        #expect(check(toolCall) == "tool_calls")
        #expect(check(toolCall, ResponseCacheSettings(ttl: .seconds(60), storesToolCalls: true)) == nil)
        #expect(check(#"{"error":{"message":"boom"}}"#) == "error")
        #expect(check(#"{"choices":[{"message":{"content":"\#(String(repeating: "x", count: 500))"},"finish_reason":"stop"}]}"#) == "too_large")
    }

    @Test func aKeptAnswerCarriesItsOwnUsageReadInTheSameParse() {
        let settings = ResponseCacheSettings(ttl: .seconds(60))
        let body = #"{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":2}}"#
        #expect(CacheRefusal.decision(chat: Array(body.utf8), settings: settings) == .store(Array(body.utf8), usage: AnswerUsage(promptTokens: 4, completionTokens: 2)))
        var assembler = ChatStreamAssembler()
        for chunk in ChatAnswerReplay.chunks(of: Array(body.utf8), includeUsage: true) { assembler.add(chunk) }
        guard case .store(let assembled, let usage) = assembler.decision(settings: settings) else {
            Issue.record("the assembled stream should be kept")
            return
        }
        #expect(assembled == assembler.completion())
        #expect(usage == AnswerUsage(promptTokens: 4, completionTokens: 2))
        let embeddings = #"{"object":"list","data":[{"embedding":[0.5,0.25]}],"usage":{"prompt_tokens":3}}"#
        #expect(CacheRefusal.decision(embeddings: Array(embeddings.utf8), settings: settings) == .store(Array(embeddings.utf8), usage: AnswerUsage(promptTokens: 3)))
        #expect(CacheRefusal.decision(embeddings: Array(#"{"data":[]}"#.utf8), settings: settings) == .refuse("no_data"))
    }

    @Test func aReplayedStreamAssemblesBackToTheAnswer() throws {
        let body = #"{"id":"chatcmpl-1","object":"chat.completion","created":7,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, big  world"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}"#
        let chunks = ChatAnswerReplay.chunks(of: Array(body.utf8), includeUsage: true)
        // role, four words, finish, usage
        #expect(chunks.count == 7)
        let texts = chunks.compactMap { chunk -> String? in
            let object = try? JSONValue(parsing: chunk.readableBytesView).objectValue
            #expect(object?["id"] == .string("chatcmpl-1"))
            #expect(object?["model"] == .string("m"))
            return object?["choices"]?.arrayValue?.first?.objectValue?["delta"]?.objectValue?["content"]?.stringValue
        }
        #expect(texts == ["", "Hello", " there,", " big", "  world"])
        var assembler = ChatStreamAssembler()
        for chunk in chunks { assembler.add(chunk) }
        let assembled = try #require(try JSONValue(parsing: assembler.completion()).objectValue)
        let original = try #require(try JSONValue(parsing: Array(body.utf8)).objectValue)
        #expect(assembled["choices"] == original["choices"])
        #expect(assembled["usage"] == original["usage"])
        #expect(assembled["id"] == original["id"])
    }

    @Test func toolCallDeltasAssembleIntoOneCall() throws {
        let chunks = [
            #"{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":"tool_calls"}]}"#,
        ]
        var assembler = ChatStreamAssembler()
        for chunk in chunks { assembler.add(ByteBuffer(string: chunk)) }
        let answer = try #require(try JSONValue(parsing: assembler.completion()).objectValue)
        let message = answer["choices"]?.arrayValue?.first?.objectValue?["message"]?.objectValue
        let call = message?["tool_calls"]?.arrayValue?.first?.objectValue
        #expect(call?["id"] == .string("call_1"))
        #expect(call?["function"]?.objectValue?["arguments"] == .string(#"{"city":"Paris"}"#))
        #expect(message?["content"] == .null)
        #expect(!assembler.isDamaged)
    }
}
