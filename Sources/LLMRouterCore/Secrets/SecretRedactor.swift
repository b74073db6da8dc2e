/// Masks anything that looks like a credential before text reaches logs, health output or errors.
///
/// Upstream error bodies sometimes quote the key they rejected, so every message that came from
/// outside passes through here, and so does every log line. Masked are:
/// - the secrets the caller registers (provider keys from the environment, the router's own
///   access keys), and any run of ``fragmentLength`` or more of their characters, so a key cut in
///   two, or quoted in part (`sk-abc…xyz`), is caught too;
/// - known provider key shapes (`gsk_…`, `sk-…`, `nvapi-…`, `hf_…`, `llmr-…`) and bearer tokens;
/// - all of these when written escaped: JSON `\uXXXX`, `\/` and the other JSON escapes,
///   percent-encoding, and mixes of them, also escaped twice (JSON quoted inside JSON).
public struct SecretRedactor: Sendable {
    public static let mask = "[redacted]"
    /// Secrets shorter than this are ignored: masking them would garble ordinary text.
    public static let minimumSecretLength = 8
    /// The shortest run of a secret's characters that is masked on its own.
    public static let fragmentLength = 12

    let fragments: SecretFragments

    /// - Parameter secrets: exact values to mask wherever they appear; values shorter than
    ///   ``minimumSecretLength`` are ignored.
    public init(secrets: [String] = []) {
        self.fragments = SecretFragments(secrets: secrets.filter { $0.utf8.count >= Self.minimumSecretLength }.map { Array($0.utf8) })
    }

    /// This redactor plus `secrets`.
    public func adding(_ secrets: [String]) -> SecretRedactor {
        SecretRedactor(secrets: fragments.secrets.map { String(decoding: $0, as: UTF8.self) } + secrets)
    }

    /// How many secrets are registered.
    public var secretCount: Int { fragments.secrets.count }

    public func redact(_ text: String) -> String {
        let original = Array(text.utf8)
        let decoded = EscapeDecoder.decode(original)
        let ranges = fragments.matches(in: decoded.bytes) + KeyShapes.matches(in: decoded.bytes)
        guard !ranges.isEmpty else { return text }
        var masked = [Bool](repeating: false, count: original.count)
        for range in ranges {
            for index in decoded.originalRange(of: range) { masked[index] = true }
        }
        var result: [UInt8] = []
        result.reserveCapacity(original.count)
        var index = 0
        while index < original.count {
            if masked[index] {
                result.append(contentsOf: Self.mask.utf8)
                while index < original.count, masked[index] { index += 1 }
            } else {
                result.append(original[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// The registered secrets, indexed by a rolling hash of every ``SecretRedactor/fragmentLength``
/// window so text is scanned once however many secrets there are.
struct SecretFragments: Sendable {
    let secrets: [[UInt8]]
    private let windows: [UInt64: [(secret: Int, offset: Int)]]
    private static let length = SecretRedactor.fragmentLength
    private static let base: UInt64 = 1_099_511_628_211
    private static let leadingFactor: UInt64 = (1..<length).reduce(1) { factor, _ in factor &* base }

    init(secrets: [[UInt8]]) {
        var unique: [[UInt8]] = []
        for secret in secrets where !unique.contains(secret) { unique.append(secret) }
        self.secrets = unique
        var windows: [UInt64: [(secret: Int, offset: Int)]] = [:]
        for (index, secret) in unique.enumerated() where secret.count >= Self.length {
            var hash = Self.hash(secret[0..<Self.length])
            for offset in 0...(secret.count - Self.length) {
                if offset > 0 { hash = Self.roll(hash, out: secret[offset - 1], in: secret[offset + Self.length - 1]) }
                windows[hash, default: []].append((index, offset))
            }
        }
        self.windows = windows
    }

    /// Ranges of `text` that are a whole secret or a run of at least ``SecretRedactor/fragmentLength``
    /// of a secret's bytes.
    func matches(in text: [UInt8]) -> [Range<Int>] {
        guard !secrets.isEmpty else { return [] }
        var ranges: [Range<Int>] = []
        for secret in secrets where secret.count < Self.length {
            ranges += Self.occurrences(of: secret, in: text)
        }
        guard !windows.isEmpty, text.count >= Self.length else { return ranges }
        var hash = Self.hash(text[0..<Self.length])
        for start in 0...(text.count - Self.length) {
            if start > 0 { hash = Self.roll(hash, out: text[start - 1], in: text[start + Self.length - 1]) }
            guard let candidates = windows[hash] else { continue }
            let window = text[start..<(start + Self.length)]
            if candidates.contains(where: { secrets[$0.secret][$0.offset..<($0.offset + Self.length)].elementsEqual(window) }) {
                ranges.append(start..<(start + Self.length))
            }
        }
        return ranges
    }

    private static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 &* base &+ UInt64($1) }
    }

    private static func roll(_ hash: UInt64, out: UInt8, in: UInt8) -> UInt64 {
        (hash &- UInt64(out) &* leadingFactor) &* base &+ UInt64(`in`)
    }

    private static func occurrences(of needle: [UInt8], in text: [UInt8]) -> [Range<Int>] {
        guard let first = needle.first, text.count >= needle.count else { return [] }
        var ranges: [Range<Int>] = []
        for start in 0...(text.count - needle.count) where text[start] == first {
            if text[start..<(start + needle.count)].elementsEqual(needle) { ranges.append(start..<(start + needle.count)) }
        }
        return ranges
    }
}
