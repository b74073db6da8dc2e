import Synchronization

extension FakeUpstream {
    /// Everything the fake's connections share: the script and what was observed.
    final class State: Sendable {
        struct Values: Sendable {
            var queue: [Reply] = []
            /// Keyed by `METHOD path` or `* path`.
            var routes: [String: Reply] = [:]
            var defaultReply: Reply
            var requests: [RecordedRequest] = []
            var connections = 0
            var clientDisconnects = 0
            var streamEventsWritten = 0
        }

        let values: Mutex<Values>

        init(defaultReply: Reply) {
            values = Mutex(Values(defaultReply: defaultReply))
        }

        /// Records `request` and picks its reply: a route for its path, else the next queued
        /// reply, else the default.
        func reply(to request: RecordedRequest) -> Reply {
            values.withLock { values in
                values.requests.append(request)
                let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
                if let reply = values.routes["\(request.method) \(path)"] ?? values.routes["* \(path)"] {
                    return reply
                }
                if !values.queue.isEmpty { return values.queue.removeFirst() }
                return values.defaultReply
            }
        }

        func update(_ body: (inout Values) -> Void) {
            values.withLock { body(&$0) }
        }

        func read<Value: Sendable>(_ body: (Values) -> Value) -> Value {
            values.withLock { body($0) }
        }
    }
}
