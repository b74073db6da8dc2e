/// `routing.rules`' conditions compiled at load into memory that matching only reads.
///
/// Every request tries the rules in order until one holds, on every event loop at once. Matched
/// as Swift values, the rules' arrays and strings were retained and released on each try; being
/// shared by all loops, every count bounced between the cores' caches, and a profile put more
/// than half of the rules' cost (2.3 of 3.4 µs a request for 20 rules) in those counts and in
/// copying each rule out of its existential. Here a rule's conditions are one plain record, its
/// patterns bytes in one buffer, and a zone's offset one atomic word read: matching writes to no
/// memory another loop reads.
///
/// Unchecked `Sendable`: the buffers are written once, in `init`, and freed in `deinit`.
final class RuleProgram: @unchecked Sendable {
    /// Bytes of ``text``: a pattern, an endpoint or a key name.
    struct TextSpan {
        var start: Int32
        var count: Int32
    }

    struct HeaderTest {
        /// Index in ``headerNames``.
        var name: Int32
        var value: TextSpan
    }

    struct Window {
        var days: UInt8
        var startMinute: Int32
        var endMinute: Int32
        /// Index in ``zones``.
        var zone: Int32
    }

    /// One rule's `when`; ranges index ``spans`` (models, endpoints, keys) and ``headerTests``.
    struct Conditions {
        var models: Range<Int32>
        var endpoints: Range<Int32>
        var keys: Range<Int32>
        var headers: Range<Int32>
        /// Index in ``windows``; -1 without a time condition.
        var window: Int32
        var minPromptTokens: Int
        var maxPromptTokens: Int
        /// 1 or 0 when the need is set, -1 when not.
        var tools: Int8
        var vision: Int8
        var json: Int8
    }

    private let rules: UnsafeMutableBufferPointer<Conditions>
    private let spans: UnsafeMutableBufferPointer<TextSpan>
    private let headerTests: UnsafeMutableBufferPointer<HeaderTest>
    private let windows: UnsafeMutableBufferPointer<Window>
    private let text: UnsafeMutableBufferPointer<UInt8>
    /// Lower-cased; short names are stored inline, so reading one counts no reference.
    private let headerNames: UnsafeMutableBufferPointer<String>
    private let zones: UnsafeMutableBufferPointer<Unmanaged<ZoneOffsets>>
    /// Keeps ``zones`` alive.
    private let zoneOwners: [ZoneOffsets]

    var count: Int { rules.count }

    /// The headers the rules read, lower-cased, each once.
    var headerNameList: [String] { Array(headerNames) }

    init(_ conditions: [RuleConditions]) {
        var builder = Builder()
        let compiled = conditions.map { builder.add($0) }
        rules = .copy(compiled)
        spans = .copy(builder.spans)
        headerTests = .copy(builder.headerTests)
        windows = .copy(builder.windows)
        text = .copy(builder.text)
        headerNames = .copy(builder.headerNames)
        zoneOwners = builder.zones
        zones = .copy(builder.zones.map { Unmanaged.passUnretained($0) })
    }

    deinit {
        rules.deallocate()
        spans.deallocate()
        headerTests.deallocate()
        windows.deallocate()
        text.deallocate()
        zones.deallocate()
        _ = headerNames.deinitialize()
        headerNames.deallocate()
    }

    /// The index of the first rule whose conditions hold for `facts`; `nil` when none does.
    func firstMatch(_ facts: RequestFacts) -> Int? {
        for index in rules.indices where holds(index, facts) { return index }
        return nil
    }

