#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, found with stat before the file is opened: opening a named pipe with no
/// writer waits for ever, and reading /dev/zero never ends. Loading, scripts and writing
/// accept regular files (and loading folders) only; errors name what the path is instead.
public enum FileKind: Equatable {
    /// A regular file, with its permission bits.
    case regular(mode_t)
    case folder
    /// Anything else, in words: "a named pipe (FIFO)", "a device" (/dev/null, /dev/zero), "a socket".
    case other(String)
    /// No such file, or it cannot be looked at: the errno of stat (ENOENT, EACCES, …).
    case missing(Int32)

    /// Follows symbolic links.
    public init(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { self = .missing(errno); return }
        switch info.st_mode & S_IFMT {
        case S_IFREG: self = .regular(info.st_mode & 0o7777)
        case S_IFDIR: self = .folder
        case S_IFIFO: self = .other("a named pipe (FIFO)")
        case S_IFCHR, S_IFBLK: self = .other("a device")
        case S_IFSOCK: self = .other("a socket")
        default: self = .other("a special file")
        }
    }

    /// Why stat failed, in words ("No such file or directory").
    public static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
