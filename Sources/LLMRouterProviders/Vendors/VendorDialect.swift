#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterCore

/// One vendor's way of saying "rate limited": how its headers name their windows and how its
/// 429 (and 402) bodies tell a per-minute limit from a daily cap, its own congestion, or an empty
/// account. Everything vendor-specific about limits lives in the vendor's file in `Vendors/`.
///
/// ```swift
/// let dialect = VendorDialect.for(.groq)
/// let report = dialect.report(headers: response.headers, now: Date())      // on a 2xx
/// let signal = dialect.refusal(status: 429, headers: response.headers, body: bytes, now: Date())
/// ```
///
/// Reading a refusal: the headers first (``RateLimitHeaders``), then the vendor's body reader,
/// then what holds for every vendor:
///
/// | Evidence                                                     | Kind           |
/// |--------------------------------------------------------------|----------------|
/// | status 402, code or type `insufficient_quota`                | `credits`      |
/// | the vendor's reader decided (see each vendor's file)          | its kind       |
/// | text says per day (`per day`, `(RPD)`, `(TPD)`, `daily`, `PerDay`) | `daily`   |
/// | text says per minute (`per minute`, `(RPM)`, `(TPM)`)         | `shortWindow`  |
/// | an exhausted window (remaining 0) is a day window            | `daily`        |
/// | text mentions `credits`                                      | `credits`      |
/// | nothing to go on                                             | `shortWindow`, wait `nil` (the engine backs off) |
///
/// The wait is `Retry-After`/`retry-after-ms`, else what the body or message names ("try again
/// in 7.66s", "please wait 24367 seconds", Gemini's `retryDelay` for a short limit), else, when no
/// window says which is exhausted, the longest reset among the windows matching the kind.
public struct VendorDialect: Sendable {
    /// The vendor, for logs and tests (`groq`, `openrouter` ...).
    public let name: String
    /// How its headers without a period in the name are meant.
    public let headerConvention: RateLimitHeaders.Convention
    let readRefusal: @Sendable (inout RateLimitSignal, RefusalEvidence) -> Void
    /// Members an embeddings call gets when the client sent none of them (NIM's retrieval
    /// models refuse a call without `input_type`).
    public let embeddingDefaults: [(key: String, value: JSONValue)]
    /// Where the vendor's chat answers carry their token counts besides `usage` (Groq's
    /// `x_groq.usage`); travels with each answer to whoever reads its usage.
    public let usageLocation: UsageLocation
    /// The error object inside an error body as the vendor wraps it (Gemini wraps it in a
    /// one-element array); identity for most.
    let errorEnvelope: @Sendable (JSONValue) -> JSONValue
    /// Whether its chat API continues a trailing assistant message (the vendor's file says);
    /// a broken stream is continued with a prefill only where it does.
    public let assistantPrefill: AssistantPrefill

    public init(
        name: String,
        headerConvention: RateLimitHeaders.Convention = .plain,
        embeddingDefaults: [(key: String, value: JSONValue)] = [],
        usageLocation: UsageLocation = .standard,
        errorEnvelope: @escaping @Sendable (JSONValue) -> JSONValue = { $0 },
        assistantPrefill: AssistantPrefill = .unsupported,
        readRefusal: @escaping @Sendable (inout RateLimitSignal, RefusalEvidence) -> Void = { _, _ in }
    ) {
        self.name = name
        self.headerConvention = headerConvention
        self.embeddingDefaults = embeddingDefaults
        self.usageLocation = usageLocation
        self.errorEnvelope = errorEnvelope
        self.assistantPrefill = assistantPrefill
        self.readRefusal = readRefusal
    }

    /// The dialect of a provider kind: ``Vendor/dialect`` of ``Vendor/for(_:)``; `openai` and
    /// `echo` get ``openAI``, which understands every shape below.
    public static func `for`(_ kind: ProviderKind) -> VendorDialect {
        Vendor.for(kind).dialect
    }

    /// What a successful answer's head said: its windows (kind `nil`) and the rate-limit
    /// headers as sent, for pass-through to the client. Costs one scan of the header names.
    public func report(headers: some Sequence<(name: String, value: String)>, now: Date) -> UpstreamReport {
        let reading = RateLimitHeaders.read(headers, convention: headerConvention, now: now)
        return UpstreamReport(rateLimit: reading.signal, rateLimitHeaders: reading.headers)
    }

    /// Reads a refusal: a 429 or 402 answer, or an error event inside a stream or a 2xx body
    /// (`status` `nil`, headers empty). `body` is the error body as received (bounded).
    public func refusal(
        status: Int?,
        headers: some Sequence<(name: String, value: String)>,
        body: [UInt8],
        now: Date
    ) -> RateLimitSignal {
        refusal(status: status, headers: headers, body: body.isEmpty ? nil : try? JSONValue(parsing: body), now: now)
    }

