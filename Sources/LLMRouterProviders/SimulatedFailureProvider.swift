public import LLMRouterCore

/// Wraps any provider and fails a share of its calls before it is reached (`mock_failure_rate`),
/// so failover can be rehearsed without a real outage.
public struct SimulatedFailureProvider: Provider {
    public let base: any Provider
    /// Share of calls (0...1) that fail.
    public let rate: Double
    private let roll: @Sendable () -> Double

    /// - Parameter roll: returns a number in 0..<1 per call; injectable for deterministic tests.
    public init(base: any Provider, rate: Double, roll: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.base = base
        self.rate = rate
        self.roll = roll
    }

    public var assistantPrefill: AssistantPrefill { base.assistantPrefill }

    public func complete(_ request: ChatRequest, context: ProviderContext) async throws -> ChatCompletion {
        try failIfDrawn()
        return try await base.complete(request, context: context)
    }

    public func stream(_ request: ChatRequest, context: ProviderContext) async throws -> ChatEventStream {
        try failIfDrawn()
        return try await base.stream(request, context: context)
    }

    public func embed(_ request: EmbeddingsRequest, context: ProviderContext) async throws -> EmbeddingsAnswer {
        try failIfDrawn()
        return try await base.embed(request, context: context)
    }

    private func failIfDrawn() throws(UpstreamFailure) {
        if rate > 0, roll() < rate { throw UpstreamFailure.simulated(rate: rate) }
    }
}
