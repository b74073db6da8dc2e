import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

/// The seed's `include:` files, read relative to the including file, in order.
struct SeedIncludeTests {
    @Test func includedFilesAddTheirModelsInOrder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        _ = try scratch.write("models:\n  - {canonical: b, providers: {groq: {model: b}}}\n", to: "seed/more/b.yaml")
        _ = try scratch.write("models:\n  - {canonical: c, providers: {mistral: {model: c}}}\nprovider_limits: {}\n", to: "seed/c.yaml")
        let main = try scratch.write("""
            provider_limits:
              groq: {rpm: 30}
            include: [more/b.yaml, c.yaml]
            models:
              - {canonical: a, providers: {groq: {model: a}}}
            """, to: "seed/main.yaml")
        let loaded = try SeedLoader().load(path: main)
        #expect(loaded.seed.entries.map(\.canonical) == ["a", "b", "c"])
        #expect(loaded.seed.entries[1].providers.first?.mapping.limits?.requestsPerMinute == 30, "provider_limits apply to included entries")
        #expect(loaded.warnings.map(\.description).contains("\(scratch.path("seed/c.yaml")): top-level key 'provider_limits' ignored in an included file"))
    }

    @Test func aMissingIncludeOrADuplicateNameIsAnError() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let missing = try scratch.write("include: [nowhere.yaml]\n", to: "missing.yaml")
        let error = #expect(throws: SeedError.self) { try SeedLoader().load(path: missing) }
        #expect(error?.field == "include")
        #expect(error?.message.contains("nowhere.yaml") == true)

        _ = try scratch.write("models:\n  - {canonical: A, providers: {mistral: {model: other}}}\n", to: "twice.yaml")
        let main = try scratch.write("include: [twice.yaml]\nmodels:\n  - {canonical: a, providers: {groq: {model: a}}}\n", to: "main.yaml")
        let duplicate = #expect(throws: SeedError.self) { try SeedLoader().load(path: main) }
        #expect(duplicate?.file == scratch.path("twice.yaml"))
        #expect(duplicate?.message == "the seed names this model twice")
    }

    /// The committed seed is split over its include files and every entry is read.
    @Test func theCommittedSeedReadsEveryIncludedFile() throws {
        let seed = try Fixtures.seed()
        for canonical in ["llama-3.3-70b", "gemini-2.5-flash", "mistral-small", "gpt-4.1-mini", "bge-m3", "codestral-embed"] {
            #expect(seed.entries.contains { $0.canonical == canonical }, "\(canonical)")
        }
        #expect(try SeedLoader().load(path: Fixtures.seedPath).warnings.isEmpty)
    }
}
