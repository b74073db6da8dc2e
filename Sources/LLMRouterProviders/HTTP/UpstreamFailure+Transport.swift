#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import AsyncHTTPClient
import LLMRouterCore
import NIOCore
import NIOHTTP1
import NIOPosix

extension UpstreamFailure {
    /// Where in the call a transport error happened, to word the message.
    enum CallPhase: Sendable {
        /// Connecting, sending, or waiting for the response head.
        case head(timeout: Duration)
        /// Reading a complete (non-streamed) body.
        case body
        /// Reading an event stream after it started.
        case stream
    }

    /// Classifies an error thrown by AsyncHTTPClient or SwiftNIO.
    ///
    /// | Error                                              | Kind          |
    /// |----------------------------------------------------|---------------|
    /// | `UpstreamFailure`                                  | unchanged     |
    /// | deadline exceeded, connect/read/TLS timeouts       | `timeout`     |
    /// | refused, reset, closed, DNS, TLS, anything unknown | `connection`  |
    /// | malformed HTTP, body or event over the size limit  | `badResponse` |
    ///
    /// Cancellation is not classified here: the caller rethrows it, because a client that went
    /// away says nothing about the provider.
    static func transport(_ error: any Error, phase: CallPhase, redactor: SecretRedactor) -> UpstreamFailure {
        if let failure = error as? UpstreamFailure { return failure }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded:
                if case .head(let timeout) = phase {
                    return UpstreamFailure(kind: .timeout, message: "no response within \(timeout.secondsText) (connect + first-byte timeout)")
                }
                return UpstreamFailure(kind: .timeout, message: "deadline exceeded")
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return UpstreamFailure(kind: .timeout, message: "connect timed out")
            case .readTimeout:
                return UpstreamFailure(kind: .timeout, message: "read timed out")
            case .tlsHandshakeTimeout:
                return UpstreamFailure(kind: .timeout, message: "TLS handshake timed out")
            case .remoteConnectionClosed:
                return UpstreamFailure(kind: .connection, message: phase.closedMessage)
            default:
                return UpstreamFailure(kind: .connection, message: describe("HTTP client error", error, redactor))
            }
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return UpstreamFailure(kind: .connection, message: UpstreamErrorText.truncated("DNS lookup failed for \(error.host)"))
            }
            if let first = error.connectionErrors.first {
                return transport(first.error, phase: phase, redactor: redactor)
            }
            return UpstreamFailure(kind: .connection, message: describe("could not connect", error, redactor))
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return UpstreamFailure(kind: .timeout, message: "connect timed out")
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return UpstreamFailure(kind: .connection, message: phase.closedMessage)
            default:
                return UpstreamFailure(kind: .connection, message: describe("channel error", error, redactor))
            }
        }
        if let error = error as? IOError {
            return ioFailure(errno: error.errnoCode, phase: phase)
        }
        if error is HTTPParserError {
            return UpstreamFailure(kind: .badResponse, message: describe("malformed HTTP response", error, redactor))
        }
        if let error = error as? NIOTooManyBytesError {
            return UpstreamFailure(kind: .badResponse, message: "response body larger than \(error.maxBytes.map(String.init) ?? "the limit") bytes")
        }
        if let error = error as? SSEParser.EventTooLarge {
            return UpstreamFailure(kind: .badResponse, message: "stream event larger than \(error.limit) bytes")
        }
        return UpstreamFailure(kind: .connection, message: describe("upstream call failed", error, redactor))
    }

    /// Socket errors in words, without the syscall noise of `IOError`'s description.
    private static func ioFailure(errno code: Int32, phase: CallPhase) -> UpstreamFailure {
        switch code {
        case ECONNREFUSED: UpstreamFailure(kind: .connection, message: "connection refused")
        case ECONNRESET: UpstreamFailure(kind: .connection, message: "connection reset by upstream" + phase.suffix)
        case EPIPE: UpstreamFailure(kind: .connection, message: "connection closed by upstream" + phase.suffix)
        case ETIMEDOUT: UpstreamFailure(kind: .timeout, message: "connection timed out" + phase.suffix)
        case EHOSTUNREACH, ENETUNREACH: UpstreamFailure(kind: .connection, message: "upstream host unreachable")
        default: UpstreamFailure(kind: .connection, message: "connection failed (errno \(code))" + phase.suffix)
        }
    }

    private static func describe(_ prefix: String, _ error: any Error, _ redactor: SecretRedactor) -> String {
        UpstreamErrorText.truncated("\(prefix): " + redactor.redact(String(describing: error)))
    }
}

extension UpstreamFailure.CallPhase {
    fileprivate var suffix: String {
        switch self {
        case .head: ""
        case .body: " while sending the answer"
        case .stream: " mid-stream"
        }
    }

    fileprivate var closedMessage: String {
        switch self {
        case .head: "upstream closed the connection before answering"
        case .body: "upstream closed the connection mid-body"
        case .stream: "upstream closed the connection mid-stream"
        }
    }
}

extension Duration {
    /// `2.5s`, for messages.
    var secondsText: String {
        let (seconds, attoseconds) = components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        return milliseconds == 0 ? "\(seconds)s" : "\(seconds).\(String(format3: milliseconds))s"
    }
}

extension String {
    /// Three digits with leading zeros, trailing zeros dropped (`5` → `005`, `500` → `5`).
    fileprivate init(format3 value: Int64) {
        var text = String(value)
        while text.count < 3 { text = "0" + text }
        while text.hasSuffix("0") { text.removeLast() }
        self = text
    }
}
