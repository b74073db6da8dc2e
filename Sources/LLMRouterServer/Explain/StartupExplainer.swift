public import AsyncHTTPClient
import HTTPTypes
import LLMRouterCatalog
public import LLMRouterCore
import LLMRouterConfig
public import Logging

/// `debug-models --explain MODEL`: the routing table the server would start with (the providers
/// YAML, else the catalog, as `llmrouter serve` finds them), and the explanation of a request for
/// MODEL over it — the same walk and the same rendering as `POST /admin/explain`.
///
/// The state is this process's, fresh: no breaker, cool-down or quota history, and no cache.
/// Those live in the running router; ask its `POST /admin/explain`.
public enum StartupExplainer {
    /// What to explain.
    public struct Question: Sendable {
        /// The model to ask for; `nil` asks for none (the default model, else any).
        public var model: String?
        /// `chat`, `messages`, `responses` or `embeddings`.
        public var endpoint: String
        /// A whole request body to explain instead of a one-line question; `model` replaces its own.
        public var body: [UInt8]?
        /// Headers the request is taken to carry, as `Name: value`.
        public var headers: [String]
        /// The access key to pretend to be, by name.
        public var keyName: String?

        public init(model: String?, endpoint: String = "chat", body: [UInt8]? = nil, headers: [String] = [], keyName: String? = nil) {
            self.model = model
            self.endpoint = endpoint
            self.body = body
            self.headers = headers
            self.keyName = keyName
        }
    }

    /// A mistake in the question or the configuration, said for a person.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// - Parameters:
    ///   - configPath: the providers YAML named by `--config`; `nil` finds it as the server does
    ///     (`LLMROUTER_CONFIG`, then `config/providers.yaml`, then the catalog).
    ///   - environment: provider keys (checked for presence only), catalog and key variables.
    public static func explain(
        _ question: Question,
        configPath: String?,
        environment: [String: String],
        httpClient: HTTPClient,
        logger: Logger,
        rules: [any RequestRule] = []
    ) async throws -> RoutingExplanation {
        var settings = ServerSettings()
        if let configPath {
            settings.configPath = configPath
            settings.configPathIsExplicit = true
        } else if let path = environment["LLMROUTER_CONFIG"], !path.isEmpty {
            settings.configPath = path
            settings.configPathFromEnvironment = true
        }
        if let file = environment["LLMROUTER_KEYS_FILE"], !file.isEmpty {
            settings.keysFile = file
            settings.keysFileIsExplicit = true
        }
        let loaded = try await ConfigurationSource.loadDetailed(
            settings: settings, environment: environment, fetcher: AsyncHTTPFetcher(client: httpClient), logger: logger
        )
        let table = RouterServer.makeTable(configuration: loaded.configuration, environment: environment, httpClient: httpClient)
            .adding(rules: rules)
        let clock = ContinuousClock()
        let router = RequestRouter(state: ProviderState(routes: table.specs, clock: clock), clock: clock)

        let asked: ExplainRequest
        do {
            asked = try ExplainRequest.parse(try body(for: question), endpoint: question.endpoint, headers: try headers(question.headers))
        } catch let error as OpenAIError {
            throw Failure(description: error.message)
        }
        var info = RequestInfo(requestID: "explain", keyName: question.keyName, logger: logger, endpoint: asked.endpoint, cache: RequestBody.cacheDirectives(asked.headers))
        info.headers = RequestBody.ruleHeaders(asked.headers)
        info.sessionID = asked.headers[.sessionID]
        if let name = question.keyName {
            let keys = try AccessKeysLoader().load(environment: environment, file: settings.keysFile, fileIsExplicit: settings.keysFileIsExplicit)
            if keys.isEnabled {
                guard let key = keys.keys.first(where: { $0.name == name }) else { throw Failure(description: "--key: no access key is named '\(name)'") }
                info.allowedModels = key.limits.allowedModels
                info.keyBudgetUSDPerDay = key.limits.usdPerDay
            }
        }
        let defaultModel = environment["LLMROUTER_DEFAULT_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
        switch asked.operation {
        case .chat(let chat): return await router.explain(CompleteChat(chat), model: chat.model ?? defaultModel, table: table, info: info)
        case .embeddings(let embeddings): return await router.explain(Embed(embeddings), model: embeddings.model ?? defaultModel, table: table, info: info)
        }
    }

    /// The request body: the given one with the model set, or a short question in the
    /// endpoint's shape.
    private static func body(for question: Question) throws -> [UInt8] {
        var fields: [String: JSONValue]
        if let body = question.body {
            guard case .object(let object)? = try? JSONValue(parsing: body) else { throw Failure(description: "--request: the file is not a JSON object") }
            fields = object
        } else {
            let message = JSONValue.array([.object(["role": .string("user"), "content": .string("hello")])])
            switch question.endpoint.lowercased() {
            case "embeddings", "responses": fields = ["input": .string("hello")]
            case "messages": fields = ["max_tokens": .integer(16), "messages": message]
            default: fields = ["messages": message]
            }
        }
        if let model = question.model { fields["model"] = .string(model) }
        return JSONValue.encodedBytes(.object(fields))
    }

    private static func headers(_ lines: [String]) throws -> HTTPFields {
        var fields = HTTPFields()
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let name = HTTPField.Name(parts[0].trimmingWhitespace()) else {
                throw Failure(description: "--header must be 'Name: value', got '\(line)'")
            }
            fields.append(HTTPField(name: name, value: parts[1].trimmingWhitespace()))
        }
        return fields
    }
}
