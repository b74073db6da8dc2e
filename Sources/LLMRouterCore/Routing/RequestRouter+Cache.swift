import Logging

/// What routing does for the response cache once it has missed.
struct CachePlan: Sendable {
    let cache: ResponseCache
    let key: CacheKey
    /// The flight this request leads; `nil` when it stores nothing (`no-store`) or follows a
    /// leader that shared nothing.
    let flight: Flight?
    /// The question's embedding and scope, to index the answer under when it is stored.
    let semantic: (vector: [Float], scope: UInt64)?
}

extension RequestRouter {
    enum CacheConsultation<Output: Sendable> {
        /// Answered from the cache (already recorded).
        case answered(RoutingOutcome<Output>)
        /// Route as usual; with a plan when the answer is to be stored.
        case route(CachePlan?)
    }

    /// Before routing: answers from the cache, waits for an identical request in the air, or
    /// says how to store what routing gets.
    func consultCache<Operation: RouterOperation>(
        _ cache: ResponseCache,
        operation: Operation,
        model: String,
        table: RoutingTable,
        deadline: C.Instant,
        journey: inout Journey<C.Instant>
    ) async throws -> CacheConsultation<Operation.Output> {
        let info = journey.info
        let directives = info.cache
        let counters = Self.requestCounters(cache, info)
        guard !directives.off, let request = operation.cacheRequest, request.isDeterministic || cache.settings.mode == .all else {
            journey.cache = .bypass
            counters?.count(.bypass)
            return .route(nil)
        }
        let key = CacheKey(keyName: info.keyName, endpoint: info.endpoint, model: model, fields: request.fields)
        if let entry = await cache.lookup(key, directives: directives, now: wallTime()) {
            return try await answerFromCache(entry, verdict: .hit(age: age(of: entry)), cache: cache, operation: operation, journey: &journey)
        }
        // The exact key's flight before the semantic layer: identical requests wait for one
        // leader, and only it embeds the question (a stampede of 8 makes one embedding call).
        var flight: Flight?
        switch cache.join(key, directives: directives) {
        case .missUnstored:
            break
        case .lead(_, let led):
            flight = led
        case .follow(_, let followed):
            counters?.coalescedRequest()
            if let shared = await waitForLeader(followed, deadline: deadline), accepts(shared, cache, directives) {
                let verdict = shared.similarity.map { CacheVerdict.semanticHit(age: age(of: shared.entry), similarity: $0) }
                    ?? .hit(age: age(of: shared.entry))
                return try await answerFromCache(shared.entry, verdict: verdict, cache: cache, operation: operation, journey: &journey)
            }
            try Task.checkCancellation()
            // The leader had nothing to share, from the semantic layer either: route alone.
            journey.cache = .miss
            counters?.count(.miss)
            return .route(nil)
        }
        let semantic = await semanticQuestion(cache, request: request, model: model, table: table, deadline: deadline, info: info)
        if let semantic, let (entry, similarity) = await semanticMatch(cache, semantic, directives: directives) {
            if let flight { cache.flights.land(key, flight, with: SharedAnswer(entry: entry, similarity: similarity)) }
            let verdict = CacheVerdict.semanticHit(age: age(of: entry), similarity: similarity)
            return try await answerFromCache(entry, verdict: verdict, cache: cache, operation: operation, journey: &journey)
        }
        journey.cache = .miss
        counters?.count(.miss)
        return .route(flight.map { CachePlan(cache: cache, key: key, flight: $0, semantic: semantic) })
    }

    /// Whether a follower takes what its leader shares: a semantic hit only when its own headers
    /// allow one (the semantic layer on, no `no-cache`, its threshold and `max-age` met).
    private func accepts(_ shared: SharedAnswer, _ cache: ResponseCache, _ directives: CacheDirectives) -> Bool {
        guard let similarity = shared.similarity else { return true }
        return !directives.semanticOff && !directives.noCache && similarity >= semanticThreshold(cache, directives)
            && ResponseCache.isFresh(shared.entry, directives: directives, now: wallTime())
    }

    /// The fresh entry of the nearest stored question in `semantic`'s scope above the threshold.
    private func semanticMatch(
        _ cache: ResponseCache,
        _ semantic: (vector: [Float], scope: UInt64),
        directives: CacheDirectives
    ) async -> (CachedAnswer, Double)? {
        guard let index = cache.semanticIndex else { return nil }
        let searchStart = clock.now
        let nearest = index.nearest(to: semantic.vector, scope: semantic.scope, threshold: semanticThreshold(cache, directives))
        cache.counters.semanticLookupTook(searchStart.duration(to: clock.now))
        guard let (answerKey, similarity) = nearest, let entry = await cache.lookup(answerKey, directives: directives, now: wallTime()) else {
            return nil
        }
        return (entry, similarity)
    }

