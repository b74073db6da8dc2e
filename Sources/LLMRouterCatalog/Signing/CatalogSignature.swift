import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

/// Detached Ed25519 signatures of an index file.
///
/// Formats (documented in docs/catalog.md):
/// - a **private key** file (`catalog-build --sign-key FILE`): the 32-byte Ed25519 private key
///   (its seed, as CryptoKit's `rawRepresentation`) in standard base64, on one line;
/// - a **public key** (`LLMROUTER_CATALOG_PUBLIC_KEY`): the 32-byte public key in base64, given
///   as the value itself or as the path of a file holding it;
/// - a **signature** (`<index>.sig`, fetched from `<url>.sig`): the 64-byte signature over the
///   exact bytes of the index file, in base64, on one line.
public enum CatalogSignature {
    /// The signature file next to an index file.
    public static func path(for indexPath: String) -> String { indexPath + ".sig" }

    /// The signature URL of an index URL: `.sig` appended to the path, query kept.
    public static func url(for indexURL: String) -> String {
        guard let query = indexURL.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return indexURL + ".sig" }
        return String(indexURL[..<query]) + ".sig" + String(indexURL[query...])
    }

    /// Base64 text (whitespace ignored) to bytes.
    static func decodeBase64(_ data: Data) -> Data? {
        let text = String(decoding: data, as: UTF8.self).filter { !$0.isWhitespace }
        return Data(base64Encoded: text)
    }
}

/// A key or signature that cannot be used; the message names the file or variable.
public struct CatalogKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The key a downloaded index must be signed with.
public struct CatalogPublicKey: Sendable {
    public static let variable = "LLMROUTER_CATALOG_PUBLIC_KEY"

    let key: Curve25519.Signing.PublicKey

    /// - Parameter base64: the 32-byte public key in base64.
    public init(base64: String, source: String = "public key") throws(CatalogKeyError) {
        guard let raw = CatalogSignature.decodeBase64(Data(base64.utf8)), raw.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else {
            throw CatalogKeyError("\(source): not an Ed25519 public key (expected 32 bytes in base64)")
        }
        self.key = key
    }

    /// The key from `LLMROUTER_CATALOG_PUBLIC_KEY` (the base64 value, or a path to a file with
    /// it); `nil` when unset.
    public static func fromEnvironment(_ environment: [String: String]) throws(CatalogKeyError) -> CatalogPublicKey? {
        guard let value = environment[variable]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        if value.contains("/"), FileManager.default.fileExists(atPath: value) {
            guard let data = FileManager.default.contents(atPath: value) else {
                throw CatalogKeyError("\(variable): cannot read \(value)")
            }
            return try CatalogPublicKey(base64: String(decoding: data, as: UTF8.self), source: "\(variable) file \(value)")
        }
        return try CatalogPublicKey(base64: value, source: variable)
    }

    /// Why `signature` (base64 text) does not vouch for `data`; `nil` when it does.
    public func problem(with data: Data, signature: Data?) -> String? {
        guard let signature else { return "no signature (.sig) found, and \(Self.variable) requires one" }
        guard let raw = CatalogSignature.decodeBase64(signature), raw.count == 64 else {
            return "the signature is not 64 bytes of base64"
        }
        return key.isValidSignature(raw, for: data) ? nil : "the signature does not match \(Self.variable)"
    }
}

/// The key `catalog-build --sign-key` signs with.
public struct CatalogSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() {
        key = Curve25519.Signing.PrivateKey()
    }

    /// Reads a private key file (base64 of the 32-byte key).
    public init(contentsOf path: String) throws(CatalogKeyError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CatalogKeyError("\(path): cannot read the signing key")
        }
        guard let raw = CatalogSignature.decodeBase64(data), raw.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw CatalogKeyError("\(path): not an Ed25519 private key (expected 32 bytes in base64)")
        }
        self.key = key
    }

    /// The private key file's content.
    public var base64: String { key.rawRepresentation.base64EncodedString() + "\n" }

    /// What to put in `LLMROUTER_CATALOG_PUBLIC_KEY`.
    public var publicKeyBase64: String { key.publicKey.rawRepresentation.base64EncodedString() }

    /// The `.sig` file content for `data`.
    public func signature(for data: Data) throws(CatalogKeyError) -> Data {
        do {
            return Data((try key.signature(for: data).base64EncodedString() + "\n").utf8)
        } catch {
            throw CatalogKeyError("signing failed: \(error)")
        }
    }
}
