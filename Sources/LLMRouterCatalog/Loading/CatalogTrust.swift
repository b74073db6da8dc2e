import LLMRouterCore
import LLMRouterProviders

/// What a catalog may decide about where keys go.
///
/// A local file (the bundled index, or a path in `LLMROUTER_MODEL_INDEX_URL`) is trusted as a
/// config file is. An index downloaded from a URL, and the cache holding it, is not: whoever
/// controls that file must not be able to send `GROQ_API_KEY` (or any other variable) to a host
/// of their choosing. So for each route of a downloaded index:
/// - `base_url` must be on the kind's official API host (``Vendor/officialHost``), unless
///   `LLMROUTER_CATALOG_TRUST_URLS=1`; kind `openai`, which has none, needs that setting;
/// - `api_key_env` must be one of the kind's key variables (``Vendor/acceptedAPIKeyVariables``);
/// - `extra_headers` may not set `Authorization`, `Proxy-Authorization`, `Cookie` or `Set-Cookie`.
/// A route that breaks a rule is ignored, with the reason.
public struct CatalogTrust: Sendable, Equatable {
    public static let trustURLsVariable = "LLMROUTER_CATALOG_TRUST_URLS"
    static let forbiddenHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// Whether the index is a local file.
    public var isLocal: Bool
    /// `LLMROUTER_CATALOG_TRUST_URLS=1`: a downloaded index may point routes at any host.
    public var trustsURLs: Bool

    public init(isLocal: Bool, trustsURLs: Bool = false) {
        self.isLocal = isLocal
        self.trustsURLs = trustsURLs
    }

    public static let local = CatalogTrust(isLocal: true)

    /// The trust for an index from `source`, reading `LLMROUTER_CATALOG_TRUST_URLS` from `environment`.
    public init(source: CatalogSource?, environment: [String: String]) {
        let flag = environment[Self.trustURLsVariable]?.trimmingWhitespace().lowercased()
        self.init(isLocal: source?.isTrusted ?? true, trustsURLs: ["1", "true", "yes"].contains(flag ?? ""))
    }

    /// Why `mapping` may not be used for `kind`; `nil` when it may.
    public func violation(kind: ProviderKind, mapping: ModelIndex.ProviderMapping) -> String? {
        guard !isLocal else { return nil }
        let vendor = Vendor.for(kind)
        if let header = mapping.extraHeaders.keys.first(where: { Self.forbiddenHeaders.contains($0.lowercased()) }) {
            return "untrusted catalog: extra_headers may not set \(header)"
        }
        if let variable = mapping.apiKeyEnv, !vendor.acceptedAPIKeyVariables.contains(variable) {
            let accepted = vendor.acceptedAPIKeyVariables.joined(separator: ", ")
            return "untrusted catalog: api_key_env \(variable) is not a \(kind.rawValue) key variable (\(accepted.isEmpty ? "none" : accepted))"
        }
        guard !trustsURLs else { return nil }
        if let url = mapping.baseURL {
            guard let official = vendor.officialHost else {
                return "untrusted catalog: type \(kind.rawValue) has no official host; set \(Self.trustURLsVariable)=1 to allow base_url"
            }
            guard Self.host(of: url) == official, url.lowercased().hasPrefix("https://") else {
                return "untrusted catalog: base_url is not https://\(official) (set \(Self.trustURLsVariable)=1 to allow it)"
            }
        }
        return nil
    }

    /// The lower-cased host of an http(s) URL, without user info or port.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        var rest = url[schemeEnd.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") { rest = rest[..<colon] }
        return rest.lowercased()
    }
}
