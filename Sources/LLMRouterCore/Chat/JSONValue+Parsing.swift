import Foundation

extension JSONValue {
    /// Parses JSON text into a ``JSONValue``.
    ///
    /// Foundation's `JSONSerialization` does the parsing; `Decodable` would have to guess each
    /// value's type by trying one after another, and every wrong guess builds a `DecodingError`,
    /// which made request parsing and large `/models` listings several times slower.
    public init(parsing bytes: some DataProtocol) throws {
        let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        self = JSONValue(foundationObject: object)
    }

    private init(foundationObject object: Any) {
        switch object {
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            // JSONSerialization reports true/false as NSNumber with the char type "c".
            switch UInt8(bitPattern: number.objCType.pointee) {
            case UInt8(ascii: "c"), UInt8(ascii: "B"): self = .bool(number.boolValue)
            case UInt8(ascii: "d"), UInt8(ascii: "f"): self = .number(number.doubleValue)
            case UInt8(ascii: "Q"), UInt8(ascii: "L"):
                self = number.uint64Value <= UInt64(Int64.max) ? .integer(number.int64Value) : .number(number.doubleValue)
            default: self = .integer(number.int64Value)
            }
        case let array as [Any]:
            self = .array(array.map(JSONValue.init(foundationObject:)))
        case let dictionary as [String: Any]:
            self = .object(dictionary.mapValues(JSONValue.init(foundationObject:)))
        default:
            self = .null
        }
    }
}
