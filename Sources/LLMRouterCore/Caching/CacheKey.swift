import Crypto

/// Names one cached answer: who asked (the access key's name), through which API, for which
/// model, and the request in canonical form — members sorted, `1`, `1.0` and `1e0` the same
/// number — so the same request written another way finds the same entry, and one team
/// never gets another team's answer.
public struct CacheKey: Hashable, Sendable, CustomStringConvertible {
    /// SHA-256 of the canonical request, in hex.
    public let digest: String

    public init(digest: String) {
        self.digest = digest
    }

    /// Members that do not change the answer: how it is delivered, and who the end user is.
    public static let ignoredMembers: Set<String> = ["stream", "stream_options", "user", "model"]

    /// The key of a request.
    /// - Parameters:
    ///   - keyName: the access key's name; `nil` when keys are off.
    ///   - endpoint: the API called (`chat`, `messages`, `responses`, `embeddings`).
    ///   - model: the model served (after `model_map`), so aliases share entries.
    ///   - fields: the request's members; ``ignoredMembers`` are left out.
    public init(keyName: String?, endpoint: String, model: String, fields: [String: JSONValue]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        CanonicalJSON.appendString(keyName ?? "", to: &bytes)
        CanonicalJSON.appendString(endpoint, to: &bytes)
        CanonicalJSON.appendString(model, to: &bytes)
        CanonicalJSON.append(.object(fields.filter { !Self.ignoredMembers.contains($0.key) }), to: &bytes)
        self.init(hashing: bytes)
    }

    /// The key of canonical bytes already built.
    init(hashing bytes: [UInt8]) {
        digest = SHA256.hash(data: bytes).hexDigest
    }

    public var description: String { String(digest.prefix(16)) }
}

/// One text form per JSON value, for hashing: objects' members in byte order of their names,
/// integral numbers as integers whichever way they were written.
enum CanonicalJSON {
    static func append(_ value: JSONValue, to bytes: inout [UInt8]) {
        switch value {
        case .null: bytes += Array("null".utf8)
        case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
        case .integer(let number): bytes += Array(String(number).utf8)
        case .number(let number):
            if number.rounded() == number, abs(number) < 9.0e15 {
                bytes += Array(String(Int64(number)).utf8)
            } else {
                bytes += Array(String(number).utf8)
            }
        case .string(let text): appendString(text, to: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, name) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(name, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                if let member = members[name] { append(member, to: &bytes) }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        JSONValue.writeString(text, into: &bytes)
    }
}

extension Sequence where Element == UInt8 {
    var hexDigest: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
