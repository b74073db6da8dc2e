/// Sticky routing (`routing.sticky_minutes`): a conversation goes first to the route that last
/// answered it, while that route is admissible; otherwise on down the order as usual, and then
/// it stays on the route that answered.
extension RequestRouter {
    /// How many conversations sticky routing remembers now.
    public var stickySessionCount: Int { sessions.count }

    /// The request's session, when sticky routing is on and the request is a chat.
    func stickySession<Operation: RouterOperation>(_ operation: Operation, info: RequestInfo, table: RoutingTable) -> StickySession? {
        guard table.routing.stickyFor > .zero, operation.routeKind == .chat else { return nil }
        return StickySession.identify(sessionID: info.sessionID, fields: operation.cacheRequest?.fields, keyName: info.keyName)
    }

    /// `order` with the route named `route` first; unchanged when it is not a candidate (a rule's
    /// `only`, a capability, or a reload left it out).
    static func pin(_ route: String, in order: [Route]) -> [Route] {
        guard let position = order.firstIndex(where: { $0.name == route }), position > 0 else { return order }
        var pinned = order
        pinned.insert(pinned.remove(at: position), at: 0)
        return pinned
    }

    /// Keeps the session on the route that answered, for `sticky_minutes` from now.
    func stick(_ session: StickySession, stuck: String?, answeredBy route: String, table: RoutingTable) -> StickyVerdict {
        sessions.stick(session.key, to: route, until: clock.now.advanced(by: table.routing.stickyFor))
        guard let stuck else { return .new }
        return stuck == route ? .hit : .moved
    }
}
