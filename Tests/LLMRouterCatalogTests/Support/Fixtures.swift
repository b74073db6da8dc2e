import Foundation
import LLMRouterCatalog
import LLMRouterCore

/// Paths of the package, the shared upstream captures, and scratch directories.
///
/// The repository is always cloned beside `shared/`, so the captures are `../shared/fixtures/upstream`
/// from the package root, which is two levels above this file's folder.
enum Fixtures {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // LLMRouterCatalogTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let upstream: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/upstream")

    static var seedPath: String { packageRoot.appendingPathComponent("config/model_catalog_seed.yaml").path }
    static var bundledIndexPath: String { packageRoot.appendingPathComponent("generated/model_index.json").path }

    /// The newest capture of each provider: what the bundled index is built from.
    static let newest: [ProviderKind: String] = [
        .groq: "groq-models.json",
        .openrouter: "openrouter-models-2026-08.json",
        .nvidiaNIM: "nvidia-nim-models-2026-06.json",
    ]

    /// The captures the bundled index is built from: the newest three plus Cerebras, Gemini,
    /// Mistral and GitHub Models (Hugging Face's routes are documented in the seed).
    static let bundled: [ProviderKind: String] = newest.merging([
        .cerebras: "cerebras-models.json", .gemini: "gemini-models-native.json", .mistral: "mistral-models.json",
        .githubModels: "github-models-catalog.json",
    ]) { old, _ in old }

    /// The providers the bundled index is built from, in `--providers` order.
    static let bundledProviders: [ProviderKind] = [.groq, .openrouter, .nvidiaNIM, .cerebras, .gemini, .mistral, .githubModels]

    /// The older captures.
    static let older: [ProviderKind: String] = [
        .groq: "groq-models-2025-03.json",
        .openrouter: "openrouter-models.json",
        .nvidiaNIM: "nvidia-nim-models.json",
    ]

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: upstream.appendingPathComponent(name))
    }

    static func listing(_ name: String, _ provider: ProviderKind) throws -> ProviderListing {
        try ListingParser.parse(data(name), provider: provider)
    }

    static func listings(_ files: [ProviderKind: String]) throws -> [ProviderKind: ProviderListing] {
        var result: [ProviderKind: ProviderListing] = [:]
        for (provider, file) in files { result[provider] = try listing(file, provider) }
        return result
    }

    static func seed() throws -> CatalogSeed {
        try SeedLoader().load(path: seedPath).seed
    }

    /// Fake keys in the real shapes, so a leak would be caught by the redactor patterns too.
    static let keys: [String: String] = [
        "GROQ_API_KEY": "gsk_TEST.KEY.groq.0123.abcdef",
        "OPENROUTER_API_KEY": "sk-or-v1-TESTKEYopenrouter0123456789",
        "NVIDIA_NIM_KEY": "nvapi-TEST.KEY.nim.0123.abcdef",
        "CEREBRAS_API_KEY": "csk-TEST.KEY.cerebras.0123.abcdef",
        "GEMINI_API_KEY": "AIzaTESTKEYgemini0123456789abcdef",
        "MISTRAL_API_KEY": "TESTKEYmistral0123456789abcdef",
        "GITHUB_TOKEN": "github_pat_TESTKEYgithub0123456789",
        "HUGGINGFACE_API_TOKEN": "hf_TESTKEYhuggingface0123456789",
    ]
}

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-catalog-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ text: String, to name: String) throws -> String {
        let path = path(name)
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true
        )
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
