/// Masks anything that looks like a credential before text reaches logs, health output or errors.
///
/// Upstream error bodies sometimes quote the key they rejected, so every message that came from
/// outside passes through here. Known provider key shapes and bearer tokens are masked, plus any
/// exact secret values the caller registers (the keys read from the environment).
public struct SecretRedactor: Sendable {
    public static let mask = "[redacted]"
    private let secrets: [String]

    /// - Parameter secrets: exact values to mask wherever they appear; short values are ignored
    ///   because masking them would garble ordinary text.
    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { $0.count >= 8 }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mask)
        }
        result = result.replacing(#/(?i)bearer\s+[A-Za-z0-9._~+/=\-]+/#, with: "Bearer \(Self.mask)")
        result = result.replacing(#/(gsk_|sk-or-v1-|sk-proj-|sk-|nvapi-|hf_)[A-Za-z0-9_\-]{8,}/#, with: Self.mask)
        return result
    }
}
