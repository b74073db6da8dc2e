/// The router's access keys; empty means access control is off and every route is open, unless
/// keys are ``isRequired`` (they come from a shared table that may be empty or not read yet).
///
/// ``authenticate(_:)`` hashes what the client presented and compares the digest with every
/// key's digest in constant time, visiting every key whatever matches, so neither the position
/// of the first wrong byte nor which key matched shows in the time taken.
public struct AccessKeys: Sendable, Equatable {
    public private(set) var keys: [AccessKey]
    /// Whether access control is on even without keys: then nobody gets in, never everybody.
    public private(set) var isRequired: Bool

    /// - Precondition: names are unique (``AccessKeysLoader`` checks it).
    public init(_ keys: [AccessKey] = [], required: Bool = false) {
        self.keys = keys
        self.isRequired = required
    }

    /// Whether access control is on.
    public var isEnabled: Bool { isRequired || !keys.isEmpty }

    /// Whether some key may call `/admin/*`.
    public var hasAdmin: Bool { keys.contains(where: \.isAdmin) }

    /// The key whose secret is `presented`, or `nil`.
    public func authenticate(_ presented: String) -> AccessKey? {
        let digest = AccessKey.digest(of: presented)
        var found: AccessKey?
        forEachComparison(of: digest) { key, equal in
            if equal { found = key }
        }
        return found
    }

    /// Compares `digest` with every key, in order, calling `visit` with each result; the whole
    /// list is always walked. Split out so a test can see that it is.
    func forEachComparison(of digest: [UInt8], _ visit: (AccessKey, Bool) -> Void) {
        for key in keys {
            visit(key, Self.constantTimeEqual(key.digest, digest))
        }
    }

    /// Byte-wise equality whose time does not depend on where the digests differ.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) {
            difference |= a ^ b
        }
        return difference == 0
    }
}
