/// The text ``PromptClassifier`` reads: the last user message, where the request says what it
/// wants (earlier turns and the system prompt say more about the conversation than the task).
enum PromptText {
    /// Calls `body` with each text of the last `user` message: its string content, or each
    /// `text` part of its content array (images and other parts skipped).
    static func forEachUserText(of request: ChatRequest, _ body: (String) -> Void) {
        guard let message = request.messages.last(where: { $0.objectValue?["role"]?.stringValue == "user" })?.objectValue else { return }
        switch message["content"] {
        case .string(let text)?:
            body(text)
        case .array(let parts)?:
            for part in parts {
                guard let part = part.objectValue, part["type"]?.stringValue == "text", let text = part["text"]?.stringValue else { continue }
                body(text)
            }
        default:
            return
        }
    }
}
