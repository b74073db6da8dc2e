/// Model names as clients type them, reduced to one comparable form.
///
/// Clients write the same model many ways (`Llama-3.3-70B`, `llama_3.3_70b`, `llama 3.3 70b:free`),
/// so names are compared after lower-casing, dropping a trailing `:free`, turning `_` and runs of
/// white space into `-`, and trimming.
public enum ModelName {
    /// The comparable form of `name`.
    ///
    /// | input | normalised |
    /// |---|---|
    /// | `Llama-3.3-70B` | `llama-3.3-70b` |
    /// | `meta-llama/llama-3.3-70b-instruct:free` | `meta-llama/llama-3.3-70b-instruct` |
    /// | `llama_3.3 70b` | `llama-3.3-70b` |
    public static func normalize(_ name: String) -> String {
        if isNormal(name) { return name }
        var text = name.trimmingWhitespace().lowercased()
        if text.hasSuffix(":free") { text.removeLast(5) }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingDash = false
        for character in text {
            if character == "_" || character.isWhitespace {
                pendingDash = true
                continue
            }
            if pendingDash, !result.isEmpty { result.append("-") }
            pendingDash = false
            result.append(character)
        }
        return result
    }

    /// Whether `name` is already in its comparable form, as most names clients send are: ASCII
    /// with no upper case, `_`, control or space characters, and no `:free` at the end. Checking
    /// costs one pass over the bytes and no allocation.
    static func isNormal(_ name: String) -> Bool {
        let bytes = name.utf8
        let isPlain = bytes.allSatisfy { byte in
            byte > UInt8(ascii: " ") && byte < 0x7F && byte != UInt8(ascii: "_") && !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
        return isPlain && !bytes.reversed().starts(with: "eerf:".utf8)
    }

    /// Names that ask for "any provider": no model at all, or `auto`.
    public static func isAuto(_ name: String?) -> Bool {
        guard let name else { return true }
        let normalized = normalize(name)
        return normalized.isEmpty || normalized == "auto"
    }
}
