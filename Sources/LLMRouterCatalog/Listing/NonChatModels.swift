/// Recognises models that a `/models` listing offers but that cannot answer chat completions.
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
/// | `embed`, `bge-` | embedding | `nvidia/nv-embedqa-e5-v5`, `baai/bge-m3` |
/// | `reward` | reward model | `nvidia/nemotron-4-340b-reward` |
/// | `rerank` | reranker | |
/// | `parse` | document parser | `nvidia/nemoretriever-parse` |
/// | `nvclip` | image embedding | `nvidia/nvclip` |
/// | `detector`, `gliner`, `streampetr` | detection / NER | `nvidia/gliner-pii`, `nvidia/streampetr` |
enum NonChatModels {
    static let fragments: [(fragment: String, reason: String)] = [
        ("whisper", "speech-to-text"),
        ("orpheus", "text-to-speech"),
        ("tts", "text-to-speech"),
        ("guard", "safety classifier"),
        ("shieldgemma", "safety classifier"),
        ("safety", "safety classifier"),
        ("embed", "embedding"),
        ("bge-", "embedding"),
        ("reward", "reward model"),
        ("rerank", "reranker"),
        ("parse", "document parser"),
        ("nvclip", "image embedding"),
        ("detector", "detector"),
        ("gliner", "entity recogniser"),
        ("streampetr", "detector"),
    ]

    /// Why `id` is not a chat model, or `nil` when nothing says so.
    static func reason(for id: String) -> String? {
        let lowered = id.lowercased()
        return fragments.first { lowered.contains($0.fragment) }.map(\.reason)
    }
}
