import Foundation
import TallyCore

/// Sends a session's output to the process's stdout and stderr.
/// A closed pipe on stdout (`tally … | head`) ends the process quietly.
final class Terminal: SessionOutput {
    func result(_ text: String) { Terminal.write(text, fd: 1) }

    func diagnostic(_ d: Diagnostic) { Terminal.write(d.render() + "\n", fd: 2) }

    func info(_ text: String) { Terminal.write(text + "\n", fd: 2) }

    static func write(_ text: String, fd: Int32) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { exit(0) }
                    return
                }
                offset += n
            }
        }
    }

    /// Writes to a closed pipe fail with EPIPE instead of killing the process.
    static func ignoreBrokenPipe() { signal(SIGPIPE, SIG_IGN) }

    static func exitCode(_ o: Session.Outcome) -> Int32 {
        o.errors > 0 ? 1 : (o.failedChecks > 0 ? 3 : 0)
    }
}
