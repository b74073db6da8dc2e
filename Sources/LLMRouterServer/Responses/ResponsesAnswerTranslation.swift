import LLMRouterCore

/// Renders a whole upstream `chat.completion` as a Responses `response` object.
enum ResponsesAnswerTranslation {
    /// - Parameters:
    ///   - body: the upstream's `chat.completion` JSON.
    ///   - request: the Responses request it answers, whose settings the response repeats.
    ///   - id: the response id (`resp_…`); message and call item ids are derived from it.
    ///   - createdAt: Unix seconds.
    ///   - usageLocation: where the answering provider put the usage.
    /// - Returns: the response JSON, and the assistant chat message to remember for a later
    ///   `previous_response_id` (its tool calls carry the same `call_id`s the client sees).
    /// - Throws: ``UpstreamFailure`` `.badResponse` when the body is not a chat completion.
    static func response(
        fromChatCompletion body: some Collection<UInt8>,
        request: ResponsesRequest,
        id: String,
        createdAt: Int,
        usageLocation: UsageLocation = .standard
    ) throws(UpstreamFailure) -> (body: [UInt8], answerMessage: JSONValue) {
        let parsed: JSONValue
        do throws(JSONParseError) {
            parsed = try JSONValue(parsing: body)
        } catch {
            throw UpstreamFailure(kind: .badResponse, message: "The upstream answer is not valid JSON: \(error).")
        }
        guard case .object(let completion) = parsed else {
            throw UpstreamFailure(kind: .badResponse, message: "The upstream answer is not a JSON object.")
        }
        guard let choice = completion["choices"]?.arrayValue?.first?.objectValue,
              let message = choice["message"]?.objectValue
        else {
            throw UpstreamFailure(kind: .badResponse, message: "The upstream answer has no choices[0].message.")
        }
        let suffix = ResponsesObject.itemSuffix(responseID: id)
        let text = Self.text(of: message["content"])
        let toolCalls = Self.toolCalls(of: message["tool_calls"], suffix: suffix)
        var output: [JSONValue] = []
        if !(text ?? "").isEmpty || toolCalls.isEmpty {
            output.append(ResponsesObject.messageItem(id: "msg_\(suffix)", text: text ?? "", status: .completed))
        }
        for (index, call) in toolCalls.enumerated() {
            output.append(ResponsesObject.functionCallItem(
                id: "fc_\(suffix)_\(index)", callID: call.callID, name: call.name, arguments: call.arguments, status: .completed
            ))
        }
        let incompleteReason = ResponsesObject.incompleteReason(finishReason: choice["finish_reason"]?.stringValue)
        let response = ResponsesObject.make(
            request: request,
            id: id,
            createdAt: createdAt,
            status: incompleteReason == nil ? .completed : .incomplete,
            output: output,
            usage: ResponsesObject.usage(fromChat: ResponsesObject.chatUsage(in: completion, location: usageLocation)),
            incompleteReason: incompleteReason,
            upstreamModel: completion["model"]?.stringValue
        )
        return (ResponsesJSON.bytes(response), ResponsesObject.answerMessage(text: text, toolCalls: toolCalls))
    }

    /// The message text: a string, or the text of a part list (some vendors send parts).
    private static func text(of content: JSONValue?) -> String? {
        switch content {
        case .string(let text)?: text
        case .array(let parts)?: parts.compactMap { $0[member: "text"]?.stringValue }.joined()
        default: nil
        }
    }

    /// The tool calls, each with a `call_id`: an upstream that sends an empty id (Gemini does)
    /// gets one derived from the response, because the client must echo it back with the result.
    private static func toolCalls(of value: JSONValue?, suffix: String) -> [(callID: String, name: String, arguments: String)] {
        guard let calls = value?.arrayValue else { return [] }
        return calls.enumerated().compactMap { index, call -> (callID: String, name: String, arguments: String)? in
            guard let function = call[member: "function"]?.objectValue,
                  let name = function["name"]?.stringValue
            else { return nil }
            let arguments: String
            switch function["arguments"] {
            case .string(let text)?: arguments = text
            case let structured? where structured != .null:
                arguments = String(decoding: ResponsesJSON.bytes(structured), as: UTF8.self)
            default: arguments = "{}"
            }
            let upstreamID = call[member: "id"]?.stringValue ?? ""
            return (upstreamID.isEmpty ? "call_\(suffix)_\(index)" : upstreamID, name, arguments)
        }
    }
}
