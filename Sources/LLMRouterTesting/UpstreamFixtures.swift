#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The captured upstream responses in `shared/fixtures/upstream`, which sits beside the package
/// checkout (`<parent>/shared` next to `<parent>/<clone>`), found from the calling source file so
/// any clone placed there works.
public enum UpstreamFixtures {
    /// The fixture directory, resolved from `filePath` (the caller's `#filePath`).
    public static func directory(filePath: String = #filePath) throws -> String {
        var directory = parent(of: filePath)
        while directory != "/" && !directory.isEmpty {
            if FileManager.default.fileExists(atPath: directory + "/Package.swift") {
                return parent(of: directory) + "/shared/fixtures/upstream"
            }
            directory = parent(of: directory)
        }
        throw FakeUpstreamError(message: "no Package.swift above \(filePath)")
    }

    /// The path of fixture `name`, e.g. `groq-chat-completion.json`.
    public static func path(_ name: String, filePath: String = #filePath) throws -> String {
        try directory(filePath: filePath) + "/" + name
    }

    /// The bytes of fixture `name`, unchanged.
    public static func bytes(_ name: String, filePath: String = #filePath) throws -> [UInt8] {
        let path = try path(name, filePath: filePath)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FakeUpstreamError(message: "cannot read fixture \(path)")
        }
        return Array(data)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
