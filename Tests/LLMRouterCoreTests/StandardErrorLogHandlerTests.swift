@testable import LLMRouterCore
import Logging
import Synchronization
import Testing

struct StandardErrorLogHandlerTests {
    /// Collects what the handler writes.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    private func logger(level: Logger.Level, lines: Lines, provider: Logger.MetadataProvider? = nil) -> Logger {
        Logger(label: "llmrouter") { label in
            StandardErrorLogHandler(label: label, logLevel: level, metadataProvider: provider, output: lines.append)
        }
    }

    @Test func lineCarriesLevelLabelSortedMetadataSourceAndMessage() throws {
        let lines = Lines()
        var logger = logger(level: .info, lines: lines)
        logger[metadataKey: "request.id"] = "r-1"
        logger.info("provider", metadata: ["llmrouter.provider": "groq", "a.first": "1"])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix(" info llmrouter: a.first=1 llmrouter.provider=groq request.id=r-1 [LLMRouterCoreTests] provider\n"))
        // An ISO 8601 timestamp leads the line: 2026-11-22T10:00:00+0000.
        let timestamp = try #require(line.split(separator: " ").first)
        #expect(timestamp.count == 24)
        #expect(timestamp.dropFirst(10).first == "T")
    }

    @Test func callMetadataWinsOverProvidedAndAttachedMetadata() throws {
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["key": "provided", "trace": "t-9"] }
        var logger = logger(level: .debug, lines: lines, provider: provider)
        logger[metadataKey: "key"] = "attached"
        logger.debug("one", metadata: ["key": "explicit"])
        logger.debug("two")
        #expect(lines.all.count == 2)
        #expect(lines.all[0].contains(" llmrouter: key=explicit trace=t-9 [LLMRouterCoreTests] one\n"))
        #expect(lines.all[1].contains(" llmrouter: key=provided trace=t-9 [LLMRouterCoreTests] two\n"))
    }

    @Test func messagesBelowTheLevelAndMetadataChangesWriteNothing() {
        let lines = Lines()
        var logger = logger(level: .error, lines: lines)
        logger[metadataKey: "hb.request.id"] = "42"
        logger.info("not shown")
        logger.warning("not shown either")
        #expect(lines.all.isEmpty)
        logger.error("shown")
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.hasSuffix(" error llmrouter: hb.request.id=42 [LLMRouterCoreTests] shown\n") == true)
    }
}
