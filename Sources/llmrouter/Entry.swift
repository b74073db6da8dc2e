import ArgumentParser
import NIOCore
import NIOPosix

@main
enum Entry {
    static func main() async {
        // Swift concurrency runs its jobs on NIO's event loops instead of a second thread pool,
        // and a job stays on the loop it was started from. A request then runs where its
        // connection is served: without this, every await on the proxy path hops between the two
        // pools, and on a small machine the hops cost more than the work (see README,
        // Performance). It has to happen before anything else starts a task; nothing in
        // llmrouter blocks a thread on a future (`wait()`), which this would deadlock.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await LLMRouterCommand.main()
    }
}
