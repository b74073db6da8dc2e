// The framework's own ceiling for scripts/bench.sh: a bare Hummingbird endpoint that answers
// POST /v1/chat/completions with the same canned completion the benchmark's nginx upstream
// returns, with no routing at all.
import Foundation
import Hummingbird

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: bench-baseline PORT COMPLETION_JSON_FILE\n".utf8))
    exit(64)
}
guard let canned = FileManager.default.contents(atPath: arguments[2]) else {
    FileHandle.standardError.write(Data("bench-baseline: cannot read \(arguments[2])\n".utf8))
    exit(66)
}
let body = ByteBuffer(bytes: canned)
let router = Router()
router.post("/v1/chat/completions") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
