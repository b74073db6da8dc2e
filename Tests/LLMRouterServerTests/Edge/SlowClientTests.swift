import AsyncHTTPClient
import Foundation
import LLMRouterCore
import LLMRouterServer
import NIOCore
import NIOHTTP1
import Testing

/// Idle, slow-header and slow-body clients are cut off on time, while other clients are served.
@Suite(.serialized)
struct SlowClientTests {
    static let limits = ConnectionLimits(headerTimeout: .milliseconds(500), bodyTimeout: .milliseconds(500), idleTimeout: .milliseconds(700), maxConnections: 64)
    /// For the trickling clients: idle far beyond the head and body timeouts, so a first byte
    /// delayed on a busy machine is never taken for an idle connection (closed without a 408).
    static let tricklingLimits = ConnectionLimits(headerTimeout: .milliseconds(500), bodyTimeout: .milliseconds(500), idleTimeout: .seconds(5), maxConnections: 64)

    static func application(limits: ConnectionLimits = limits) throws -> RouterApplication<ContinuousClock> {
        var settings = ServerSettings(host: "127.0.0.1", port: 0)
        settings.connections = limits
        return try AccessControlTests.application(keys: AccessKeys(), settings: settings)
    }

    /// A normal client's request, which must be answered while slow clients wait.
    static func healthy(port: Int) async throws -> Bool {
        let response = try await UpstreamFailoverTests.httpClient.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/health"), timeout: .seconds(2))
        return response.status == .ok
    }

    @Test func aClientTricklingItsHeadGets408() async throws {
        try await LiveServer.run(try Self.application(limits: Self.tricklingLimits)) { port in
            let slow = try await RawClient.connect(port: port)
            let started = ContinuousClock.now
            async let trickling: Void = slow.trickle("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: \(String(repeating: "a", count: 100))\r\n\r\n", gap: .milliseconds(50))
            #expect(try await Self.healthy(port: port), "others are served meanwhile")
            #expect(await slow.wait(timeout: .seconds(3)) { $0.isClosed })
            let elapsed = ContinuousClock.now - started
            await trickling
            #expect(slow.received.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(slow.received)")
            #expect(slow.received.contains(#""code":"request_timeout""#))
            #expect(elapsed >= .milliseconds(450) && elapsed < .seconds(2), "cut at the head timeout, not at idle: \(elapsed)")
        }
    }

    @Test func aClientTricklingItsBodyGets408() async throws {
        try await LiveServer.run(try Self.application(limits: Self.tricklingLimits)) { port in
            let slow = try await RawClient.connect(port: port)
            let body = #"{"messages":[{"role":"user","content":"\#(String(repeating: "b", count: 60))"}]}"#
            await slow.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            let started = ContinuousClock.now
            async let trickling: Void = slow.trickle(body, gap: .milliseconds(50))
            #expect(try await Self.healthy(port: port))
            #expect(await slow.wait(timeout: .seconds(3)) { $0.isClosed })
            let elapsed = ContinuousClock.now - started
            await trickling
            #expect(slow.received.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(slow.received)")
            #expect(elapsed >= .milliseconds(450) && elapsed < .seconds(2), "\(elapsed)")
        }
    }

    @Test func anIdleConnectionIsClosedBeforeAndBetweenRequests() async throws {
        try await LiveServer.run(try Self.application()) { port in
            let silent = try await RawClient.connect(port: port)
            let kept = try await RawClient.connect(port: port)
            await kept.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await kept.wait(timeout: .seconds(1)) { $0.received.contains("\"status\":\"ok\"") })
            let answered = ContinuousClock.now
            #expect(!kept.isClosed, "kept alive after the answer")
            #expect(try await Self.healthy(port: port))
            #expect(await silent.wait(timeout: .seconds(3)) { $0.isClosed })
            #expect(silent.received.isEmpty, "an idle connection is closed without a word")
            #expect(await kept.wait(timeout: .seconds(3)) { $0.isClosed })
            let idle = ContinuousClock.now - answered
            #expect(idle >= .milliseconds(600) && idle < .seconds(2), "\(idle)")
        }
    }

    @Test func expectContinueIsAnsweredAtOnce() async throws {
        try await LiveServer.run(try Self.application(limits: ConnectionLimits())) { port in
            let client = try await RawClient.connect(port: port)
            let body = #"{"messages":[{"role":"user","content":"big"}]}"#
            await client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n")
            #expect(await client.wait(timeout: .milliseconds(500)) { $0.received.hasPrefix("HTTP/1.1 100 Continue\r\n\r\n") }, "\(client.received)")
            await client.send(body)
            #expect(await client.wait(timeout: .seconds(2)) { $0.received.contains("local-echo: big") }, "\(client.received)")
            #expect(client.received.contains("\r\n\r\nHTTP/1.1 200 OK\r\n"))
            await client.close()
        }
    }

    @Test func connectionsBeyondTheCapWaitForOneToClose() async throws {
        var limits = ConnectionLimits()
        limits.maxConnections = 1
        try await LiveServer.run(try Self.application(limits: limits)) { port in
            let first = try await RawClient.connect(port: port)
            await first.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await first.wait(timeout: .seconds(1)) { $0.received.contains("\"status\":\"ok\"") })
            let second = try await RawClient.connect(port: port)
            await second.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(!(await second.wait(timeout: .milliseconds(300)) { !$0.received.isEmpty }), "not served while the first is open")
            await first.close()
            #expect(await second.wait(timeout: .seconds(2)) { $0.received.contains("\"status\":\"ok\"") })
            await second.close()
        }
    }
}
