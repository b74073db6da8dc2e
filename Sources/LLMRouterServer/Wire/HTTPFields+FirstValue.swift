import HTTPTypes

extension HTTPFields {
    /// The value of the first field named `name`. The subscript joins every field of that name
    /// into a new string, which cost more on the request path than the rest of the check.
    func firstValue(_ name: HTTPField.Name) -> String? {
        first { $0.name == name }?.value
    }
}