    /// After routing: stores what may be stored and lands the flight; a stream is stored when
    /// it ends well.
    func settleCache<Operation: RouterOperation>(
        _ plan: CachePlan?,
        outcome: RoutingOutcome<Operation.Output>,
        operation: Operation,
        verdict: CacheVerdict?
    ) -> RoutingOutcome<Operation.Output> {
        guard case .answered(var answer) = outcome else {
            if let plan, let flight = plan.flight { plan.cache.flights.land(plan.key, flight, with: nil) }
            return outcome
        }
        answer.cache = verdict
        guard let plan, let flight = plan.flight else { return .answered(answer) }
        let facts = StoredAnswerFacts(
            provider: answer.provider, upstreamModel: answer.upstreamModel,
            promptTokens: answer.report.promptTokens, completionTokens: answer.report.completionTokens
        )
        // Stored as of when the answer arrived, however late its task runs.
        let land: @Sendable ([UInt8]?, AnswerUsage, Int64) async -> Void = { body, usage, now in
            let stored = await plan.cache.land(plan.key, flight, body: body, usage: usage, answer: facts, now: now)
            if stored != nil, let semantic = plan.semantic {
                plan.cache.semanticIndex?.insert(semantic.vector, scope: semantic.scope, answer: plan.key)
            }
        }
        switch operation.cacheDecision(for: answer.output, settings: plan.cache.settings) {
        case .store(let body, let usage):
            let now = wallTime()
            Task { await land(body, usage, now) }
        case .refuse(let reason):
            plan.cache.counters.refused(reason)
            let now = wallTime()
            Task { await land(nil, AnswerUsage(), now) }
        case .atStreamEnd:
            guard let stream = answer.output as? PrimedStream else {
                let now = wallTime()
                Task { await land(nil, AnswerUsage(), now) }
                break
            }
            let settings = plan.cache.settings
            let counters = plan.cache.counters
            stream.record(into: StreamCacheRecording { [self] assembler in
                let now = wallTime()
                // Decided from the assembler's own answer: the body is not parsed again.
                switch assembler?.decision(settings: settings) {
                case .store(let body, let usage)?:
                    Task { await land(body, usage, now) }
                case .refuse(let reason)?:
                    counters.refused(reason)
                    Task { await land(nil, AnswerUsage(), now) }
                case .atStreamEnd?, nil:
                    counters.refused("stream_incomplete")
                    Task { await land(nil, AnswerUsage(), now) }
                }
            })
        }
        return .answered(answer)
    }

    private func answerFromCache<Operation: RouterOperation>(
        _ entry: CachedAnswer,
        verdict: CacheVerdict,
        cache: ResponseCache,
        operation: Operation,
        journey: inout Journey<C.Instant>
    ) async throws -> CacheConsultation<Operation.Output> {
        let output = try await operation.replay(entry)
        Self.requestCounters(cache, journey.info)?.count(verdict)
        journey.cache = verdict
        journey.firstToken = clock.now
        journey.promptTokens = entry.promptTokens
        journey.completionTokens = entry.completionTokens
        var answer = RoutedAnswer(
            output: output, provider: entry.provider, upstreamModel: entry.upstreamModel,
            price: nil, latency: .zero, attempts: [], report: entry.report
        )
        answer.cache = verdict
        let outcome = RoutingOutcome<Operation.Output>.answered(answer)
        record(outcome, journey: journey)
        return .answered(outcome)
    }

    /// Waits for the leader of an identical request, no longer than the request's deadline.
    private func waitForLeader(_ flight: Flight, deadline: C.Instant) async -> SharedAnswer? {
        let clock = self.clock
        return await withTaskGroup(of: SharedAnswer?.self) { group in
            group.addTask { await flight.wait() }
            group.addTask {
                try? await clock.sleep(until: deadline, tolerance: nil)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Where a request's verdict is counted: nowhere for the semantic layer's own embedding
    /// lookups, which are no client's request — counted, each question asked would add a miss
    /// or a hit to `llmrouter_cache_requests_total` and skew the hit rate.
    static func requestCounters(_ cache: ResponseCache, _ info: RequestInfo) -> CacheCounters? {
        info.endpoint == RequestInfo.semanticEmbeddingEndpoint ? nil : cache.counters
    }

    private func age(of entry: CachedAnswer) -> Duration {
        .milliseconds(max(0, wallTime() - entry.storedAt))
    }

    /// The configured threshold, raised (never lowered) by `X-LLMRouter-Semantic-Threshold`.
    private func semanticThreshold(_ cache: ResponseCache, _ directives: CacheDirectives) -> Double {
        let configured = cache.settings.semantic?.threshold ?? 1
        return max(configured, directives.semanticThreshold ?? configured)
    }
}
