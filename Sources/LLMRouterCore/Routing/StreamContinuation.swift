import NIOCore

/// How a stream that broke after its first chunk goes on from another route
/// (`routing.stream_failover: continue`).
///
/// The client has part of an answer already, so another route cannot start over: it is asked
/// for the rest. The original request goes out again with the partial answer as the last
/// assistant message — as a prefill where the route's vendor continues one (``AssistantPrefill``),
/// else followed by a user message asking to go on exactly where it stopped. Its chunks are
/// spliced into the client's stream under the first answer's `id`, `created` and `model`,
/// without a second role, and the last one carries an `llmrouter` member naming both routes.
///
/// The router arms each stream with one when the setting is on; ``PrimedStream`` watches its
/// chunks (``StreamTranscript``) and calls ``resume`` on a break, unless a tool call had begun,
/// a `finish_reason` had come, or a chunk could not be read. A continuation that breaks in turn
/// is continued the same way by a route after it in the order, asked for the rest of everything
/// the client has so far; the routes run out, or the deadline does, and the error event ends it.
public struct StreamContinuation: Sendable {
    /// Settles the broken route, tries the next admissible routes with the continuation request
    /// and hands over the first that answers; `nil` when none did (the request is then recorded
    /// as failed). Throws `CancellationError` when the client left meanwhile.
    let resume: @Sendable (StreamBreak) async throws -> StreamHandover?

    /// The user message sent after the partial answer to a route that takes no prefill.
    public static let instruction =
        "Your previous answer was cut off. Continue it exactly where it stopped, starting with the very next character: do not repeat anything already written, do not comment, do not start over."

    /// The request that asks a route for the rest of `partial`, of which `writtenTokens` were
    /// counted: the client's output limit (`max_tokens`, `max_completion_tokens`) is lowered by
    /// them, so the joined answer stays within what the client asked for.
    static func request(_ original: ChatRequest, partial: String, writtenTokens: Int, prefill: AssistantPrefill) throws(ChatRequestError) -> ChatRequest {
        var fields = original.fields
        for limit in ["max_tokens", "max_completion_tokens"] {
            guard let asked = fields[limit]?.intValue else { continue }
            fields[limit] = .integer(Int64(max(asked - writtenTokens, 1)))
        }
        var messages = original.messages
        if !partial.isEmpty {
            var assistant: [String: JSONValue] = ["role": .string("assistant"), "content": .string(partial)]
            if prefill == .prefixFlag { assistant["prefix"] = .bool(true) }
            messages.append(.object(assistant))
            if prefill == .unsupported {
                messages.append(.object(["role": .string("user"), "content": .string(instruction)]))
            }
        }
        fields["messages"] = .array(messages)
        return try ChatRequest(fields: fields)
    }
}

/// Where and how a stream broke, for ``StreamContinuation/resume``.
struct StreamBreak: Sendable {
    var failure: UpstreamFailure
    /// The answer's text the client received.
    var partialText: String
    /// Chunks the broken route sent, for the record's completion tokens.
    var chunks: Int

    /// The tokens the client has of the answer, at least: a chunk carries one token or more, and
    /// a token is about four bytes of text.
    var writtenTokens: Int { max(chunks, partialText.utf8.count / 4) }
}

/// A continuation under way: the route that broke, the one that goes on, and its stream.
public struct StreamHandover: Sendable {
    public let failedRoute: String
    public let route: String
    /// Why the first route failed: its failure kind and message.
    public let reason: String
    /// Where the new route's chunks carry their usage.
    public let usageLocation: UsageLocation
    let stream: PrimedStream

    /// The SSE comment line marking the splice: `llmrouter continued on B after A failed: REASON`
    /// (without the leading `: `), on one line.
    public var comment: String {
        "llmrouter continued on \(route) after \(failedRoute) failed: \(reason)"
    }

    /// The `llmrouter` member of the spliced stream's last chunk.
    var member: JSONValue {
        .object(["continued_from": .string(failedRoute), "continued_on": .string(route), "reason": .string(reason)])
    }

    static func reason(_ failure: UpstreamFailure) -> String {
        let text = "\(failure.kind.rawValue): \(failure.message)"
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}

/// What a stream sent so far, as far as continuing it goes: the answer's text, and whether
/// anything forbids a continuation. Fed every chunk of an armed stream.
struct StreamTranscript: Sendable {
    private(set) var text = ""
    /// The first chunk's `id`, `created` and `model`, which the client keeps seeing.
    private(set) var identity: [String: JSONValue] = [:]
    private var toolCallStarted = false
    private var finished = false
    private var unreadable = false

