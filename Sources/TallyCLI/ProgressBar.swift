import Foundation
import Synchronization
import TallyCore

/// The progress bar of a long load, on stderr when stderr is a terminal: shown once a file has
/// taken a second, redrawn at most ten times a second, erased when the file is read.
final class ProgressBar: Sendable {
    private struct State {
        var file = ""
        var started = Date()
        var lastDraw = Date.distantPast
        var shown = false
    }
    private let state = Mutex(State())

    /// An observer for `Session.loadObserver`, or nil when stderr is not a terminal.
    static func observer() -> LoadProgress.Observer? {
        guard isatty(2) == 1 else { return nil }
        let bar = ProgressBar()
        return { bar.update($0) }
    }

    func update(_ p: LoadProgress) {
        state.withLock { s in
            let now = Date()
            if s.file != p.file { s = State(file: p.file, started: now) }
            if p.isFinished {
                if s.shown { Terminal.write("\r\u{1b}[K", fd: 2) }
                s.shown = false
                return
            }
            guard now.timeIntervalSince(s.started) >= 1, now.timeIntervalSince(s.lastDraw) >= 0.1 else { return }
            s.lastDraw = now
            s.shown = true
            Terminal.write("\r\u{1b}[K" + ProgressBar.line(p), fd: 2)
        }
    }

    /// `loading logins.csv ▕██████░░░░░░░░░░░░░░▏ 31%  17/54 MB  500k rows`
    static func line(_ p: LoadProgress) -> String {
        let fraction = p.totalBytes > 0 ? min(1, Double(p.bytesRead) / Double(p.totalBytes)) : 0
        let filled = Int(fraction * 20)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled)
        let mb = { (b: Int) in String(b >> 20) }
        return "loading \((p.file as NSString).lastPathComponent) ▕\(bar)▏ \(Int(fraction * 100))%  \(mb(p.bytesRead))/\(mb(p.totalBytes)) MB  \(p.rowsRead / 1000)k rows"
    }
}
