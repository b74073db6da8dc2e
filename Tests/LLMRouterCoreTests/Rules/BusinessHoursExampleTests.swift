import Foundation
import LLMRouterConfig
import LLMRouterCore
import LLMRouterTesting
import Testing

/// README's business-hours example, both ways, decides alike on the router's clock: Monday
/// 10:00 in Berlin prefers GPU routes, 18:00 does not, Saturday does not.
struct BusinessHoursExampleTests {
    /// As README shows it.
    struct BusinessHoursGPU: RequestRule {
        let name = "business-hours-gpu"
        let hours = TimeWindow(days: 0b001_1111, startMinute: 9 * 60, endMinute: 18 * 60,  // Mon–Fri 09:00–18:00
                               zone: TimeZone(identifier: "Europe/Berlin")!)

        func decide(_ facts: RequestFacts) -> RuleDecision? {
            guard hours.contains(wallTime: facts.wallTime) else { return nil }
            return RuleDecision(rule: name, prefer: [.tag("gpu")])
        }
    }

    static let yaml = """
        routing:
          rules:
            - name: business-hours-gpu
              when: {time: {days: [mon, tue, wed, thu, fri], hours: "09:00-18:00", zone: Europe/Berlin}}
              then: {prefer: ["tag:gpu"]}
        providers:
          - {name: e, type: echo}
        """

    @Test func codeAndYAMLDecideAlike() async throws {
        let yamlRules = try ConfigurationLoader().parse(yaml: Self.yaml, file: "router.yaml").configuration.routing.rules
        let code = RuleHarness(code: [BusinessHoursGPU()])
        let fromYAML = RuleHarness(rules: yamlRules)
        // Monday 2026-03-30 08:00 UTC is 10:00 in Berlin; then 18:00; then Saturday 10:00.
        for (advance, expected) in [(Int64(0), "b"), (8 * 3600, "a"), (5 * 86_400 - 8 * 3600, "a")] {
            code.clock.advance(by: .seconds(advance))
            fromYAML.clock.advance(by: .seconds(advance))
            let byCode = try await code.send()
            let byYAML = try await fromYAML.send()
            #expect(byCode.answeredBy == expected && byYAML.answeredBy == expected)
            #expect(code.recorded.withLock { $0.last?.rule } == fromYAML.recorded.withLock { $0.last?.rule })
        }
        #expect(code.recorded.withLock { $0.map(\.rule) } == ["business-hours-gpu", nil, nil])
    }
}
