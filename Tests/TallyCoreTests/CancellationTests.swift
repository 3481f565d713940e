import Foundation
import XCTest
@testable import TallyCore

/// Ctrl-C inside long kernels: a cancel flag that turns true at the k-th time it is asked stops
/// the statement, including when k falls inside a sort or `summary` over many rows.
final class CancellationTests: XCTestCase {
    /// How often the session asked, and from which time on it answers "cancelled".
    final class Flag: @unchecked Sendable {
        var asked = 0
        var cancelFrom = Int.max
        func ask() -> Bool { asked += 1; return asked >= cancelFrom }
    }

    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-cancel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func write(_ name: String, rows: Int) throws {
            var text = "k,v\n"
            for i in 0..<rows { text += "K\(1_000_000 + (i * 7919) % rows),\(i % 13)\n" }
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("big.csv", rows: 300_000)
        try write("small.csv", rows: 10)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A session with both tables loaded whose cancel flag is `flag` (the load is not counted).
    func session() -> (Session, CapturedOutput) {
        let out = CapturedOutput()
        let session = Session(output: out)
        _ = session.run(SourceFile(name: "load", text: "load big from \"big.csv\"\nload small from \"small.csv\""), baseDirectory: folder.path)
        XCTAssertEqual(out.diagnostics, [])
        let flag = self.flag
        session.isCancelled = { flag.ask() }
        return (session, out)
    }

    let flag = Flag()

    func testThePollAsksOnceEveryIntervalSteps() throws {
        let flag = Flag()
        flag.cancelFrom = 3
        var poll = CancelPoll { flag.ask() }
        var steps = 0
        XCTAssertThrowsError(try { while true { try poll.step(); steps += 1 } }()) { XCTAssertTrue($0 is Cancelled) }
        XCTAssertEqual(flag.asked, 3)
        XCTAssertEqual(steps, 3 * CancelPoll.interval - 1, "the third question comes at step 3 × interval")
    }

    /// How many times the statement asks over 300,000 rows and over 10; the difference is the
    /// kernel's own questions, and cancelling at the first, a middle and the last of them stops
    /// the statement with no result.
    func checkStops(_ statement: String, kernelAsksMoreThan minimum: Int) throws {
        let (session, out) = self.session()
        func run(_ table: String, cancelFrom: Int = .max) -> (Session.Outcome, String) {
            flag.asked = 0
            flag.cancelFrom = cancelFrom
            out.results = ""
            return (session.run(SourceFile(name: "q", text: statement.replacingOccurrences(of: "TABLE", with: table))), out.results)
        }
        let (outcome, result) = run("big")
        XCTAssertEqual(outcome.errors, 0, out.diagnostics.joined())
        XCTAssertFalse(result.isEmpty)
        let total = flag.asked
        _ = run("small")
        let kernel = total - flag.asked
        XCTAssertGreaterThan(kernel, minimum, "\(statement): the kernel asks while it runs over 300,000 rows")
        for k in [total - kernel + 1, total - kernel / 2, total] {
            let (o, shown) = run("big", cancelFrom: k)
            XCTAssertTrue(o.cancelled, "\(statement) cancelled at question \(k) of \(total)")
            XCTAssertEqual(shown, "", "a cancelled statement shows nothing")
        }
    }

    func testASortOfManyGroupsStops() throws {
        try checkStops("count TABLE by k sort k desc", kernelAsksMoreThan: 50)
    }

    func testRankingStops() throws {
        try checkStops("count TABLE by k sort k desc rank top 5", kernelAsksMoreThan: 50)
    }

    func testSummaryStops() throws {
        try checkStops("summary TABLE", kernelAsksMoreThan: 30)
    }

    /// Writing a long result asks too, in every format: 300,000 rows listed.
    func testWritingALongResultStops() throws {
        for format in ["table", "csv", "json", "markdown"] {
            try checkStops(".format \(format)\nlist TABLE", kernelAsksMoreThan: 15)
        }
    }

    /// An export stopped while its rows are written leaves the file as it was (text and workbook).
    func testACancelledExportKeepsTheOldFile() throws {
        for name in ["out.csv", "out.xlsx"] {
            let file = folder.appendingPathComponent(name)
            try Data("old".utf8).write(to: file)
            let (session, out) = self.session()
            // Once through to count the questions: the rows' writing asks last, about once
            // every 16,384 rows; then stopped at the last question, in the writing.
            flag.asked = 0
            flag.cancelFrom = .max
            XCTAssertEqual(session.run(SourceFile(name: "q", text: "export list big to \"full-\(name)\""), baseDirectory: folder.path).errors, 0,
                           out.diagnostics.joined())
            let total = flag.asked
            flag.asked = 0
            XCTAssertEqual(session.run(SourceFile(name: "q", text: "let rows = list big")).errors, 0)
            XCTAssertGreaterThan(total - flag.asked, 15, "the writing of 300,000 rows asks (the query alone asks \(flag.asked) times)")
            flag.asked = 0
            flag.cancelFrom = total
            let outcome = session.run(SourceFile(name: "q", text: "export list big to \"\(name)\""), baseDirectory: folder.path)
            XCTAssertTrue(outcome.cancelled, name)
            XCTAssertEqual(try Data(contentsOf: file), Data("old".utf8), "\(name) is left as it was")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }, [],
                           "no temporary file is left behind")
        }
    }

    /// The writer itself: a poll that throws at its k-th call stops it there.
    func testTheWriterCallsItsPollOnceARow() throws {
        let r = ResultTable(columns: [ResultTable.Column(name: "n", vector: .integer(Array(0..<100), nil), role: .dimension)])
        for format in [OutputFormat.table, .csv, .json, .markdown] {
            var calls = 0
            _ = ResultWriter.write(r, DisplaySettings(format: format), poll: { calls += 1 })
            XCTAssertEqual(calls, 100, "\(format)")
            XCTAssertThrowsError(try ResultWriter.write(r, DisplaySettings(format: format), poll: {
                calls += 1
                if calls == 150 { throw Cancelled() }
            })) { XCTAssertTrue($0 is Cancelled) }
        }
    }
}
