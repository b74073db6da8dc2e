// The framework's own ceilings for scripts/bench.sh, with no routing at all:
//   bench-baseline PORT COMPLETION_JSON_FILE        a bare Hummingbird endpoint answering
//       POST /v1/chat/completions with the canned completion the benchmark's nginx returns;
//   bench-baseline PORT --proxy UPSTREAM_URL        a bare Hummingbird endpoint that forwards
//       the body to UPSTREAM_URL with one shared AsyncHTTPClient and returns its answer.
import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

let arguments = CommandLine.arguments
guard arguments.count == 3 || (arguments.count == 4 && arguments[2] == "--proxy"), let port = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: bench-baseline PORT (COMPLETION_JSON_FILE | --proxy UPSTREAM_URL)\n".utf8))
    exit(64)
}
let router = Router()
if arguments.count == 4 {
    let upstream = arguments[3]
    let client = HTTPClient.shared
    router.post("/v1/chat/completions") { request, _ -> Response in
        let body = try await request.body.collect(upTo: 1 << 20)
        var upstreamRequest = HTTPClientRequest(url: upstream)
        upstreamRequest.method = .POST
        upstreamRequest.headers.add(name: "Content-Type", value: "application/json")
        upstreamRequest.body = .bytes(body)
        let answer = try await client.execute(upstreamRequest, timeout: .seconds(30))
        let answerBody = try await answer.body.collect(upTo: 16 << 20)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: answerBody))
    }
} else {
    guard let canned = FileManager.default.contents(atPath: arguments[2]) else {
        FileHandle.standardError.write(Data("bench-baseline: cannot read \(arguments[2])\n".utf8))
        exit(66)
    }
    let body = ByteBuffer(bytes: canned)
    router.post("/v1/chat/completions") { request, _ -> Response in
        _ = try await request.body.collect(upTo: 1 << 20)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
