/// The `endpoint` of a ``LLMRouterCore/RequestRecord`` as a metrics label or dashboard key.
///
/// Metrics and the dashboard keep one series or counter per value, so the value must come from a
/// closed set: a record naming an API this list does not know (a route added before its name is
/// listed here) is counted as `other` rather than growing a new series.
enum EndpointLabel {
    /// The APIs the router serves, in the order the dashboard lists them.
    static let known = ["chat", "embeddings", "messages", "responses"]
    /// What any other endpoint is counted as.
    static let other = "other"

    /// `endpoint` when it is one of ``known``, else ``other``.
    static func bounded(_ endpoint: String) -> String {
        known.contains(endpoint) ? endpoint : other
    }
}
