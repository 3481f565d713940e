import Synchronization

/// How far a load has come: bytes and rows read so far of one file. Readers advance it from
/// any thread; an observer (the command line's progress bar) reads it.
public final class LoadProgress: Sendable {
    public typealias Observer = @Sendable (LoadProgress) -> Void

    public let file: String
    public let totalBytes: Int
    private let bytes = Atomic<Int>(0)
    private let rows = Atomic<Int>(0)
    private let done = Atomic<Bool>(false)

    public init(file: String, totalBytes: Int) {
        self.file = file
        self.totalBytes = totalBytes
    }

    public var bytesRead: Int { bytes.load(ordering: .relaxed) }
    public var rowsRead: Int { rows.load(ordering: .relaxed) }
    /// The file is read (or failed): the observer's last call for it.
    public var isFinished: Bool { done.load(ordering: .relaxed) }

    func advance(bytes b: Int, rows r: Int) {
        bytes.add(b, ordering: .relaxed)
        rows.add(r, ordering: .relaxed)
    }

    func finish() { done.store(true, ordering: .relaxed) }
}
