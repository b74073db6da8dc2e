import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterConfig
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import NIOCore
import Testing

/// Over HTTP: sticky sessions and their header, code rules passed to the application (and kept
/// through a reload), and the policy header without any rule.
struct StickyAndCodeRulesTests {
    static let yaml = """
        routing: {policy: round_robin, sticky_minutes: 30}
        providers:
          - {name: one, type: echo, model: m}
          - {name: two, type: echo, model: m}
          - {name: three, type: echo, model: m, tags: [gpu]}
        """
    static let sticky = HTTPField.Name("X-LLMRouter-Sticky")!
    static let session = HTTPField.Name("X-Session-Id")!

    static func body(_ first: String) -> String {
        #"{"model":"m","messages":[{"role":"user","content":"\#(first)"}]}"#
    }

    @Test func aSessionStaysOnItsRouteAndTheAnswerSaysSo() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let first = try await client.chat(Self.body("one"), headers: [Self.session: "abc"])
            #expect(first.headers[Self.sticky] == "new")
            let provider = try #require(first.headers[.provider])
            for turn in ["two", "three", "four"] {
                let next = try await client.chat(Self.body(turn), headers: [Self.session: "abc"])
                #expect(next.headers[Self.sticky] == "hit" && next.headers[.provider] == provider)
            }
            // The explanation shows the session's route first.
            let explained = try await client.execute(
                uri: "/admin/explain", method: .post,
                body: ByteBuffer(string: #"{"headers":{"X-Session-Id":"abc"},"request":\#(Self.body("five"))}"#)
            ).jsonObject()
            let stickyState = explained["sticky"] as? [String: Any]
            #expect(stickyState?["session"] as? String == "header" && stickyState?["route"] as? String == provider)
            #expect(explained["first_candidate"] as? String == provider)
            // Without the header the opening is the session: two requests with one opening stick.
            let opening = try await client.chat(Self.body("same start"))
            #expect(opening.headers[Self.sticky] == "new")
            let again = try await client.chat(Self.body("same start"))
            #expect(again.headers[Self.sticky] == "hit" && again.headers[.provider] == opening.headers[.provider])
        }
    }

    @Test func offByDefault() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: one, type: echo, model: m}")
        try await app.test { client in
            let response = try await client.chat(Self.body("hi"), headers: [Self.session: "abc"])
            #expect(response.status == .ok && response.headers[Self.sticky] == nil)
            // No rules: the policy is still named, from the table.
            #expect(response.headers[.policy] == "priority" && response.headers[.rule] == nil)
        }
        let perModel = try TestApp(yaml: "routing: {models: {m: {policy: headroom}}}\nproviders:\n  - {name: one, type: echo, model: m}")
        try await perModel.test { client in
            let response = try await client.chat(Self.body("hi"))
            #expect(response.headers[.policy] == "headroom")
        }
    }

    /// The seed's example in code (GPU routes first during given hours); its hours are
    /// `TimeWindow`'s, tested on the mock clock in Core. Here the window is the two hours around
    /// now, as the HTTP app runs on the real clock.
    struct BusinessHoursGPU: RequestRule {
        let name = "business-hours-gpu"
        var hours: TimeWindow

        func decide(_ facts: RequestFacts) -> RuleDecision? {
            guard hours.contains(wallTime: facts.wallTime) else { return nil }
            return RuleDecision(rule: name, prefer: [.tag("gpu")])
        }

        static func aroundNow(days: UInt8 = TimeWindow.allDays) -> Self {
            let minute = Int(Date().timeIntervalSince1970 / 60) % 1440
            return Self(hours: TimeWindow(days: days, startMinute: (minute + 1380) % 1440, endMinute: (minute + 60) % 1440, zone: .gmt))
        }
    }

    @Test func codeRulesPassedToTheApplicationDecideAndOutliveAReload() async throws {
        let yaml = "providers:\n  - {name: cpu, type: echo, model: m, priority: 1}\n  - {name: gpu, type: echo, model: m, priority: 2, tags: [gpu]}"
        let app = try TestApp(yaml: yaml, rules: [BusinessHoursGPU.aroundNow()])
        try await app.test { client in
            let response = try await client.chat(Self.body("hi"))
            #expect(response.headers[.provider] == "gpu" && response.headers[.rule] == "business-hours-gpu")
            // A reload builds the table from YAML again; the code rule stays.
            let configuration = try ConfigurationLoader().parse(yaml: yaml, file: "reloaded.yaml").configuration
            let table = RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: { _ in .failure(ProviderUnavailable(reason: "none")) }), routing: configuration.routing)
            app.router.replaceTable(with: table)
            #expect(app.router.tables.current.codeRules.map(\.name) == ["business-hours-gpu"])
            let reloaded = try await client.chat(Self.body("hi"))
            #expect(reloaded.headers[.provider] == "gpu" && reloaded.headers[.rule] == "business-hours-gpu")
        }
        // Outside its hours the same rule leaves the order alone.
        let closed = try TestApp(yaml: yaml, rules: [BusinessHoursGPU.aroundNow(days: 0)])
        try await closed.test { client in
            let response = try await client.chat(Self.body("hi"))
            #expect(response.headers[.provider] == "cpu" && response.headers[.rule] == nil)
        }
    }
}
