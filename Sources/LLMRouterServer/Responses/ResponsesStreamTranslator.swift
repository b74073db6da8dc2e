import LLMRouterCore
import NIOCore

/// Turns an upstream's `chat.completion.chunk` stream into Responses stream events.
///
/// Chat chunks only carry deltas; Responses clients expect each output item announced
/// (`response.output_item.added`), filled (`…delta`) and closed (`….done`, `response.output_item.done`)
/// before `response.completed` repeats the whole response. The translator keeps the items built
/// so far to emit the closing events and the final object. It is a plain state machine: its owner
/// feeds payloads and writes the returned events, one server-sent event per `ByteBuffer`.
///
/// Text opens a message item; a tool call closes the open message and opens a function call
/// item, kept open until the end because an upstream may still send its argument fragments.
/// Text after tool calls opens a new message item.
struct ResponsesStreamTranslator: Sendable {
    private struct Item: Sendable {
        enum Kind: Sendable {
            case message
            case functionCall(callID: String, name: String)
        }

        var id: String
        var kind: Kind
        /// The message text or the call's arguments, kept apart from ``kind`` so each delta
        /// appends in place instead of copying everything received so far.
        var text = ""
        var isOpen = true
    }

    private let request: ResponsesRequest
    private let id: String
    private let createdAt: Int
    private let itemSuffix: String
    private var nextSequenceNumber = 0
    private var started = false
    private var finished = false
    /// Output items in output order: an item's position is its `output_index`.
    private var items: [Item] = []
    /// The position of the message item text deltas go to, while one is open.
    private var openMessage: Int?
    /// The position of each tool call, by the index the upstream gives it in `delta.tool_calls`.
    private var toolCallPositions: [Int: Int] = [:]
    /// How many function call items were opened, which numbers their ids (`fc_…_0`, `fc_…_1`).
    private var toolCallCount = 0
    private var finishReason: String?
    private var chatUsage: JSONValue?
    private var upstreamModel: String?
    /// Where the answering provider's chunks carry their usage; set once routed.
    var usageLocation: UsageLocation

    /// - Parameters:
    ///   - request: the Responses request being answered, whose settings the response objects repeat.
    ///   - id: the response id (`resp_…`); item ids are derived from it.
    ///   - createdAt: Unix seconds.
    init(request: ResponsesRequest, id: String, createdAt: Int, usageLocation: UsageLocation = .standard) {
        self.usageLocation = usageLocation
        self.request = request
        self.id = id
        self.createdAt = createdAt
        self.itemSuffix = ResponsesObject.itemSuffix(responseID: id)
    }

