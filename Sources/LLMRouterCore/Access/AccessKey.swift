import Crypto

/// One client credential of the router: a name for logs and the usage log, the SHA-256 of the
/// secret (never the secret itself), and what the key may do.
public struct AccessKey: Sendable, Equatable {
    /// What one key may spend. `nil` fields are unlimited.
    public struct Limits: Sendable, Equatable {
        /// Requests per minute on the model routes (`/v1/*`). Defaults to `nil`: unlimited.
        public var requestsPerMinute: Int?
        /// Prompt plus completion tokens per rolling 24 hours. Defaults to `nil`: unlimited.
        public var tokensPerDay: Int?
        /// Public model names the key may ask for (compared case-insensitively). Defaults to
        /// `nil`: every model.
        public var allowedModels: [String]?
        /// US dollars a UTC day the key may spend on paid routes (`usd_per_day`). Defaults to
        /// `nil`: only the router's budget, if any.
        public var usdPerDay: Double?

        public init(requestsPerMinute: Int? = nil, tokensPerDay: Int? = nil, allowedModels: [String]? = nil, usdPerDay: Double? = nil) {
            self.requestsPerMinute = requestsPerMinute
            self.tokensPerDay = tokensPerDay
            self.allowedModels = allowedModels
            self.usdPerDay = usdPerDay
        }

        public static let unlimited = Limits()
    }

    /// Shown in logs, metrics and the usage log; unique among the router's keys.
    public var name: String
    /// SHA-256 of the key's text, 32 bytes.
    public var digest: [UInt8]
    public var limits: Limits
    /// Whether the key may call `/admin/*` (reload).
    public var isAdmin: Bool

    public init(name: String, digest: [UInt8], limits: Limits = .unlimited, isAdmin: Bool = false) {
        self.name = name
        self.digest = digest
        self.limits = limits
        self.isAdmin = isAdmin
    }

    /// A key known by its secret text (from `LLMROUTER_API_KEYS` or `LLMROUTER_ADMIN_KEY`); only
    /// the digest is kept.
    public init(name: String, secret: String, limits: Limits = .unlimited, isAdmin: Bool = false) {
        self.init(name: name, digest: Self.digest(of: secret), limits: limits, isAdmin: isAdmin)
    }

    /// Whether the key may ask for `model`. A key limited to some models must name one.
    public func allows(model: String?) -> Bool {
        guard let allowed = limits.allowedModels else { return true }
        return Self.allows(model, among: allowed)
    }

    /// Whether `model` is one of `allowed` (case-insensitively); no model is never allowed.
    public static func allows(_ model: String?, among allowed: [String]) -> Bool {
        guard let model else { return false }
        return allowed.contains { $0.equalsIgnoringCase(model) }
    }

    /// Whether `name` may name a key: 1 to 64 letters, digits, '-', '_', '.' or '@'.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isLetter || $0.isNumber || "-_.@".contains($0) }
    }

    /// SHA-256 of `secret`'s UTF-8 bytes.
    public static func digest(of secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Lower-case hex of a digest, the form the keys file stores.
    public static func hex(of digest: [UInt8]) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// The bytes written as hex (either case), or `nil` when `hex` is not `2 × byteCount` hex digits.
    public static func bytes(hex: String, byteCount: Int = 32) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count == 2 * byteCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let high = nibble(characters[index]), let low = nibble(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    fileprivate func equalsIgnoringCase(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
