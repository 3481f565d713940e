// Drives an interactive program through a pseudo-terminal, for end-to-end REPL tests.
//
// The child is spawned with posix_spawn + POSIX_SPAWN_SETSID and its stdin/stdout/stderr
// opened on the pty slave *by path*, so the pty is its controlling terminal: sending
// "\u{03}" delivers SIGINT, "\u{04}" is EOF at an empty prompt, "\u{1a}" stops it.
// (Foundation.Process with a pty does not give a controlling terminal; fork is unsafe in
// the multi-threaded test runner.)
//
// Usage:
//     let term = try PseudoTerminal(executable: url, environment: ["HOME": tmp, "TERM": "xterm"])
//     try term.expect("> ")
//     try term.waitForRawMode()          // the line editor is reading: safe to type
//     term.send("select 1\r")
//     try term.expect("got: select 1")
//     term.send("\u{04}")
//     XCTAssertEqual(try term.waitForExit(), 0)

import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class PseudoTerminal {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let pid: pid_t
    let executable: String
    private let master: Int32
    private var slave: Int32

    /// Output read but not yet consumed by `expect`, with ANSI escape sequences and
    /// control characters other than "\n" and "\t" removed.
    private var unconsumed: [UInt8] = []
    /// Everything the child wrote, escape sequences stripped.
    private(set) var transcript: [UInt8] = []
    /// Everything the child wrote, verbatim.
    private(set) var rawTranscript: [UInt8] = []
    private var stripper = EscapeStripper()

    /// `transcript` as text.
    var transcriptText: String { String(decoding: transcript, as: UTF8.self) }
    private var exitStatus: Int32?

    /// Spawns `executable` with exactly `environment` (nothing inherited) on a new
    /// `columns`×`rows` pty.
    init(executable: URL, arguments: [String] = [], environment: [String: String],
         columns: Int = 100, rows: Int = 30) throws {
        self.executable = executable.path
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw Failure(description: "openpty: \(String(cString: strerror(errno)))")
        }
        // Not inherited by this child's siblings spawned concurrently.
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        // The parent keeps its slave descriptor open until the child is gone: closing it
        // before the child has opened the slave would make master reads fail with EIO.
        self.master = master
        self.slave = slave

        var nameBuffer = [CChar](repeating: 0, count: 4096)
        guard ttyname_r(slave, &nameBuffer, nameBuffer.count) == 0 else {
            close(master); close(slave)
            throw Failure(description: "ttyname_r failed")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid (glibc applies POSIX_SPAWN_SETSID first) and without
        // O_NOCTTY: it becomes the controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, nameBuffer, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID, hidden from Swift (__USE_GNU)
        posix_spawnattr_setflags(&attributes, Int16(setsid | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // The runner may have been started with SIGINT ignored (background job): reset.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP, SIGPIPE, SIGTERM, SIGCHLD, SIGWINCH] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(master); close(slave)
            throw Failure(description: "posix_spawn \(executable.path): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
        close(master)
        if slave >= 0 { close(slave) }
    }

    /// An executable built by SwiftPM next to the test binary (the test target must depend
    /// on its target so `swift test` builds it). On Linux that is Bundle.main.bundleURL,
    /// e.g. .build/x86_64-unknown-linux-gnu/debug/.
    static func builtExecutable(named name: String) throws -> URL {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure(description: "no executable \(name) in \(candidates.map(\.path))")
        }
        return found
    }

    /// A minimal environment isolated in `home`: HOME (no user ~/.editrc), XDG_STATE_HOME
    /// = home/state (history), TERM=xterm. LANG/LC_* deliberately unset, like some CI.
    static func isolatedEnvironment(home: URL, adding extra: [String: String] = [:]) -> [String: String] {
        ["HOME": home.path, "XDG_STATE_HOME": home.appendingPathComponent("state").path, "TERM": "xterm"]
            .merging(extra) { $1 }
    }

    // MARK: Input

    /// Writes `text` to the terminal as if typed: "\r" is Enter, "\u{03}" Ctrl-C,
    /// "\u{04}" Ctrl-D, "\t" TAB, "\u{1b}[A" Up arrow.
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                write(master, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            offset += n
        }
    }

    /// Sets the window size (the child gets SIGWINCH).
    func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    // MARK: Output

    /// Reads until `substring` appears in the (escape-stripped) output, consumes the output
    /// up to and including it, and returns the consumed text. Throws, with the output seen
    /// so far, on timeout or if the child exits first.
    @discardableResult
    func expect(_ substring: String, timeout: TimeInterval = 10) throws -> String {
        let needle = Array(substring.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = Self.find(needle, in: unconsumed) {
                let consumed = Array(unconsumed[..<range.upperBound])
                unconsumed.removeFirst(range.upperBound)
                return String(decoding: consumed, as: UTF8.self)
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                throw Failure(description: """
                    timed out after \(timeout)s waiting for \(substring.debugDescription); \
                    unconsumed output: \(String(decoding: unconsumed, as: UTF8.self).debugDescription); \
                    \(processState())
                    """)
            }
            if !readAvailable(timeout: min(remaining, 0.1)) && hasExited() {
                // One last drain: the child may have written just before exiting.
                while readAvailable(timeout: 0) {}
                if Self.find(needle, in: unconsumed) != nil { continue }
                throw Failure(description: """
                    process exited (status \(exitStatus!)) before \(substring.debugDescription) appeared; \
                    unconsumed output: \(String(decoding: unconsumed, as: UTF8.self).debugDescription)
                    """)
            }
        }
    }

    /// The unconsumed output so far (after reading whatever is available now).
    func pendingOutput() -> String {
        while readAvailable(timeout: 0) {}
        return String(decoding: unconsumed, as: UTF8.self)
    }

    /// Waits until the child has switched the terminal out of canonical mode and is blocked
    /// reading it (a line editor waits for a key). Typing before that gets echoed twice or
    /// lost, and a Ctrl-C sent while the editor is between reads is only seen at the next key.
    func waitForRawMode(timeout: TimeInterval = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var attributes = termios()
        while true {
            if tcgetattr(master, &attributes) == 0 && (attributes.c_lflag & tcflag_t(ICANON)) == 0 && isReadingTerminal() {
                return
            }
            if Date() >= deadline {
                throw Failure(description: """
                    timed out after \(timeout)s waiting for raw mode; \
                    unconsumed output: \(pendingOutput().debugDescription); \(processState())
                    """)
            }
            if hasExited() {
                throw Failure(description: """
                    process exited (status \(exitStatus!)) while waiting for raw mode; \
                    unconsumed output: \(pendingOutput().debugDescription)
                    """)
            }
            _ = readAvailable(timeout: 0.01)
        }
    }

    /// Waits for the child to exit (draining its output meanwhile) and returns its exit
    /// status, or 128 + signal number if a signal killed it.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 10) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while !hasExited() {
            if Date() >= deadline {
                throw Failure(description: """
                    process \(pid) still running after \(timeout)s; \
                    unconsumed output: \(pendingOutput().debugDescription); \(processState())
                    """)
            }
            _ = readAvailable(timeout: 0.01)
        }
        while readAvailable(timeout: 0) {}
        return exitStatus!
    }

    /// Sends `signal` to the child.
    func signal(_ signal: Int32) {
        if exitStatus == nil { kill(pid, signal) }
    }

    /// The child's scheduler state and wait channel (Linux /proc), for failure messages.
    /// True when the child sleeps in the terminal driver's read (Linux: wchan `wait_woken`).
    func isReadingTerminal() -> Bool {
        let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? ""
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.split(separator: ")").last?.split(separator: " ").first ?? ""
        return state == "S" && (wchan == "wait_woken" || wchan == "n_tty_read")
    }

    func processState() -> String {
        guard exitStatus == nil else { return "process exited with status \(exitStatus!)" }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.split(separator: ")").last?.split(separator: " ").first ?? "?"
        let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? "?"
        var attributes = termios()
        let canonical = tcgetattr(master, &attributes) == 0
            ? ((attributes.c_lflag & tcflag_t(ICANON)) != 0 ? "canonical" : "raw") : "?"
        return "process \(pid) state \(state), waiting in \(wchan), terminal \(canonical)"
    }

    // MARK: Escape sequences

    /// `text` without ANSI escape sequences (CSI, OSC, two-byte ESC sequences) and control
    /// characters other than "\n" and "\t".
    static func stripANSI(_ text: String) -> String {
        var stripper = EscapeStripper()
        var out: [UInt8] = []
        for byte in text.utf8 { stripper.feed(byte, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Private

    private func hasExited() -> Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return false }
        let signal = status & 0x7F
        exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return true
    }

    /// Reads what is available within `timeout`; true if something was read.
    private func readAvailable(timeout: TimeInterval) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(0, timeout * 1000)))
        guard ready > 0, descriptor.revents & Int16(POLLIN) != 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buffer, buffer.count)
        guard n > 0 else { return false }
        let chunk = buffer[..<n]
        rawTranscript.append(contentsOf: chunk)
        var stripped: [UInt8] = []
        for byte in chunk { stripper.feed(byte, into: &stripped) }
        transcript.append(contentsOf: stripped)
        unconsumed.append(contentsOf: stripped)
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty else { return 0..<0 }
        guard haystack.count >= needle.count else { return nil }
        outer: for start in 0...(haystack.count - needle.count) {
            for k in 0..<needle.count where haystack[start + k] != needle[k] { continue outer }
            return start..<(start + needle.count)
        }
        return nil
    }
}

/// Streaming removal of terminal escape sequences, byte by byte (sequences may be split
/// across reads).
private struct EscapeStripper {
    private enum State { case text, escape, escapeIntermediate, csi, osc, oscEscape }
    private var state = State.text

    mutating func feed(_ byte: UInt8, into out: inout [UInt8]) {
        switch state {
        case .text:
            if byte == 0x1B {
                state = .escape
            } else if byte == 0x0A || byte == 0x09 || (byte >= 0x20 && byte != 0x7F) {
                out.append(byte)   // UTF-8 lead and continuation bytes are >= 0x80
            }
        case .escape:
            switch byte {
            case UInt8(ascii: "["): state = .csi
            case UInt8(ascii: "]"): state = .osc
            case 0x20...0x2F: state = .escapeIntermediate
            default: state = .text   // two-byte sequence (ESC =, ESC 7, ...)
            }
        case .escapeIntermediate:
            if !(0x20...0x2F).contains(byte) { state = .text }
        case .csi:
            if (0x40...0x7E).contains(byte) { state = .text }
        case .osc:
            if byte == 0x07 { state = .text } else if byte == 0x1B { state = .oscEscape }
        case .oscEscape:
            state = byte == UInt8(ascii: "\\") ? .text : .osc
        }
    }
}