    /// ``refusal(status:headers:body:now:)`` with the body already parsed.
    public func refusal(
        status: Int?,
        headers: some Sequence<(name: String, value: String)>,
        body: JSONValue?,
        now: Date
    ) -> RateLimitSignal {
        let reading = RateLimitHeaders.read(headers, convention: headerConvention, now: now)
        var signal = reading.signal ?? RateLimitSignal()
        let evidence = RefusalEvidence(status: status, body: body.map(errorEnvelope), headers: reading.headers, convention: headerConvention, now: now)
        if evidence.saysOutOfCredits { signal.kind = .credits }
        if signal.kind == nil { readRefusal(&signal, evidence) }
        Self.finish(&signal, evidence)
        return signal
    }

    /// The rules every vendor shares, applied after the vendor's reader.
    static func finish(_ signal: inout RateLimitSignal, _ evidence: RefusalEvidence) {
        if signal.kind == nil {
            let exhaustedDay = signal.windows.contains { $0.remaining == 0 && $0.period == .day }
            signal.kind = switch evidence.textPeriod {
            case .day?: .daily
            case .minute?, .hour?: .shortWindow
            case nil where exhaustedDay: .daily
            case nil where evidence.text.contains("credits"): .credits
            case nil: .shortWindow
            }
        }
        if signal.retryAfter == nil, let message = evidence.message {
            signal.retryAfter = RateLimitValues.delay(fromMessage: message)
        }
        if signal.retryAfter == nil, !signal.isExhausted, signal.kind == .shortWindow || signal.kind == .daily {
            let matching = signal.windows.filter { window in
                guard let period = window.period else { return true }
                return signal.kind == .daily ? period == .day : period != .day
            }
            signal.retryAfter = matching.compactMap(\.resetIn).max()
        }
    }
}

/// What a refusal's body and headers hold, parsed once, for the vendor readers.
public struct RefusalEvidence: Sendable {
    /// The HTTP status; `nil` for an error inside a stream or a 2xx body.
    public var status: Int?
    /// The error object: the body's `error` (the body as the dialect's envelope unwraps it), or
    /// the body itself when it is flat (Cerebras, NIM).
    public var error: [String: JSONValue]
    /// The human message (`error.message`, plus OpenRouter's `metadata.raw`).
    public var message: String?
    /// The rate-limit headers as sent.
    public var headers: [(name: String, value: String)]
    /// The vendor's header convention, to read headers found in a body.
    public var convention: RateLimitHeaders.Convention
    public var now: Date
    /// `message`, `code`, `type` and `status` lowercased and joined, for marker searches.
    public let text: String

    public init(
        status: Int?,
        body: JSONValue?,
        headers: [(name: String, value: String)] = [],
        convention: RateLimitHeaders.Convention = .plain,
        now: Date
    ) {
        self.status = status
        let root = body
        let object = root?.objectValue ?? [:]
        let error = object["error"]?.objectValue ?? object
        let message = root.flatMap(UpstreamErrorText.errorText)
        let keys = ["code", "type", "status", "param"]
        let markers = keys.compactMap { object[$0].flatMap(Self.markerText) } + keys.compactMap { error[$0].flatMap(Self.markerText) }
        self.error = error
        self.message = message
        self.headers = headers
        self.convention = convention
        self.now = now
        self.text = ([message ?? ""] + markers).joined(separator: " ").lowercased()
    }

    /// `error[key]` as lowercased text (strings and integers).
    public func marker(_ key: String) -> String? {
        error[key].flatMap(Self.markerText)?.lowercased()
    }

    /// The first header named `name` (case-insensitive), as sent.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    /// Whether the account cannot pay: HTTP 402 or an `insufficient_quota` code (OpenAI).
    var saysOutOfCredits: Bool {
        status == 402 || marker("code") == "insufficient_quota" || marker("type") == "insufficient_quota"
    }

    /// The window length the text names, if it names exactly one kind of window.
    var textPeriod: RateLimitSignal.Window.Period? {
        RefusalText.period(in: text)
    }

    private static func markerText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        default: nil
        }
    }
}

/// Markers shared by vendors that write the window into the message.
enum RefusalText {
    static let dayMarkers = ["per day", "(rpd)", "(tpd)", "daily", "per-day", "perday", "byday", "per 86400s"]
    static let minuteMarkers = ["per minute", "(rpm)", "(tpm)", "per-minute", "perminute", "byminute", "per 60s", "per second", "bysecond"]

    /// `.day` when `text` (lowercased) names only a daily window, `.minute` when it names a
    /// shorter one, `nil` when it names none.
    static func period(in text: String) -> RateLimitSignal.Window.Period? {
        let day = dayMarkers.contains { text.contains($0) }
        let minute = minuteMarkers.contains { text.contains($0) }
        if day == minute { return nil }
        return day ? .day : .minute
    }
}