    /// The events one upstream chunk payload (the text after `data: `, `[DONE]` excluded) produces.
    /// - Throws: ``UpstreamFailure`` `.badResponse` for a payload that is not a chunk object, and
    ///   `.serverError` for an error the upstream reports inside the stream.
    mutating func events(forChunk payload: ByteBuffer) throws(UpstreamFailure) -> [ByteBuffer] {
        let parsed: JSONValue
        do throws(JSONParseError) {
            parsed = try JSONValue(parsing: payload.readableBytesView)
        } catch {
            throw UpstreamFailure(kind: .badResponse, message: "An upstream stream chunk is not valid JSON: \(error).")
        }
        guard case .object(let chunk) = parsed else {
            throw UpstreamFailure(kind: .badResponse, message: "An upstream stream chunk is not a JSON object.")
        }
        if let error = chunk["error"], error != .null {
            let message = error[member: "message"]?.stringValue ?? "The upstream reported an error inside the stream."
            throw UpstreamFailure(kind: .serverError, message: message)
        }
        var events = startEventsIfNeeded()
        if upstreamModel == nil { upstreamModel = chunk["model"]?.stringValue }
        if let usage = ResponsesObject.chatUsage(in: chunk, location: usageLocation) { chatUsage = usage }
        guard let choice = chunk["choices"]?.arrayValue?.first?.objectValue else { return events }
        if let delta = choice["delta"]?.objectValue {
            if case .string(let text)? = delta["content"], !text.isEmpty {
                events += appendText(text)
            }
            for (position, call) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                events += appendToolCall(call, defaultIndex: position)
            }
        }
        if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        return events
    }

    /// Closes the open items and ends with `response.completed` (or `response.incomplete` when
    /// the upstream stopped at its token limit). Call once, after the last chunk.
    mutating func finish() -> [ByteBuffer] {
        guard !finished else { return [] }
        var events = startEventsIfNeeded()
        if items.isEmpty {
            // An answer with no text and no calls still gets its (empty) message, as at OpenAI.
            events += appendText("")
        }
        for position in items.indices where items[position].isOpen {
            events += close(position)
        }
        openMessage = nil
        finished = true
        let incompleteReason = ResponsesObject.incompleteReason(finishReason: finishReason)
        let response = responseObject(status: incompleteReason == nil ? .completed : .incomplete, incompleteReason: incompleteReason)
        events.append(event(incompleteReason == nil ? "response.completed" : "response.incomplete", ["response": response]))
        return events
    }

    /// The assistant chat message the stream produced (its text and tool calls), to remember
    /// for a later `previous_response_id`. Complete once ``finish()`` was called.
    var answerMessage: JSONValue {
        var texts: [String] = []
        var toolCalls: [(callID: String, name: String, arguments: String)] = []
        for item in items {
            switch item.kind {
            case .message: texts.append(item.text)
            case .functionCall(let callID, let name): toolCalls.append((callID, name, item.text))
            }
        }
        return ResponsesObject.answerMessage(text: texts.isEmpty ? nil : texts.joined(), toolCalls: toolCalls)
    }

    /// The events that end a stream the upstream broke off: `response.failed` with
    /// `error {code, message}`, preceded by the opening events if none were sent yet.
    func failureEvents(message: String, code: String) -> [ByteBuffer] {
        var copy = self
        var events = copy.startEventsIfNeeded()
        let error: JSONValue = .object(["code": .string(code), "message": .string(message)])
        let response = copy.responseObject(status: .failed, error: error)
        events.append(copy.event("response.failed", ["response": response]))
        return events
    }

    // MARK: - Items

    private mutating func startEventsIfNeeded() -> [ByteBuffer] {
        guard !started else { return [] }
        started = true
        let response = responseObject(status: .inProgress)
        return [event("response.created", ["response": response]), event("response.in_progress", ["response": response])]
    }

    private mutating func appendText(_ text: String) -> [ByteBuffer] {
        var events: [ByteBuffer] = []
        let position: Int
        if let openMessage {
            position = openMessage
        } else {
            position = items.count
            let itemID = position == 0 ? "msg_\(itemSuffix)" : "msg_\(itemSuffix)_\(position)"
            items.append(Item(id: itemID, kind: .message))
            openMessage = position
            events.append(event("response.output_item.added", [
                "output_index": .integer(Int64(position)),
                "item": ResponsesObject.messageItem(id: itemID, text: "", status: .inProgress),
            ]))
            events.append(event("response.content_part.added", [
                "item_id": .string(itemID),
                "output_index": .integer(Int64(position)),
                "content_index": .integer(0),
                "part": ResponsesObject.outputTextPart(""),
            ]))
        }
        guard !text.isEmpty else { return events }
        items[position].text += text
        events.append(event("response.output_text.delta", [
            "item_id": .string(items[position].id),
            "output_index": .integer(Int64(position)),
            "content_index": .integer(0),
            "delta": .string(text),
            "logprobs": .array([]),
        ]))
        return events
    }

    private mutating func appendToolCall(_ call: JSONValue, defaultIndex: Int) -> [ByteBuffer] {
        var events: [ByteBuffer] = []
        let callIndex = call[member: "index"]?.intValue ?? defaultIndex
        let function = call[member: "function"]
        let upstreamID = call[member: "id"]?.stringValue ?? ""
        let position: Int
        if let known = toolCallPositions[callIndex], !startsAnotherCall(at: known, upstreamID: upstreamID) {
            position = known
        } else {
            if let openMessage {
                events += close(openMessage)
                self.openMessage = nil
            }
            position = items.count
            let callNumber = toolCallCount
            toolCallCount += 1
            let callID = upstreamID.isEmpty ? "call_\(itemSuffix)_\(callNumber)" : upstreamID
            let name = function?[member: "name"]?.stringValue ?? ""
            let itemID = "fc_\(itemSuffix)_\(callNumber)"
            items.append(Item(id: itemID, kind: .functionCall(callID: callID, name: name)))
            toolCallPositions[callIndex] = position
            events.append(event("response.output_item.added", [
                "output_index": .integer(Int64(position)),
                "item": ResponsesObject.functionCallItem(id: itemID, callID: callID, name: name, arguments: "", status: .inProgress),
            ]))
        }
        guard let fragment = function?[member: "arguments"]?.stringValue, !fragment.isEmpty else { return events }
        items[position].text += fragment
        events.append(event("response.function_call_arguments.delta", [
            "item_id": .string(items[position].id),
            "output_index": .integer(Int64(position)),
            "delta": .string(fragment),
        ]))
        return events
    }

    /// Whether a fragment at a known `index` is really a new call: some upstreams give every
    /// call index 0 and tell them apart only by a new id.
    private func startsAnotherCall(at position: Int, upstreamID: String) -> Bool {
        guard !upstreamID.isEmpty, case .functionCall(let callID, _) = items[position].kind else { return false }
        return callID != upstreamID
    }

    private mutating func close(_ position: Int) -> [ByteBuffer] {
        guard items[position].isOpen else { return [] }
        items[position].isOpen = false
        let item = items[position]
        let outputIndex = JSONValue.integer(Int64(position))
        switch item.kind {
        case .message:
            return [
                event("response.output_text.done", [
                    "item_id": .string(item.id), "output_index": outputIndex, "content_index": .integer(0),
                    "text": .string(item.text), "logprobs": .array([]),
                ]),
                event("response.content_part.done", [
                    "item_id": .string(item.id), "output_index": outputIndex, "content_index": .integer(0),
                    "part": ResponsesObject.outputTextPart(item.text),
                ]),
                event("response.output_item.done", ["output_index": outputIndex, "item": rendered(item)]),
            ]
        case .functionCall(_, let name):
            return [
                // `name` is not in every capture, but newer SDKs' event model requires it.
                event("response.function_call_arguments.done", [
                    "item_id": .string(item.id), "output_index": outputIndex, "name": .string(name), "arguments": .string(item.text),
                ]),
                event("response.output_item.done", ["output_index": outputIndex, "item": rendered(item)]),
            ]
        }
    }

    private func rendered(_ item: Item) -> JSONValue {
        let status: ResponsesObject.Status = item.isOpen ? .inProgress : .completed
        switch item.kind {
        case .message:
            return ResponsesObject.messageItem(id: item.id, text: item.text, status: status)
        case .functionCall(let callID, let name):
            return ResponsesObject.functionCallItem(id: item.id, callID: callID, name: name, arguments: item.text, status: status)
        }
    }

    private func responseObject(status: ResponsesObject.Status, incompleteReason: String? = nil, error: JSONValue = .null) -> JSONValue {
        ResponsesObject.make(
            request: request,
            id: id,
            createdAt: createdAt,
            status: status,
            output: status == .inProgress ? [] : items.map(rendered),
            usage: status == .inProgress ? .null : ResponsesObject.usage(fromChat: chatUsage),
            incompleteReason: incompleteReason,
            error: error,
            upstreamModel: upstreamModel
        )
    }

    /// One event with its `type` and the next `sequence_number`.
    private mutating func event(_ type: String, _ members: [String: JSONValue]) -> ByteBuffer {
        var payload = members
        payload["type"] = .string(type)
        payload["sequence_number"] = .integer(Int64(nextSequenceNumber))
        nextSequenceNumber += 1
        return ResponsesJSON.event(type: type, payload: .object(payload))
    }
}
