/// Ctrl-C inside a long loop (a sort, `summary`, the rows of a result being written): `step()`
/// asks `isCancelled` once every `interval` steps and throws `Cancelled` when it says so, so a
/// loop over millions of rows stops within a few milliseconds at a cost of one counter a step.
struct CancelPoll {
    static let interval = 1 << 14
    let isCancelled: () -> Bool
    private var steps = 0

    init(_ isCancelled: @escaping () -> Bool) { self.isCancelled = isCancelled }

    @inline(__always) mutating func step() throws {
        steps &+= 1
        if steps & (CancelPoll.interval - 1) == 0, isCancelled() { throw Cancelled() }
    }
}
