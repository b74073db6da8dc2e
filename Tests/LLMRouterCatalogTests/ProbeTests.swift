import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Logging
import Testing

struct ProbeTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    private func endpoint(_ provider: ProviderKind) throws -> ProviderEndpoint {
        try ProviderEndpoint.resolve(provider, environment: FixtureFetcher.environment())
    }

    @Test(arguments: [
        (1, Duration.milliseconds(500)), (2, .seconds(1)), (3, .seconds(2)), (4, .seconds(4)), (5, .seconds(8)), (9, .seconds(8)),
    ])
    func backoffTable(_ retry: Int, _ expected: Duration) {
        #expect(ProbeBackoff().delay(beforeRetry: retry) == expected)
    }

    @Test func backoffJitterAndRetryAfter() {
        let backoff = ProbeBackoff()
        #expect(backoff.delay(beforeRetry: 2, jitter: 1) == .milliseconds(1100))
        #expect(backoff.delay(beforeRetry: 2, jitter: -1) == .milliseconds(900))
        #expect(backoff.delay(beforeRetry: 1, retryAfter: "3") == .seconds(3))
        // Longer than 30 s: give up rather than stall the build.
        #expect(backoff.delay(beforeRetry: 1, retryAfter: "3600") == nil)
        // The HTTP-date form is read like the chat adapter reads it.
        let now = Date(timeIntervalSince1970: 1_445_412_470)
        #expect(backoff.delay(beforeRetry: 1, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(10))
        // Unreadable values are ignored; the computed delay applies.
        #expect(backoff.delay(beforeRetry: 1, retryAfter: "soon") == .milliseconds(500))
        #expect(backoff.delay(beforeRetry: 1, retryAfter: "-3") == .milliseconds(500))
    }

    @Test func endpointUsesOverrideAndNamesMissingVariable() throws {
        let groq = try endpoint(.groq)
        #expect(groq.modelsURL == "http://fake.test/groq/v1/models")
        #expect(!groq.description.contains(Fixtures.keys["GROQ_API_KEY"] ?? "-"))
        let real = try ProviderEndpoint.resolve(.nvidiaNIM, environment: ["NVIDIA_NIM_KEY": "nvapi-x"])
        #expect(real.modelsURL == "https://integrate.api.nvidia.com/v1/models")
        let error = #expect(throws: ProbeError.self) {
            try ProviderEndpoint.resolve(.openrouter, environment: ["OPENROUTER_API_KEY": "  "])
        }
        #expect(error?.kind == .missingKey)
        #expect(error?.variable == "OPENROUTER_API_KEY")
        #expect(error?.description.contains("OPENROUTER_API_KEY") == true)
    }

    @Test func sendsBearerKeyAndParses() async throws {
        let fake = FixtureFetcher(files: Fixtures.newest)
        let probe = ModelsProbe(fetcher: fake.fetcher)
        let listing = try await probe.listing(for: try endpoint(.groq), logger: logger)
        #expect(listing.freeIDs.count == 12)
        #expect(fake.requests == [.init(url: "http://fake.test/groq/v1/models", authorization: "Bearer \(Fixtures.keys["GROQ_API_KEY"] ?? "")")])
    }

    @Test func retries429And5xxWithBackoffThenSucceeds() async throws {
        let fake = FixtureFetcher(files: Fixtures.newest, scripted: [
            .openrouter: [FetchedResponse(status: 429, body: Data()), FetchedResponse(status: 503, body: Data())],
        ])
        let sleeps = SleepRecorder()
        let probe = ModelsProbe(fetcher: fake.fetcher, sleep: sleeps.sleep, jitter: { 0 })
        let listing = try await probe.listing(for: try endpoint(.openrouter), logger: logger)
        #expect(listing.freeIDs.count == 19)
        #expect(fake.requests.count == 3)
        #expect(sleeps.recorded == [.milliseconds(500), .seconds(1)])
    }

    @Test func honoursRetryAfterOn429() async throws {
        let fake = FixtureFetcher(files: Fixtures.newest, scripted: [.groq: [FetchedResponse(status: 429, retryAfter: "2", body: Data())]])
        let sleeps = SleepRecorder()
        _ = try await ModelsProbe(fetcher: fake.fetcher, sleep: sleeps.sleep).listing(for: try endpoint(.groq), logger: logger)
        #expect(sleeps.recorded == [.seconds(2)])
    }

    @Test func givesUpAfterTheLastAttempt() async throws {
        let failing = Array(repeating: FetchedResponse(status: 500, body: Data("upstream down".utf8)), count: 5)
        let fake = FixtureFetcher(files: Fixtures.newest, scripted: [.nvidiaNIM: failing])
        let sleeps = SleepRecorder()
        let probe = ModelsProbe(fetcher: fake.fetcher, configuration: .init(maximumAttempts: 3), sleep: sleeps.sleep, jitter: { 0 })
        let error = await #expect(throws: ProbeError.self) {
            try await probe.listing(for: try endpoint(.nvidiaNIM), logger: logger)
        }
        #expect(error?.kind == .httpStatus)
        #expect(error?.status == 500)
        #expect(fake.requests.count == 3)
        #expect(sleeps.recorded.count == 2)
    }

    @Test func unauthorizedIsNotRetriedAndNamesTheVariableNotTheKey() async throws {
        let key = Fixtures.keys["GROQ_API_KEY"] ?? ""
        let fake = FixtureFetcher(files: [:], scripted: [
            .groq: [FetchedResponse(status: 401, body: Data(#"{"error":{"message":"Invalid API Key \#(key)"}}"#.utf8))],
        ])
        let error = await #expect(throws: ProbeError.self) {
            try await ModelsProbe(fetcher: fake.fetcher).listing(for: try endpoint(.groq), logger: logger)
        }
        #expect(fake.requests.count == 1)
        #expect(error?.status == 401)
        #expect(error?.description.contains("GROQ_API_KEY") == true)
        #expect(error?.description.contains(key) == false)
    }

    @Test func malformedListingIsNotRetried() async throws {
        let fake = FixtureFetcher(files: [:], scripted: [.groq: [FetchedResponse(status: 200, body: Data("<html>oops".utf8))]])
        let error = await #expect(throws: ProbeError.self) {
            try await ModelsProbe(fetcher: fake.fetcher).listing(for: try endpoint(.groq), logger: logger)
        }
        #expect(error?.kind == .malformedListing)
        #expect(fake.requests.count == 1)
    }

    @Test func timeoutsAreRetriedThenReported() async throws {
        let fetcher = ClosureHTTPFetcher { _, _, _ throws(FetchError) in
            throw FetchError(.timeout, message: "deadline")
        }
        let sleeps = SleepRecorder()
        let probe = ModelsProbe(fetcher: fetcher, configuration: .init(timeout: .seconds(2)), sleep: sleeps.sleep)
        let error = await #expect(throws: ProbeError.self) {
            try await probe.listing(for: try endpoint(.groq), logger: logger)
        }
        #expect(error?.kind == .timeout)
        #expect(sleeps.recorded.count == 2)
    }

    @Test func listsProvidersConcurrentlyAndKeepsEachResult() async throws {
        let fake = FixtureFetcher(files: [.groq: "groq-models.json", .nvidiaNIM: "nvidia-nim-models-2026-06.json"])
        let probe = ModelsProbe(fetcher: fake.fetcher, configuration: .init(maximumAttempts: 1))
        let endpoints = try [ProviderKind.groq, .openrouter, .nvidiaNIM].map(endpoint)
        let results = await probe.listings(for: endpoints, logger: logger)
        #expect((try? results[.groq]?.get())?.freeIDs.count == 12)
        #expect((try? results[.nvidiaNIM]?.get())?.freeIDs.count == 107)
        guard case .failure(let error)? = results[.openrouter] else {
            Issue.record("openrouter should have failed")
            return
        }
        #expect(error.status == 404)
    }
}