    /// Whether another route may finish the answer: no tool call began (its arguments cannot
    /// be resumed), no `finish_reason` came (the answer is whole), every chunk was readable and
    /// had one choice.
    var allowsContinuation: Bool { !toolCallStarted && !finished && !unreadable }

    mutating func observe(_ chunk: ByteBuffer) {
        guard allowsContinuation else { return }
        guard let object = (try? JSONValue.parsingObject(chunk.readableBytesView, keeping: ["id", "created", "model", "choices"])) ?? nil else {
            unreadable = true
            return
        }
        if identity.isEmpty {
            for key in ["id", "created", "model"] { identity[key] = object[key] }
        }
        let choices = object["choices"]?.arrayValue ?? []
        guard choices.count <= 1 else {
            unreadable = true
            return
        }
        guard let choice = choices.first?.objectValue else { return }
        if let index = choice["index"]?.intValue, index != 0 { unreadable = true }
        if let reason = choice["finish_reason"], reason != .null { finished = true }
        guard let delta = choice["delta"]?.objectValue else { return }
        if let calls = delta["tool_calls"], calls != .null { toolCallStarted = true }
        if delta["function_call"].map({ $0 != .null }) == true { toolCallStarted = true }
        if let content = delta["content"]?.stringValue { text += content }
    }
}

/// Rewrites a continuation's chunks so they read as the first answer's: its `id`, `created`
/// and `model`, no second `role`, and on the last chunk the `llmrouter` member.
struct StreamSplice: Sendable {
    let identity: [String: JSONValue]
    let member: JSONValue

    func rewrite(_ chunk: ByteBuffer, isLast: Bool) -> ByteBuffer {
        guard case .object(var object)? = try? JSONValue(parsing: chunk.readableBytesView) else { return chunk }
        for (key, value) in identity { object[key] = value }
        if case .array(var choices)? = object["choices"] {
            for index in choices.indices {
                guard case .object(var choice) = choices[index], case .object(var delta)? = choice["delta"] else { continue }
                delta["role"] = nil
                choice["delta"] = .object(delta)
                choices[index] = .object(choice)
            }
            object["choices"] = .array(choices)
        }
        if isLast {
            // A continuation that was continued in turn already names its own handover: it
            // follows this one's.
            if case .object(var outer) = member, let inner = object["llmrouter"] {
                outer["then"] = inner
                object["llmrouter"] = .object(outer)
            } else {
                object["llmrouter"] = member
            }
        }
        return ByteBuffer(bytes: JSONValue.encodedBytes(.object(object)))
    }
}

/// The continuation's chunks as the client gets them: spliced, one chunk behind the upstream
/// so the last one can carry the `llmrouter` member, and the news of a further continuation
/// passed on in its place. Used by one reader at a time, like the ``PrimedStream`` that holds it
/// (hence `@unchecked`).
final class SplicedTail: @unchecked Sendable {
    let stream: PrimedStream
    private let splice: StreamSplice
    private var held: ByteBuffer?
    private var started = false
    private var ended = false
    /// Events due before the next read: handovers met while looking one chunk ahead.
    private var queued: [PrimedStream.Event] = []
    private var pendingFailure: (any Error)?

    init(_ stream: PrimedStream, splice: StreamSplice) {
        self.stream = stream
        self.splice = splice
    }

    func nextEvent() async throws -> PrimedStream.Event? {
        if !queued.isEmpty { return queued.removeFirst() }
        if let failure = pendingFailure {
            pendingFailure = nil
            ended = true
            throw failure
        }
        if ended { return nil }
        if !started {
            started = true
            held = stream.first
        }
        guard let current = held else { return nil }
        var following: ByteBuffer?
        do {
            reading: while true {
                switch try await stream.nextEvent() {
                case .chunk(let chunk)?:
                    following = chunk
                    break reading
                case .continued(let handover)?:
                    queued.append(.continued(handover))
                case nil:
                    break reading
                }
            }
        } catch {
            held = nil
            if error is CancellationError { throw error }
            // The chunk in hand reaches the client before the failure does.
            pendingFailure = error
            return .chunk(splice.rewrite(current, isLast: false))
        }
        held = following
        if following == nil { ended = true }
        return .chunk(splice.rewrite(current, isLast: following == nil))
    }
}
