import Hummingbird
import HTTPTypes
import LLMRouterCore
import NIOCore

/// Reading a request for any API: the body within the size limit, and who is asking.
enum RequestBody {
    /// The whole body, refusing one over `limit` bytes (declared or sent) with a 413.
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers.firstValue(.contentLength).flatMap(Int.init), declared > limit {
            throw OpenAIError.bodyTooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw OpenAIError.bodyTooLarge(limit: limit)
        }
    }

    /// Lets the request in for `model` and names who asks, for the router's record: refuses a
    /// model the access key may not use, checked against the model that will be served
    /// (`routing.model_map` applied) — a key limited to `llama-3.1-8b` may ask for
    /// `claude-3-5-haiku` when the map serves that name with it. A rule's `then.model` is
    /// checked by the router, the same way.
    static func admit<AppClock>(
        _ request: Request, model: String?, endpoint: String, service: RouterService<AppClock>, context: RouterRequestContext
    ) throws -> RequestInfo {
        let table = service.tables.current
        let served = table.routing.mappedModel(model)
        let allowed = context.accessKey?.limits.allowedModels
        if let key = context.accessKey, allowed != nil, !key.allows(model: served) {
            throw OpenAIError.modelNotAllowed(served == model ? model : "\(model ?? "auto") (served as \(served ?? "auto"))", key: key.name)
        }
        var info = RequestInfo(
            requestID: context.requestID,
            keyName: context.apiKeyName,
            logger: context.logger,
            eventLoop: context.eventLoop,
            endpoint: endpoint,
            cache: cacheDirectives(request.headers)
        )
        // The router re-checks the model a rule serves against the key's list.
        info.allowedModels = allowed
        info.keyBudgetUSDPerDay = context.accessKey?.limits.usdPerDay
        if table.routing.stickyFor > .zero { info.sessionID = request.headers[.sessionID] }
        prepareDecision(&info, table: table, served: served, headers: request.headers)
        return info
    }

    /// What the routing headers will need: with rules, a note for the rule and policy the
    /// router picks and the headers rules read; for `auto`, a note for the tier and model it
    /// picks; otherwise only the policy, known now, so the request allocates neither.
    static func prepareDecision(_ info: inout RequestInfo, table: RoutingTable, served: String?, headers: HTTPFields) {
        if !table.rules.isEmpty {
            info.decision = RoutingDecisionNote()
            info.headers = ruleHeaders(headers, only: table.ruleHeaderNames)
        } else if table.auto.isActive, ModelName.isAuto(served) {
            info.decision = RoutingDecisionNote()
        } else {
            info.policy = table.policyName(for: served)
        }
    }

    /// Headers by lower-cased name for routing rules, credentials left out; repeated headers
    /// joined with commas. With `only`, just those names: what the YAML rules read.
    static func ruleHeaders(_ fields: HTTPFields, only names: [String]? = nil) -> RuleHeaders {
        if names?.isEmpty == true { return RuleHeaders() }
        // Sized for the names the rules read: grown from empty, it was allocated twice.
        var headers = RuleHeaders(minimumCapacity: names?.count ?? fields.count)
        for field in fields {
            let name = field.name.canonicalName
            // The names first: comparing a few short strings costs less than hashing each field.
            if let names, !names.contains(name) { continue }
            if credentialHeaders.contains(field.name) { continue }
            headers.add(field.value, for: name)
        }
        return headers
    }

    private static let credentialHeaders: Set<HTTPField.Name> = [.authorization, .proxyAuthorization, .cookie, HTTPField.Name("x-api-key")!]

    /// `Cache-Control`, `X-LLMRouter-Cache`, `X-LLMRouter-Semantic-Cache` and
    /// `X-LLMRouter-Semantic-Threshold`.
    static func cacheDirectives(_ headers: HTTPFields) -> CacheDirectives {
        guard headers[.cacheControl] != nil || headers[.llmrouterCache] != nil || headers[.llmrouterSemanticCache] != nil
            || headers[.llmrouterSemanticThreshold] != nil
        else { return CacheDirectives() }
        return CacheDirectives(
            cacheControl: headers[values: .cacheControl].joined(separator: ","),
            routerCache: headers[.llmrouterCache],
            semanticCache: headers[.llmrouterSemanticCache],
            semanticThreshold: headers[.llmrouterSemanticThreshold]
        )
    }
}
