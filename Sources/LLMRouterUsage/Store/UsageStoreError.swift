/// The usage log could not be opened, read or written; the message names the file.
public struct UsageStoreError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
