import Foundation
import LLMRouterConfig
import LLMRouterCore
import Testing

struct RoutingRulesReaderTests {
    static func parse(_ rules: String, providers: String = "  - {name: e, type: echo}") throws -> (routing: RoutingConfiguration, providers: [ProviderConfiguration]) {
        let yaml = "routing:\n  rules:\n\(rules)\nproviders:\n\(providers)\n"
        let configuration = try ConfigurationLoader().parse(yaml: yaml, file: "router.yaml").configuration
        return (configuration.routing, configuration.providers)
    }

    @Test func aFullRuleIsCompiled() throws {
        let rules = try Self.parse("""
                - name: business-hours-gpu
                  when:
                    model: ["llama-*", "qwen*"]
                    endpoint: [chat, messages]
                    key: team-a
                    header: {X-Team: "data-*"}
                    time: {days: [mon, tue, wed, thu, fri], hours: "09:00-18:00", zone: Europe/Berlin}
                    prompt_tokens: {min: 10, max: 8000}
                    needs: {tools: true, vision: false}
                  then:
                    only: [groq, "tag:gpu"]
                    prefer: ["tag:fast"]
                    avoid: [cerebras]
                    policy: least_latency
                    max_wait_seconds: 2.5
                    model: llama-3.3-70b
                - name: closed
                  then: {deny: "Closed for maintenance."}
            """).routing.rules
        #expect(rules.count == 2)
        let rule = try #require(rules.first)
        #expect(rule.name == "business-hours-gpu")
        #expect(rule.when.models.map(\.pattern) == ["llama-*", "qwen*"])
        #expect(rule.when.endpoints == ["chat", "messages"] && rule.when.keys == ["team-a"])
        #expect(rule.when.headers == [HeaderCondition(name: "x-team", value: GlobPattern("data-*"))])
        #expect(rule.when.time == TimeWindow(days: 0b001_1111, startMinute: 540, endMinute: 1080, zone: TimeZone(identifier: "Europe/Berlin")!))
        #expect(rule.when.minPromptTokens == 10 && rule.when.maxPromptTokens == 8000)
        #expect(rule.when.tools == true && rule.when.vision == false && rule.when.json == nil)
        #expect(rule.then == RuleDecision(
            rule: "business-hours-gpu", only: [.provider("groq"), .tag("gpu")], prefer: [.tag("fast")], avoid: [.provider("cerebras")],
            policy: .leastLatency, maxWait: .milliseconds(2500), model: "llama-3.3-70b"
        ))
        #expect(rules[1].then == RuleDecision(rule: "closed", deny: "Closed for maintenance."))
        #expect(rules[1].when == RuleConditions())
    }

    @Test func aTimeWithoutZoneIsUTCAndWithoutDaysEveryDay() throws {
        let rule = try #require(try Self.parse("    - {name: night, when: {time: {hours: \"22:00-06:00\"}}, then: {prefer: [e]}}").routing.rules.first)
        #expect(rule.when.time == TimeWindow(days: TimeWindow.allDays, startMinute: 1320, endMinute: 360, zone: TimeZone(identifier: "UTC")!))
    }

    @Test func providerTagsAreReadLowerCased() throws {
        let providers = try Self.parse("    - {name: r, then: {only: [\"tag:gpu\"]}}", providers: "  - {name: e, type: echo, tags: [GPU, eu]}").providers
        #expect(providers.first?.tags == ["gpu", "eu"])
    }

    @Test(arguments: [
        ("    - {name: r, then: {prefer: [e]}}\n    - {name: r, then: {avoid: [e]}}", "routing.rules[1].name"),
        ("    - {when: {key: a}, then: {deny: x}}", "routing.rules[0].name"),
        ("    - {name: r}", "routing.rules[0].then"),
        ("    - {name: r, then: {prefer: [e]}, priority: 1}", "routing.rules[0].priority"),
        ("    - just-a-string", "routing.rules[0]"),
        ("    - {name: r, when: {modle: x}, then: {prefer: [e]}}", "routing.rules[0].when.modle"),
        ("    - {name: r, when: {endpoint: images}, then: {prefer: [e]}}", "routing.rules[0].when.endpoint"),
        ("    - {name: r, when: {header: [x]}, then: {prefer: [e]}}", "routing.rules[0].when.header"),
        ("    - {name: r, when: {header: {x-team: [a]}}, then: {prefer: [e]}}", "routing.rules[0].when.header.x-team"),
        ("    - {name: r, when: {prompt_tokens: {min: -1}}, then: {prefer: [e]}}", "routing.rules[0].when.prompt_tokens.min"),
        ("    - {name: r, when: {prompt_tokens: {min: 9, max: 3}}, then: {prefer: [e]}}", "routing.rules[0].when.prompt_tokens"),
        ("    - {name: r, when: {needs: {tools: maybe}}, then: {prefer: [e]}}", "routing.rules[0].when.needs.tools"),
        ("    - {name: r, when: {needs: {audio: true}}, then: {prefer: [e]}}", "routing.rules[0].when.needs.audio"),
        ("    - {name: r, when: {time: {hours: \"9-18\"}}, then: {prefer: [e]}}", "routing.rules[0].when.time.hours"),
        ("    - {name: r, when: {time: {days: [mon, funday]}}, then: {prefer: [e]}}", "routing.rules[0].when.time.days"),
        ("    - {name: r, when: {time: {zone: Mars/Olympus}}, then: {prefer: [e]}}", "routing.rules[0].when.time.zone"),
        ("    - {name: r, then: {only: []}}", "routing.rules[0].then.only"),
        ("    - {name: r, then: {prefer: [\"tag:\"]}}", "routing.rules[0].then.prefer"),
        ("    - {name: r, then: {policy: fastest}}", "routing.rules[0].then.policy"),
        ("    - {name: r, then: {max_wait_seconds: -2}}", "routing.rules[0].then.max_wait_seconds"),
        ("    - {name: r, then: {model: \"\"}}", "routing.rules[0].then.model"),
        ("    - {name: r, then: {deny: \"\"}}", "routing.rules[0].then.deny"),
        ("    - {name: r, then: {reroute: x}}", "routing.rules[0].then.reroute"),
        ("    {name: r}", "routing.rules"),
    ])
    func everyMistakeNamesItsField(_ rules: String, field: String) {
        #expect {
            try Self.parse(rules)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.field == field && error.file == "router.yaml"
        }
    }
}
