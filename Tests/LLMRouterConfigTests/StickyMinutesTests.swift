import LLMRouterConfig
import LLMRouterCore
import Testing

/// `routing.sticky_minutes`: off by default, minutes (fractions too) otherwise, a clear error
/// for anything else.
struct StickyMinutesTests {
    static func routing(_ line: String) throws -> RoutingConfiguration {
        let yaml = "routing:\n  \(line)\nproviders:\n  - {name: e, type: echo}\n"
        return try ConfigurationLoader().parse(yaml: yaml, file: "router.yaml").configuration.routing
    }

    @Test func readsMinutes() throws {
        #expect(try Self.routing("policy: priority").stickyFor == .zero)
        #expect(try Self.routing("sticky_minutes: 30").stickyFor == .seconds(1800))
        #expect(try Self.routing("sticky_minutes: 0.5").stickyFor == .seconds(30))
        #expect(try Self.routing("sticky_minutes: 0").stickyFor == .zero)
    }

    @Test(arguments: ["sticky_minutes: -1", "sticky_minutes: soon", "sticky_minutes: [1]"])
    func refusesAnythingElseNamingTheField(_ line: String) {
        #expect {
            _ = try Self.routing(line)
        } throws: { error in
            "\(error)".contains("routing.sticky_minutes") && "\(error)".contains("router.yaml")
        }
    }
}
