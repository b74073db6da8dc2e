import LLMRouterCore

/// Typed reads from a decoded ``JSONValue`` object, naming the JSON path in every error.
///
/// Absent and `null` fields read as `nil` so optional fields can be left out, which is how the
/// Python llmrouter and hand-written files differ from ours; unknown keys are never looked at.
struct JSONFieldReader {
    let source: String
    let path: String
    let object: [String: JSONValue]

    init(source: String, path: String, object: [String: JSONValue]) {
        self.source = source
        self.path = path
        self.object = object
    }

    /// A reader for `value`, which must be an object.
    init(source: String, path: String, value: JSONValue) throws(IndexError) {
        guard let object = value.objectValue else {
            throw IndexError(.invalidField, source: source, field: path.isEmpty ? nil : path, message: "must be a JSON object, got \(value.typeName)")
        }
        self.init(source: source, path: path, object: object)
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ message: String) -> IndexError {
        IndexError(.invalidField, source: source, field: fieldPath(key), message: message)
    }

    /// The raw value, with `null` treated as absent.
    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(IndexError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else { throw error(key, "must be a string, got \(value.typeName)") }
        return text.isEmpty ? nil : text
    }

    func requiredString(_ key: String) throws(IndexError) -> String {
        guard let text = try string(key) else { throw error(key, "missing; must be a non-empty string") }
        return text
    }

    func bool(_ key: String) throws(IndexError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw error(key, "must be true or false, got \(value.typeName)") }
        return flag
    }

    func number(_ key: String) throws(IndexError) -> Double? {
        guard let value = value(key) else { return nil }
        switch value {
        case .integer(let number): return Double(number)
        case .number(let number) where number.isFinite: return number
        default: throw error(key, "must be a number, got \(value.typeName)")
        }
    }

    /// A whole number; `2.0` is accepted because Python writes integral floats that way.
    func integer(_ key: String) throws(IndexError) -> Int? {
        guard let value = value(key) else { return nil }
        switch value {
        case .integer(let number) where Int64(Int.min)...Int64(Int.max) ~= number: return Int(number)
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: return Int(number)
        default: throw error(key, "must be a whole number, got \(value.typeName)")
        }
    }

    /// A list of strings; a single string is read as a one-item list.
    func stringList(_ key: String) throws(IndexError) -> [String] {
        guard let value = value(key) else { return [] }
        if let single = value.stringValue { return single.isEmpty ? [] : [single] }
        guard let items = value.arrayValue else { throw error(key, "must be a list of strings, got \(value.typeName)") }
        var strings: [String] = []
        for (position, item) in items.enumerated() {
            guard let text = item.stringValue else {
                throw IndexError(.invalidField, source: source, field: "\(fieldPath(key))[\(position)]", message: "must be a string, got \(item.typeName)")
            }
            if !text.isEmpty { strings.append(text) }
        }
        return strings
    }

    func stringMap(_ key: String) throws(IndexError) -> [String: String] {
        guard let value = value(key) else { return [:] }
        guard let pairs = value.objectValue else { throw error(key, "must be an object of strings, got \(value.typeName)") }
        var map: [String: String] = [:]
        for (name, item) in pairs {
            guard let text = item.stringValue else {
                throw IndexError(.invalidField, source: source, field: "\(fieldPath(key)).\(name)", message: "must be a string, got \(item.typeName)")
            }
            map[name] = text
        }
        return map
    }

    func child(_ key: String) throws(IndexError) -> JSONFieldReader? {
        guard let value = value(key) else { return nil }
        return try JSONFieldReader(source: source, path: fieldPath(key), value: value)
    }
}

extension JSONValue {
    /// The JSON type name, for messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string(let text): "the string \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case .array: "a list"
        case .object: "an object"
        }
    }
}
