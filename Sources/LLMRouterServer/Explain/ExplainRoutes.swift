import Hummingbird
import HTTPTypes
import LLMRouterCore
import NIOCore

/// `POST /admin/explain`: what the router would do with a request, without an upstream call —
/// the model served, the rule and policy, every route in order as a candidate or skipped and
/// why, the sticky session, and whether the cache would answer (``RoutingExplanation``). The
/// access middleware lets only admin keys this far when keys are on.
///
/// The body is the request itself, for `?endpoint=chat` (the default), `messages`, `responses`
/// or `embeddings`, with the explain call's own headers as the request's; or a wrapper naming
/// what to pretend:
///
/// ```json
/// {"endpoint": "chat", "key": "intern-1", "headers": {"X-Team": "gpu-1", "X-Session-Id": "s1"},
///  "request": {"model": "llama-3.3-70b", "messages": [{"role": "user", "content": "hi"}]}}
/// ```
struct ExplainRoutes<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    let service: RouterService<AppClock>
    let keys: AccessKeyStore

    func register(on router: Router<RouterRequestContext>) {
        router.post("/admin/explain") { request, context in
            try await self.explain(request, context: context)
        }
    }

    func explain(_ request: Request, context: RouterRequestContext) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: service.settings.maxBodyBytes)
        let asked = try ExplainRequest.parse(
            Array(body.readableBytesView), endpoint: request.uri.queryParameters.get("endpoint"), headers: request.headers
        )
        var keyName = context.apiKeyName
        var allowed = context.accessKey?.limits.allowedModels
        var budget = context.accessKey?.limits.usdPerDay
        if let pretended = asked.keyName {
            keyName = pretended
            allowed = nil
            budget = nil
            if keys.current.isEnabled {
                guard let key = keys.current.keys.first(where: { $0.name == pretended }) else {
                    throw OpenAIError.invalidRequest("No access key is named '\(pretended)'.", param: "key")
                }
                allowed = key.limits.allowedModels
                budget = key.limits.usdPerDay
            }
        }
        var info = RequestInfo(
            requestID: context.requestID, keyName: keyName, logger: context.logger, endpoint: asked.endpoint,
            cache: RequestBody.cacheDirectives(asked.headers)
        )
        info.allowedModels = allowed
        info.keyBudgetUSDPerDay = budget
        info.headers = RequestBody.ruleHeaders(asked.headers)
        info.sessionID = asked.headers[.sessionID]
        let explanation: RoutingExplanation
        switch asked.operation {
        case .chat(let chat): explanation = await explain(CompleteChat(chat), model: chat.model, info: info)
        case .embeddings(let embeddings): explanation = await explain(Embed(embeddings), model: embeddings.model, info: info)
        }
        let json = JSONValue.encodedBytes(explanation.json)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    private func explain<Operation: RouterOperation>(_ operation: Operation, model: String?, info: RequestInfo) async -> RoutingExplanation {
        await service.router.explain(operation, model: service.model(requested: model), table: service.tables.current, info: info)
    }
}

/// An explain call's body, read: the request to explain as an operation, and what to pretend.
struct ExplainRequest {
    enum Operation {
        case chat(ChatRequest)
        case embeddings(EmbeddingsRequest)
    }

    static let endpoints = ["chat", "messages", "responses", "embeddings"]

    var endpoint: String
    var operation: Operation
    /// The headers the request is taken to carry.
    var headers: HTTPFields
    /// The access key to pretend to be, by name.
    var keyName: String?

    /// - Parameters:
    ///   - endpoint: the `endpoint` query parameter.
    ///   - headers: the explain call's headers, taken as the request's when the body is no wrapper.
    static func parse(_ body: [UInt8], endpoint queryEndpoint: String?, headers: HTTPFields) throws(OpenAIError) -> ExplainRequest {
        guard case .object(let object)? = try? JSONValue(parsing: body) else {
            throw .invalidRequest("The body must be a JSON object: the request to explain, or {\"request\": {...}, \"headers\": {...}, \"key\": \"name\"}.")
        }
        var requestBytes = body
        var endpoint = queryEndpoint ?? "chat"
        var pretended = headers
        var keyName: String?
        if case .object(let wrapped)? = object["request"] {
            requestBytes = JSONValue.encodedBytes(.object(wrapped))
            if let named = object["endpoint"] {
                guard let text = named.stringValue else { throw .invalidRequest("'endpoint' must be a string.", param: "endpoint") }
                endpoint = text
            }
            if let key = object["key"], key != .null {
                guard let name = key.stringValue, !name.isEmpty else { throw .invalidRequest("'key' must name an access key.", param: "key") }
                keyName = name
            }
            pretended = try Self.headers(object["headers"])
        }
        endpoint = endpoint.lowercased()
        guard endpoints.contains(endpoint) else {
            throw .invalidRequest("Unknown endpoint '\(endpoint)'; expected chat, messages, responses or embeddings.", param: "endpoint")
        }
        return ExplainRequest(endpoint: endpoint, operation: try operation(requestBytes, endpoint: endpoint), headers: pretended, keyName: keyName)
    }

    /// The request as the endpoint's own route would read it.
    private static func operation(_ bytes: [UInt8], endpoint: String) throws(OpenAIError) -> Operation {
        switch endpoint {
        case "messages":
            do {
                return .chat(try AnthropicRequestTranslation.translate(bytes).chat)
            } catch {
                throw .invalidRequest(error.message)
            }
        case "responses":
            // `previous_response_id` is not followed: the explanation needs the opening only.
            return .chat(try ResponsesRequest.parse(bytes).chatRequest(history: []))
        case "embeddings":
            do {
                return .embeddings(try EmbeddingsRequest(json: bytes))
            } catch {
                throw .invalidRequest(error.message, param: error.param)
            }
        default:
            do {
                return .chat(try ChatRequest(json: bytes))
            } catch {
                throw .invalidRequest(error.message, param: error.param)
            }
        }
    }

    /// `headers`: an object of names to string values.
    private static func headers(_ value: JSONValue?) throws(OpenAIError) -> HTTPFields {
        var fields = HTTPFields()
        guard let value, value != .null else { return fields }
        guard case .object(let members) = value else { throw .invalidRequest("'headers' must map header names to strings.", param: "headers") }
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let field = HTTPField.Name(name), let text = value.stringValue else {
                throw .invalidRequest("'headers.\(name)' must be a header name with a string value.", param: "headers")
            }
            fields.append(HTTPField(name: field, value: text))
        }
        return fields
    }
}
