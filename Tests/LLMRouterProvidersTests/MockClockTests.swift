import LLMRouterTesting
import Testing

struct MockClockTests {
    @Test func advancesOnlyWhenTold() {
        let clock = MockClock()
        let start = clock.now
        #expect(clock.now == start)
        clock.advance(by: .seconds(5))
        #expect(start.duration(to: clock.now) == .seconds(5))
        #expect(clock.now.duration(to: start) == .seconds(-5))
        clock.advance(to: start.advanced(by: .seconds(7)))
        #expect(clock.now - start == .seconds(2) + .seconds(5))
        #expect(start < clock.now)
    }
}
