public import NIOCore

/// Counts a stream's chunks and picks up the `usage` an upstream sends in its last ones
/// (`stream_options.include_usage`, or where its ``UsageLocation`` says), without parsing the
/// other chunks.
public struct StreamUsage: Sendable {
    public private(set) var chunks = 0
    public private(set) var promptTokens: Int?
    public private(set) var completionTokens: Int?
    /// Where the upstream puts its usage.
    public let location: UsageLocation
    private static let marker = Array(#""usage""#.utf8)

    public init(location: UsageLocation = .standard) {
        self.location = location
    }

    public mutating func observe(_ chunk: ByteBuffer) {
        observe(chunk, mentionsUsage: Self.mentionsUsage(chunk))
    }

    /// `mentionsUsage` from ``mentionsUsage(_:)``, found before taking a lock.
    mutating func observe(_ chunk: ByteBuffer, mentionsUsage: Bool) {
        chunks += 1
        guard mentionsUsage, let object = try? JSONValue(parsing: chunk.readableBytesView).objectValue else { return }
        let usage = location.usage(in: object)
        if let prompt = usage?["prompt_tokens"]?.intValue { promptTokens = prompt }
        if let completion = usage?["completion_tokens"]?.intValue { completionTokens = completion }
    }

    /// Whether the chunk's bytes contain `"usage"`: most chunks do not, and are never parsed.
    static func mentionsUsage(_ chunk: ByteBuffer) -> Bool {
        let view = chunk.readableBytesView
        guard let first = marker.first, view.count >= marker.count else { return false }
        var index = view.startIndex
        let last = view.endIndex - marker.count
        while index <= last {
            if view[index] == first, view[index..<(index + marker.count)].elementsEqual(marker) { return true }
            index += 1
        }
        return false
    }
}
