#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole file so that it holds either its old contents or the new ones, never a part:
/// the bytes go to a temporary file in the same folder, which is flushed to the disk (fsync)
/// and renamed over the target. On any failure (a full disk, a read-only folder) the temporary
/// file is removed and the target is as it was. Used by `export`, the prompt's `.save` and its
/// history file.
public enum AtomicFile {
    /// Why a file could not be written: `reason` is plain ("No space left on device",
    /// "is a folder, not a file"); `description` names the file too.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var reason: String
        public var notes: [String] = []
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes `bytes` to `path`, creating missing folders. A new file gets `permissions`
    /// (less the umask); a replaced file keeps its own. A symbolic link is followed, so the file
    /// it points to is replaced, not the link.
    public static func write(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o666) throws(Failure) {
        try write(to: path, permissions: permissions) { writeAll(bytes, to: $0) }
    }

    /// write(2) until every byte is written (an interrupted call is retried): 0, or the errno
    /// of the failure (ENOSPC, EPIPE, …).
    public static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32 {
        bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return 0
        }
    }

    /// The same, with the contents written by `body` to the temporary file's descriptor (for a
    /// writer that needs a file, as libedit's history does). `body` returns 0, or the errno of
    /// what failed.
    public static func write(to path: String, permissions: mode_t = 0o666, contents body: (Int32) -> Int32) throws(Failure) {
        let target = resolvingLink(path)
        var mode = permissions, replacing = false
        switch FileKind(path: target) {
        case .regular(let existing): (mode, replacing) = (existing, true)
        case .missing: break
        case .folder: throw Failure(path: path, reason: "it is a folder, not a file",
                                    notes: ["name a file inside it, as in \(path.hasSuffix("/") ? path : path + "/")result.csv"])
        case .other(let kind): throw Failure(path: path, reason: "it is \(kind), not a file")
        }
        let folder = parent(of: target)
        try makeFolders(folder, for: path)

        let (fd, temporary) = try createTemporary(in: folder, beside: target, mode: mode, for: path)
        var done = false
        defer {
            if !done { close(fd); unlink(temporary) }
        }
        if replacing { fchmod(fd, mode) }   // as the replaced file had it (a new one's is less the umask)
        let failed = body(fd)
        if failed != 0 { throw Failure(path: path, reason: String(cString: strerror(failed))) }
        // A full disk may only show here (delayed allocation, network file systems).
        guard fsync(fd) == 0 else { throw Failure(path: path, reason: lastError()) }
        done = true
        guard close(fd) == 0 else { unlink(temporary); throw Failure(path: path, reason: lastError()) }
        guard rename(temporary, target) == 0 else {
            let reason = lastError()
            unlink(temporary)
            throw Failure(path: path, reason: reason)
        }
        // The rename itself reaches the disk with the folder's entry; a failure here leaves the
        // new file in place, so it is not reported.
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    /// The folder part of a path ("." for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path`, or what it points to if it is a symbolic link (a dangling link: the path itself).
    private static func resolvingLink(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// `mkdir -p`: every missing folder of `folder` is created.
    private static func makeFolders(_ folder: String, for path: String) throws(Failure) {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw Failure(path: path, reason: "\(folder) is not a folder") }
            return
        }
        guard errno == ENOENT else { throw Failure(path: path, reason: "\(folder): \(lastError())") }
        let above = parent(of: folder)
        if above != folder { try makeFolders(above, for: path) }
        if mkdir(folder, 0o777) != 0 && errno != EEXIST {
            throw Failure(path: path, reason: "cannot create the folder \(folder): \(lastError())")
        }
    }

    /// A new file `.NAME.PID-N.tmp` beside the target (same folder, so the rename stays on one disk).
    private static func createTemporary(in folder: String, beside target: String, mode: mode_t, for path: String) throws(Failure) -> (Int32, String) {
        let name = target.split(separator: "/").last.map(String.init) ?? "file"
        for attempt in 0..<100 {
            let temporary = (folder == "/" ? "" : folder) + "/.\(name).\(getpid())-\(attempt).tmp"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 { return (fd, temporary) }
            if errno != EEXIST { throw Failure(path: path, reason: lastError()) }
        }
        throw Failure(path: path, reason: "no temporary file could be made beside it")
    }
}
