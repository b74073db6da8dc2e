import LLMRouterCore

/// Recognises models that a `/models` listing offers but that cannot answer chat completions, and
/// among those the text-embedding models the router serves on `/v1/embeddings`.
///
/// Groq and NVIDIA NIM list speech, safety-classifier, embedding and reward models next to chat
/// models and carry no modality field, so their ids are the only evidence (OpenRouter's listing
/// has modalities, but its safety classifiers still output text, so the rule applies there too). The rule is a list of
/// id fragments, checked on the lower-cased id; it errs towards keeping a model, because
/// publishing a model that then fails costs one failover, while hiding a chat model hides it
/// for good.
///
/// | fragment | reason | examples from the captures |
/// |---|---|---|
/// | `whisper` | speech-to-text | `whisper-large-v3-turbo`, `distil-whisper-large-v3-en` |
/// | `orpheus`, `tts` | text-to-speech | `canopylabs/orpheus-v1-english`, `playai-tts` |
/// | `guard` | safety classifier | `meta-llama/llama-prompt-guard-2-22m`, `openai/gpt-oss-safeguard-20b`, `ibm/granite-guardian-3.0-8b` |
/// | `shieldgemma`, `safety` | safety classifier | `google/shieldgemma-9b`, `nvidia/nemotron-3.5-content-safety` |
/// | `reward` | reward model | `nvidia/nemotron-4-340b-reward` |
/// | `rerank` | reranker | |
/// | `parse` | document parser | `nvidia/nemoretriever-parse` |
/// | `nvclip` | image embedding | `nvidia/nvclip` |
/// | `detector`, `gliner`, `streampetr` | detection / NER | `nvidia/gliner-pii`, `nvidia/streampetr` |
///
/// Ids none of those match but that contain `embed` or `bge-` (`nvidia/nv-embedqa-e5-v5`,
/// `baai/bge-m3`, `snowflake/arctic-embed-l`) are text-embedding models: kept, as kind
/// embeddings. The dropping fragments are checked first, so a reranker or an image-embedding
/// model (`nvclip`) named like an embedder is still dropped.
enum NonChatModels {
    static let fragments: [(fragment: String, reason: String)] = [
        ("whisper", "speech-to-text"),
        ("orpheus", "text-to-speech"),
        ("tts", "text-to-speech"),
        ("guard", "safety classifier"),
        ("shieldgemma", "safety classifier"),
        ("safety", "safety classifier"),
        ("reward", "reward model"),
        ("rerank", "reranker"),
        ("parse", "document parser"),
        ("nvclip", "image embedding"),
        ("detector", "detector"),
        ("gliner", "entity recogniser"),
        ("streampetr", "detector"),
    ]

    /// Fragments of text-embedding model ids.
    static let embeddingFragments = ["embed", "bge-"]

    /// Why `id` can be served neither as a chat nor as an embedding model, or `nil` when nothing says so.
    static func reason(for id: String) -> String? {
        let lowered = id.lowercased()
        return fragments.first { lowered.contains($0.fragment) }.map(\.reason)
    }

    /// What the id alone says: a model the router cannot serve (with the reason), an embedding
    /// model, or (by default, since hiding a chat model hides it for good) a chat model.
    static func classify(_ id: String) -> (kind: RouteKind, unusableReason: String?) {
        if let reason = reason(for: id) { return (.chat, reason) }
        let lowered = id.lowercased()
        return embeddingFragments.contains { lowered.contains($0) } ? (.embeddings, nil) : (.chat, nil)
    }
}