    private func holds(_ index: Int, _ facts: RequestFacts) -> Bool {
        let rule = rules[index]
        if !rule.models.isEmpty {
            var model = facts.model ?? "auto"
            let matched = model.withUTF8 { model in rule.models.contains { Glob.matches(bytes(spans[Int($0)]), model, foldCase: true) } }
            guard matched else { return false }
        }
        if !rule.endpoints.isEmpty, !contains(facts.endpoint, among: rule.endpoints) { return false }
        if !rule.keys.isEmpty {
            guard let key = facts.keyName, contains(key, among: rule.keys) else { return false }
        }
        for test in rule.headers {
            let header = headerTests[Int(test)]
            guard var value = facts.headers[headerNames[Int(header.name)]],
                  value.withUTF8({ Glob.matches(bytes(header.value), $0, foldCase: true) })
            else { return false }
        }
        let needs = facts.needs
        if needs.estimatedPromptTokens < rule.minPromptTokens || needs.estimatedPromptTokens > rule.maxPromptTokens { return false }
        if !Self.agrees(rule.tools, needs.tools) || !Self.agrees(rule.vision, needs.vision) || !Self.agrees(rule.json, needs.jsonMode) {
            return false
        }
        // Last: the only condition that does arithmetic on the zone.
        if rule.window >= 0 {
            let window = windows[Int(rule.window)]
            let seconds = facts.wallTime.dividingFloor(by: 1000)
            let offset = zones[Int(window.zone)]._withUnsafeGuaranteedRef { $0.offset(at: seconds) }
            return TimeWindow.holds(
                days: window.days, startMinute: Int(window.startMinute), endMinute: Int(window.endMinute), localSeconds: seconds + offset
            )
        }
        return true
    }

    private static func agrees(_ wanted: Int8, _ actual: Bool) -> Bool {
        wanted < 0 || (wanted == 1) == actual
    }

    private func bytes(_ span: TextSpan) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: text[Int(span.start)..<Int(span.start + span.count)])
    }

    /// Whether `value` is, byte for byte, one of the texts at `range` of ``spans``.
    private func contains(_ value: String, among range: Range<Int32>) -> Bool {
        var value = value
        return value.withUTF8 { value in range.contains { bytes(spans[Int($0)]).elementsEqual(value) } }
    }

    /// Lays the rules out: texts appended to one byte array, header names and zones shared.
    private struct Builder {
        var spans: [TextSpan] = []
        var headerTests: [HeaderTest] = []
        var windows: [Window] = []
        var text: [UInt8] = []
        var headerNames: [String] = []
        var zones: [ZoneOffsets] = []

        mutating func add(_ when: RuleConditions) -> Conditions {
            let models = texts(when.models.map(\.loweredBytes))
            let endpoints = texts(when.endpoints.map { Array($0.utf8) })
            let keys = texts(when.keys.map { Array($0.utf8) })
            let firstHeader = Int32(headerTests.count)
            for header in when.headers {
                let name = headerNames.firstIndex(of: header.name) ?? { headerNames.append(header.name); return headerNames.count - 1 }()
                headerTests.append(HeaderTest(name: Int32(name), value: span(header.value.loweredBytes)))
            }
            var window: Int32 = -1
            if let time = when.time {
                let zone = zones.firstIndex { $0.zone == time.zone } ?? { zones.append(time.offsets); return zones.count - 1 }()
                window = Int32(windows.count)
                windows.append(Window(days: time.days, startMinute: Int32(time.startMinute), endMinute: Int32(time.endMinute), zone: Int32(zone)))
            }
            func need(_ value: Bool?) -> Int8 { value.map { $0 ? 1 : 0 } ?? -1 }
            return Conditions(
                models: models, endpoints: endpoints, keys: keys, headers: firstHeader..<Int32(headerTests.count), window: window,
                minPromptTokens: when.minPromptTokens ?? .min, maxPromptTokens: when.maxPromptTokens ?? .max,
                tools: need(when.tools), vision: need(when.vision), json: need(when.json)
            )
        }

        private mutating func texts(_ items: [[UInt8]]) -> Range<Int32> {
            let first = Int32(spans.count)
            for item in items { spans.append(span(item)) }
            return first..<Int32(spans.count)
        }

        private mutating func span(_ bytes: [UInt8]) -> TextSpan {
            defer { text.append(contentsOf: bytes) }
            return TextSpan(start: Int32(text.count), count: Int32(bytes.count))
        }
    }
}

extension UnsafeMutableBufferPointer {
    /// A new buffer holding `elements`; the owner deinitializes (when not trivial) and frees it.
    fileprivate static func copy(_ elements: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: elements.count)
        _ = buffer.initialize(from: elements)
        return buffer
    }
}
