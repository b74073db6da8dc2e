/// Whether an upstream continues a partial assistant message placed last in `messages` (a
/// "prefill") instead of starting a new answer after it. Each vendor's file says which it does;
/// a broken stream is continued with a prefill where there is one, and otherwise with the partial
/// answer followed by a user message asking to go on from exactly where it stopped.
public enum AssistantPrefill: Sendable, Equatable {
    /// A trailing assistant message is taken as a finished turn.
    case unsupported
    /// A trailing assistant message is continued as it stands (Groq, OpenRouter).
    case trailingAssistantMessage
    /// A trailing assistant message is continued when it carries `"prefix": true` (Mistral; a
    /// trailing assistant message without it is refused).
    case prefixFlag
}
