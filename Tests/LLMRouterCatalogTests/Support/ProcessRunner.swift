import Foundation

/// Runs one of the package's executables (`catalog-build`, `debug-models`) as a child process.
///
/// Output goes to files rather than pipes so a large report can never block the child, and the
/// exit is awaited through `terminationHandler` so no cooperative thread is blocked while a fake
/// upstream in the same process serves the child.
enum ProcessRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The directory holding the built products: next to the test bundle, or the package's `.build/debug`.
    static func executable(_ name: String) throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Fixtures.packageRoot.appendingPathComponent(".build/debug"),
        ]
        for directory in candidates {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw MissingExecutable(name: name, searched: candidates.map(\.path))
    }

    struct MissingExecutable: Error, CustomStringConvertible {
        var name: String
        var searched: [String]
        var description: String { "\(name) not built; run `swift build` first (searched \(searched))" }
    }

    static func run(_ name: String, _ arguments: [String], environment: [String: String], in directory: URL) async throws -> Output {
        let process = Process()
        process.executableURL = try executable(name)
        process.arguments = arguments
        // A minimal environment: nothing from the developer's shell (real keys!) leaks into the child.
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { own, _ in own }
        process.currentDirectoryURL = directory
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        return Output(
            status: status,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8)
        )
    }
}
