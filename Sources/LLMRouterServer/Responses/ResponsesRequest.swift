import LLMRouterCore

/// A `POST /v1/responses` body, translated into the chat-completions terms the router speaks.
///
/// The Responses API describes a conversation as typed input items and keeps earlier turns on
/// the server (`previous_response_id`); upstreams only speak chat completions. Parsing turns the
/// items into chat messages once, so routing sees an ordinary ``ChatRequest`` and only the two
/// edges (this parse and the answer rendering) know about Responses.
struct ResponsesRequest: Sendable {
    /// The model the client asked for; `nil` when it named none.
    var model: String?
    var stream: Bool
    /// Whether the answer should be remembered for a later `previous_response_id`; defaults to true, as at OpenAI.
    var store: Bool = true
    var previousResponseID: String?
    /// Becomes a system message ahead of everything else; not carried into later turns.
    var instructions: String?
    /// The chat-completions messages translated from `input`.
    var inputMessages: [JSONValue]
    /// The other chat-completions fields: tools, tool_choice, max_tokens, temperature, top_p,
    /// response_format, user, parallel_tool_calls (and stream_options for streams).
    var fields: [String: JSONValue]
    /// The request's settings in Responses form (flat tools, `text`, `max_output_tokens` ...),
    /// which every response object repeats back to the client.
    var echoedSettings: [String: JSONValue] = [:]

    /// Parses and validates a request body; every rejection is a 400 naming the parameter.
    static func parse(_ body: some Collection<UInt8>) throws(OpenAIError) -> ResponsesRequest {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw .invalidRequest("We could not parse the JSON body of your request: it is not valid JSON.")
        }
        guard case .object(let object) = value else {
            throw .invalidRequest("The request body must be a JSON object.")
        }
        return try ResponsesRequest(object: object)
    }

    private init(object: [String: JSONValue]) throws(OpenAIError) {
        model = try Self.optionalString(object, "model")
        stream = try Self.optionalBool(object, "stream") ?? false
        store = try Self.optionalBool(object, "store") ?? true
        previousResponseID = try Self.optionalString(object, "previous_response_id")
        instructions = try Self.optionalString(object, "instructions")
        if try Self.optionalBool(object, "background") == true {
            throw .invalidRequest("Background responses are not supported by this router; send 'background': false.", param: "background")
        }
        guard let input = object["input"], input != .null else {
            throw .invalidRequest("Missing required parameter: 'input'.", param: "input")
        }
        inputMessages = try ResponsesInputTranslation.messages(from: input)
        fields = [:]
        try translateSettings(object)
        if stream {
            fields["stream_options"] = .object(["include_usage": .bool(true)])
        }
    }

    /// The chat request to route: instructions (as a system message), then `history` (the
    /// conversation of the previous response, its answer included), then this request's input.
    func chatRequest(history: [JSONValue]) throws(OpenAIError) -> ChatRequest {
        var chatFields = fields
        var messages: [JSONValue] = []
        if let instructions {
            messages.append(.object(["role": .string("system"), "content": .string(instructions)]))
        }
        messages += history
        messages += inputMessages
        chatFields["messages"] = .array(messages)
        if let model { chatFields["model"] = .string(model) }
        chatFields["stream"] = .bool(stream)
        do throws(ChatRequestError) {
            return try ChatRequest(fields: chatFields)
        } catch {
            throw .invalidRequest(error.message, param: error.param)
        }
    }

    /// What to save in the ``ResponseStore`` after `answer`: `history`, this input and the answer,
    /// without the instructions, because OpenAI does not carry `instructions` into a turn that
    /// names this response as its `previous_response_id`.
    func conversation(history: [JSONValue], answer: JSONValue) -> [JSONValue] {
        history + inputMessages + [answer]
    }

    // MARK: - Settings

    /// Copies the sampling and tool settings into chat form, and keeps their Responses form for echoing.
    private mutating func translateSettings(_ object: [String: JSONValue]) throws(OpenAIError) {
        for name in ["temperature", "top_p"] {
            guard let value = object[name], value != .null else { continue }
            guard value.isNumber else { throw Self.wrongType(name, expected: "a number", got: value) }
            fields[name] = value
            echoedSettings[name] = value
        }
        if let value = object["max_output_tokens"], value != .null {
            guard let limit = value.intValue, limit > 0 else {
                throw .invalidRequest("Invalid value for 'max_output_tokens': expected a positive integer.", param: "max_output_tokens")
            }
            fields["max_tokens"] = .integer(Int64(limit))
            echoedSettings["max_output_tokens"] = .integer(Int64(limit))
        }
        if let user = try Self.optionalString(object, "user") {
            fields["user"] = .string(user)
            echoedSettings["user"] = .string(user)
        }
        if let parallel = try Self.optionalBool(object, "parallel_tool_calls") {
            fields["parallel_tool_calls"] = .bool(parallel)
            echoedSettings["parallel_tool_calls"] = .bool(parallel)
        }
        if let metadata = object["metadata"], metadata != .null {
            guard case .object = metadata else { throw Self.wrongType("metadata", expected: "an object", got: metadata) }
            echoedSettings["metadata"] = metadata
        }
        if let tools = object["tools"], tools != .null {
            let translated = try ResponsesToolTranslation.tools(from: tools)
            if !translated.chat.isEmpty { fields["tools"] = .array(translated.chat) }
            echoedSettings["tools"] = .array(translated.flat)
        }
        if let choice = object["tool_choice"], choice != .null {
            fields["tool_choice"] = try ResponsesToolTranslation.toolChoice(from: choice)
            echoedSettings["tool_choice"] = choice
        }
        if let text = object["text"], text != .null {
            let (responseFormat, echoedFormat) = try ResponsesToolTranslation.responseFormat(fromText: text)
            if let responseFormat { fields["response_format"] = responseFormat }
            echoedSettings["text"] = .object(["format": echoedFormat])
        }
    }

    // MARK: - Validation helpers

    static func wrongType(_ param: String, expected: String, got value: JSONValue) -> OpenAIError {
        .invalidRequest("Invalid type for '\(param)': expected \(expected), but got \(value.typeName).", param: param)
    }

    static func optionalString(_ object: [String: JSONValue], _ name: String, param: String? = nil) throws(OpenAIError) -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw wrongType(param ?? name, expected: "a string", got: other)
        }
    }

    static func requiredString(_ object: [String: JSONValue], _ name: String, param: String) throws(OpenAIError) -> String {
        guard let text = try optionalString(object, name, param: param) else {
            throw .invalidRequest("Missing required parameter: '\(param)'.", param: param)
        }
        return text
    }

    static func optionalBool(_ object: [String: JSONValue], _ name: String) throws(OpenAIError) -> Bool? {
        switch object[name] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case let other?: throw wrongType(name, expected: "a boolean", got: other)
        }
    }
}
