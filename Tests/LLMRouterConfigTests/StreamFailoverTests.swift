import LLMRouterConfig
import LLMRouterCore
import Testing

/// `routing.stream_failover`: `error` by default, `continue` to splice a broken stream onto the
/// next route, a clear error naming the field for anything else.
struct StreamFailoverTests {
    static func routing(_ line: String) throws -> RoutingConfiguration {
        let yaml = "routing:\n  \(line)\nproviders:\n  - {name: e, type: echo}\n"
        return try ConfigurationLoader().parse(yaml: yaml, file: "router.yaml").configuration.routing
    }

    @Test func readsTheMode() throws {
        #expect(try Self.routing("policy: priority").streamFailover == .error)
        #expect(try Self.routing("stream_failover: continue").streamFailover == .continue)
        #expect(try Self.routing("stream_failover: Continue").streamFailover == .continue)
        #expect(try Self.routing("stream_failover: error").streamFailover == .error)
    }

    @Test(arguments: ["stream_failover: resume", "stream_failover: true", "stream_failover: [continue]"])
    func refusesAnythingElseNamingTheField(_ line: String) {
        #expect {
            _ = try Self.routing(line)
        } throws: { error in
            let text = "\(error)"
            return text.contains("routing.stream_failover") && text.contains("router.yaml") && text.contains("continue")
        }
    }
}
