import Synchronization

/// The semantic layer's vectors: for each stored question, its scope (everything but the last
/// user message, hashed), its last message's embedding normalised to unit length, and the key
/// of the exact entry holding the answer.
///
/// Vectors live in one flat buffer, oldest overwritten first once `maxEntries` are kept, so a
/// lookup scans without allocating: the scope tag is compared first, the dot product (cosine
/// similarity of unit vectors) only for questions of the same scope.
struct SemanticIndex: Sendable {
    let maxEntries: Int
    private(set) var dimensions = 0
    private var vectors: [Float] = []
    private var scopes: [UInt64] = []
    private var answers: [CacheKey?] = []
    private var nextSlot = 0
    private(set) var count = 0

    init(maxEntries: Int) {
        self.maxEntries = max(1, maxEntries)
    }

    /// Keeps `vector` (already unit length) for `scope`, pointing at `answer`.
    mutating func insert(_ vector: [Float], scope: UInt64, answer: CacheKey) {
        guard !vector.isEmpty else { return }
        if vector.count != dimensions {
            // Another embedding model: earlier vectors cannot be compared with this one.
            self = SemanticIndex(maxEntries: maxEntries)
            dimensions = vector.count
            vectors = [Float](repeating: 0, count: maxEntries * dimensions)
            scopes = [UInt64](repeating: 0, count: maxEntries)
            answers = [CacheKey?](repeating: nil, count: maxEntries)
        }
        let slot = nextSlot
        vectors.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<dimensions { buffer[slot * dimensions + index] = vector[index] }
        }
        scopes[slot] = scope
        answers[slot] = answer
        nextSlot = (slot + 1) % maxEntries
        count = min(count + 1, maxEntries)
    }

    /// The stored question of `scope` nearest to `vector` with a similarity of at least
    /// `threshold`, and that similarity.
    func nearest(to vector: [Float], scope: UInt64, threshold: Double) -> (answer: CacheKey, similarity: Double)? {
        guard vector.count == dimensions, dimensions > 0 else { return nil }
        var best = -1
        var bestScore = Float(threshold)
        vectors.withUnsafeBufferPointer { stored in
            vector.withUnsafeBufferPointer { query in
                for slot in 0..<count where scopes[slot] == scope {
                    var dot: Float = 0
                    let base = slot * dimensions
                    for index in 0..<dimensions { dot += stored[base + index] * query[index] }
                    if dot >= bestScore {
                        bestScore = dot
                        best = slot
                    }
                }
            }
        }
        guard best >= 0, let answer = answers[best] else { return nil }
        return (answer, Double(bestScore))
    }

    /// `vector` scaled to unit length; `nil` for a zero or non-finite one.
    static func normalised(_ vector: [Double]) -> [Float]? {
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0, length.isFinite else { return nil }
        return vector.map { Float($0 / length) }
    }
}

/// The semantic index behind a lock, shared by every request.
final class SemanticIndexStore: Sendable {
    private let index: Mutex<SemanticIndex>

    init(maxEntries: Int) {
        index = Mutex(SemanticIndex(maxEntries: maxEntries))
    }

    func insert(_ vector: [Float], scope: UInt64, answer: CacheKey) {
        index.withLock { $0.insert(vector, scope: scope, answer: answer) }
    }

    func nearest(to vector: [Float], scope: UInt64, threshold: Double) -> (answer: CacheKey, similarity: Double)? {
        index.withLock { $0.nearest(to: vector, scope: scope, threshold: threshold) }
    }

    func removeAll() {
        index.withLock { $0 = SemanticIndex(maxEntries: $0.maxEntries) }
    }

    var count: Int { index.withLock { $0.count } }
}
