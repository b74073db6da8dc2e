import Foundation
import InMemoryLogging
import LLMRouterCatalog
import LLMRouterCore
import Logging
import Testing

/// A provider that cannot be listed keeps its routes from the previous index, marked stale with
/// its last good listing, and is dropped once that is more than `maxStaleDays` old.
struct StaleProviderTests {
    static let firstRun = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21T14:13:20Z
    static let day: TimeInterval = 86_400

    private func run(
        at date: Date, output: String, failing: [ProviderKind] = [], providers: [ProviderKind] = [.groq, .openrouter, .nvidiaNIM],
        logs: InMemoryLogHandler = InMemoryLogHandler()
    ) async throws -> CatalogBuildJob.Summary {
        let down = Array(repeating: FetchedResponse(status: 500, body: Data("{}".utf8)), count: 2)
        let fake = FixtureFetcher(files: Fixtures.bundled, scripted: Dictionary(uniqueKeysWithValues: failing.map { ($0, down) }))
        let probe = ModelsProbe(fetcher: fake.fetcher, configuration: .init(maximumAttempts: 2), sleep: { _ in }, jitter: { 0 })
        let job = CatalogBuildJob(
            options: .init(providers: providers, seedPath: Fixtures.seedPath, outputPath: output, previousIndexPath: output),
            environment: FixtureFetcher.environment(providers), probe: probe, now: { date }
        )
        return try await job.run(logger: Logger(label: "t", factory: { _ in logs }))
    }

    @Test func aProviderThatFailsKeepsItsRoutesMarkedStaleThenIsDropped() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.path("model_index.json")
        let first = try await run(at: Self.firstRun, output: output).index
        #expect(first.listedAt["nvidia_nim"] == "2026-09-21T14:13:20Z")

        // Three days later NIM answers 500: its routes stay, stale since the first run.
        let logs = InMemoryLogHandler()
        let second = try await run(at: Self.firstRun + 3 * Self.day, output: output, failing: [.nvidiaNIM], logs: logs)
        #expect(second.stale.carried == [.nvidiaNIM: "2026-09-21T14:13:20Z"])
        let index = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: output)), source: output)
        #expect(index.generatedAt == "2026-09-24T14:13:20Z")
        #expect(index.listedAt == ["groq": "2026-09-24T14:13:20Z", "openrouter": "2026-09-24T14:13:20Z", "nvidia_nim": "2026-09-21T14:13:20Z"])
        #expect(index.providerCatalogs["nvidia_nim"] == first.providerCatalogs["nvidia_nim"])
        let llama = try #require(index.entry(named: "llama-3.3-70b")?.providers)
        #expect(llama["groq"]?.staleness == nil)
        #expect(llama["nvidia_nim"]?.staleness == .init(lastListed: "2026-09-21T14:13:20Z"))
        #expect(llama["nvidia_nim"]?.model == "meta/llama-3.3-70b-instruct")
        #expect(llama["nvidia_nim"]?.status == .listed)
        // Models only NIM served come back whole, with their kind and ranks.
        let bge = try #require(index.entry(named: "bge-m3"))
        #expect(bge.kind == .embeddings && bge.dimensions == 1024 && bge.tier == .embedding)
        #expect(bge.providers["nvidia_nim"]?.staleness != nil)
        #expect(index.models.filter { $0.providers["nvidia_nim"] != nil }.count == first.models.filter { $0.providers["nvidia_nim"] != nil }.count)
        let kept = try #require(logs.entries.first { $0.message.description.hasPrefix("provider not listed; its routes are kept") })
        #expect(kept.level == .warning && kept.metadata["provider"] == "nvidia_nim")
        // debug-models says how old a kept route is.
        let report = ModelsReport.make(index: index, source: nil, options: .init(requiredProviders: [], limit: nil), environment: Fixtures.keys)
        #expect(report.models.first { $0.canonical == "bge-m3" }?.providers["nvidia_nim"]?.lastListed == "2026-09-21T14:13:20Z")
        #expect(report.table().contains("listed, stale since 2026-09-21T14:13:20Z"))
        #expect(try report.json().contains(#""last_listed": "2026-09-21T14:13:20Z""#))

        // Eleven days after that (fourteen and more since NIM's last listing) it is dropped.
        let dropLogs = InMemoryLogHandler()
        let third = try await run(at: Self.firstRun + 15 * Self.day, output: output, failing: [.nvidiaNIM], logs: dropLogs)
        #expect(third.stale.dropped == [.nvidiaNIM: "2026-09-21T14:13:20Z"])
        #expect(!third.index.models.contains { $0.providers["nvidia_nim"] != nil })
        #expect(third.index.entry(named: "bge-m3") == nil)
        #expect(third.index.listedAt["nvidia_nim"] == "2026-09-21T14:13:20Z", "stays dropped until it lists again")
        let dropped = try #require(dropLogs.entries.first { $0.message.description.hasPrefix("provider dropped") })
        #expect(dropped.level == .warning)
        #expect(dropped.metadata["days"] == "15" && dropped.metadata["max_stale_days"] == "14")

        // Listed again, NIM's routes are fresh.
        let fourth = try await run(at: Self.firstRun + 16 * Self.day, output: output)
        #expect(fourth.index.entry(named: "bge-m3")?.providers["nvidia_nim"]?.staleness == nil)
        #expect(fourth.index.listedAt["nvidia_nim"] == "2026-10-07T14:13:20Z")
    }

    /// An index from before `listed_at` dates its routes by `generated_at`; a provider never
    /// listed falls back to the seed's documented routes; an unreadable previous index keeps nothing.
    @Test func olderIndexesNeverListedProvidersAndUnreadableFiles() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.path("model_index.json")
        try FileManager.default.copyItem(atPath: Fixtures.bundledIndexPath, toPath: output)
        var old = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: output)), source: output)
        old.listedAt = [:]
        old.generatedAt = "2026-09-20T00:00:00Z"
        try old.encoded(pretty: true).write(to: URL(fileURLWithPath: output))
        let summary = try await run(
            at: Self.firstRun, output: output, failing: [.groq, .huggingface], providers: [.groq, .openrouter, .huggingface]
        )
        #expect(summary.stale.carried == [.groq: "2026-09-20T00:00:00Z"])
        #expect(summary.index.entry(named: "kimi-k2")?.providers["groq"]?.staleness?.lastListed == "2026-09-20T00:00:00Z")
        #expect(summary.index.entry(named: "kimi-k2")?.providers["huggingface"]?.status == .documented, "never listed: documented only")

        try Data("not an index".utf8).write(to: URL(fileURLWithPath: output))
        let logs = InMemoryLogHandler()
        let fresh = try await run(at: Self.firstRun, output: output, failing: [.groq], logs: logs)
        #expect(fresh.stale == StaleProviders())
        #expect(!fresh.index.models.contains { $0.providers["groq"] != nil })
        #expect(logs.entries.contains { $0.message.description.hasPrefix("previous index unusable") })
    }
}
