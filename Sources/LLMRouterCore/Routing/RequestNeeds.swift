/// What a request needs of a route beyond the model: tools, images, JSON mode, room for its
/// prompt. Read once per request; a route whose known capabilities fall short is skipped
/// instead of failing on the request.
public struct RequestNeeds: Sendable, Equatable {
    public var tools: Bool
    public var vision: Bool
    public var jsonMode: Bool
    /// A rough prompt size: four bytes of body per token.
    public var estimatedPromptTokens: Int

    public init(tools: Bool = false, vision: Bool = false, jsonMode: Bool = false, estimatedPromptTokens: Int = 0) {
        self.tools = tools
        self.vision = vision
        self.jsonMode = jsonMode
        self.estimatedPromptTokens = estimatedPromptTokens
    }

    public init(_ request: ChatRequest) {
        if case .array(let tools)? = request.fields["tools"] { self.tools = !tools.isEmpty } else { self.tools = false }
        if case .object(let format)? = request.fields["response_format"], let type = format["type"]?.stringValue {
            jsonMode = type == "json_object" || type == "json_schema"
        } else {
            jsonMode = false
        }
        vision = request.messages.contains { message in
            guard case .array(let parts)? = message.objectValue?["content"] else { return false }
            return parts.contains { $0.objectValue?["type"]?.stringValue == "image_url" }
        }
        estimatedPromptTokens = request.body.count / 4
    }

    /// Why `capabilities` cannot serve this request; `nil` when they can (unknown never rules out).
    public func shortfall(of capabilities: RouteCapabilities) -> String? {
        if tools, capabilities.tools == false { return "no tool calling" }
        if vision, capabilities.vision == false { return "no image input" }
        if jsonMode, capabilities.jsonMode == false { return "no JSON mode" }
        if let context = capabilities.contextLength, estimatedPromptTokens > context {
            return "prompt of about \(estimatedPromptTokens) tokens exceeds the \(context)-token context"
        }
        return nil
    }
}
