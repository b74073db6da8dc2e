@testable import LLMRouterCore
import Testing

/// The ring of an `rpm` quota's recent calls: counting those after an instant by binary search
/// must agree with counting them one by one, before and after the ring wraps.
struct InstantRingTests {
    @Test(arguments: [1, 2, 7, 64])
    func countingSinceAnInstantAgreesWithAScan(capacity: Int) {
        let base = ContinuousClock.now
        var ring = InstantRing<ContinuousClock.Instant>(capacity: capacity)
        var appended: [ContinuousClock.Instant] = []
        #expect(ring.count(since: base) == 0)
        for step in 0..<(capacity * 3 + 5) {
            // Some instants repeat, as calls in the same tick do.
            let instant = base.advanced(by: .milliseconds(step / 2 * 10))
            ring.append(instant)
            appended.append(instant)
            let kept = appended.suffix(capacity)
            for probe in stride(from: -10, through: step * 5 + 10, by: 5) {
                let start = base.advanced(by: .milliseconds(probe))
                #expect(ring.count(since: start) == kept.filter { $0 > start }.count, "capacity \(capacity), step \(step), probe \(probe)")
            }
        }
    }

    @Test func aRingOfNoCapacityKeepsNothing() {
        var ring = InstantRing<ContinuousClock.Instant>(capacity: 0)
        ring.append(.now)
        #expect(ring.count(since: ContinuousClock.now.advanced(by: .seconds(-1))) == 0)
    }
}
