// By-hand timing in process, not built by SwiftPM: what scripts/bench.sh's BENCH_ONLY=rules
// measures through a server, without the server. To run it, copy it to Sources/rule-timing/main.swift,
// add `.executableTarget(name: "rule-timing", dependencies: ["LLMRouterCore", "LLMRouterConfig"])`
// to Package.swift (do not commit either), write the rules file as scripts/bench/rules.sh does
// (W=$(mktemp -d); bash -c "WORK=$W; serve() { :; }; PORTS=(); source scripts/bench/rules.sh"), then
//   swift build -c release --scratch-path .build-release --product rule-timing
//   .build-release/release/rule-timing $W/rules.yaml
import Foundation
import LLMRouterConfig
import LLMRouterCore

let arguments = CommandLine.arguments
let rules = try ConfigurationLoader().load(path: arguments[1]).configuration.routing.rules
let iterations = 1_000_000
let body = #"{"model":"auto","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say something short."}],"temperature":0.2,"max_tokens":64}"#
let request = try ChatRequest(json: Array(body.utf8))
let codeBody = #"{"model":"auto","messages":[{"role":"user","content":"```python\ndef add(a, b):\n    return a - b\n```\nFix this bug in my python function, it returns the wrong sum for every input I try."}]}"#
let codeRequest = try ChatRequest(json: Array(codeBody.utf8))
let facts = RequestFacts(
    model: "auto", endpoint: "chat",
    headers: ["content-type": "application/json", "user-agent": "OpenAI/Python 1.99.0", "x-team": "web", "host": "127.0.0.1"],
    needs: RequestNeeds(request), wallTime: Int64(Date().timeIntervalSince1970 * 1000))
let classifier = PromptClassifier()
let clock = ContinuousClock()
func nanoseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
}
for round in 1...5 {
    var decided = 0
    let rulesTime = clock.measure {
        for _ in 0..<iterations {
            for rule in rules where rule.decide(facts) != nil { decided += 1; break }
        }
    }
    var tiers = 0
    let classifyTime = clock.measure {
        for _ in 0..<iterations { if classifier.classify(request, estimatedTokens: 45) == .simple { tiers += 1 } }
    }
    let codeTime = clock.measure {
        for _ in 0..<iterations { if classifier.classify(codeRequest, estimatedTokens: 60) == .code { tiers += 1 } }
    }
    print(String(format: "round %d: %d rules (%d decided) %.0f ns/request; classifier %.0f ns (short greeting-like), %.0f ns (code prompt); %d tiers",
                 round, rules.count, decided, nanoseconds(rulesTime) / Double(iterations),
                 nanoseconds(classifyTime) / Double(iterations), nanoseconds(codeTime) / Double(iterations), tiers))
}
