#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes files so readers see the old content or the new, never half of either.
///
/// The bytes go to a temporary file in the same directory, which is then renamed over the target;
/// a failed build or download therefore leaves the previous index in place.
enum AtomicFile {
    /// Writes `data` to `path`, creating missing parent directories.
    /// - Returns: a reason when writing failed.
    static func write(_ data: Data, to path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The file's bytes, or `nil` when it does not exist; a reason when it exists but cannot be read.
    static func read(_ path: String) -> Result<Data?, FileReadError> {
        guard FileManager.default.fileExists(atPath: path) else { return .success(nil) }
        do {
            return .success(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            return .failure(FileReadError(message: "\(error)"))
        }
    }

    struct FileReadError: Error {
        var message: String
    }
}
