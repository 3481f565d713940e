import Foundation
import XCTest
@testable import TallyCore

/// Runs the sqllogictest-like files in Golden/. Each record is a header line, statements, and
/// (for most kinds) `----` and the expected output, ended by a blank line:
///
///     statement ok          the statements run without error
///     statement error       they fail; after ---- the rendered diagnostics, exactly
///     query                 the last statement's result as CSV; numbers compare within 1e-9
///     output                everything printed (table format), exactly
///     output markdown       the same in another format (table, csv, json, markdown)
///
/// Expected output may hold blank lines (results are set apart by one): it ends at a blank line
/// followed by another blank line, a comment, a record's header or the end of the file.
///
/// Paths in statements are relative to Fixtures/. Expected values were worked out by hand or
/// with sqlite3, as the comments above each record say, never copied from Tally's output.
final class GoldenTests: XCTestCase {
    struct Record {
        var kind: String
        var argument: String
        var statements: String
        var expected: String?
        var line: Int
    }

    static func records(_ text: String) -> [Record] {
        var out: [Record] = []
        let lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { i += 1; continue }
            let header = line.split(separator: " ", maxSplits: 1).map(String.init)
            let start = i + 1
            i += 1
            var body: [String] = []
            while i < lines.count && !lines[i].isEmpty && lines[i] != "----" { body.append(lines[i]); i += 1 }
            var expected: String?
            if i < lines.count && lines[i] == "----" {
                i += 1
                var exp: [String] = []
                while i < lines.count && !(lines[i].isEmpty && GoldenTests.endsRecord(lines.dropFirst(i + 1).first)) {
                    exp.append(lines[i]); i += 1
                }
                expected = exp.joined(separator: "\n")
            }
            out.append(Record(kind: header[0], argument: header.count > 1 ? header[1] : "",
                              statements: body.joined(separator: "\n"), expected: expected, line: start))
        }
        return out
    }

    /// Whether the line after a blank line ends the expected output before it.
    static func endsRecord(_ next: String?) -> Bool {
        guard let next, !next.isEmpty else { return true }
        return next.hasPrefix("#") || ["statement", "query", "output"].contains(next.split(separator: " ").first.map(String.init) ?? "")
    }

    static func cellsMatch(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let x = Double(a), let y = Double(b) else { return false }
        return abs(x - y) <= 1e-9 * max(1, abs(y))
    }

    static func csvMatch(_ actual: String, _ expected: String) -> Bool {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        guard a.count == e.count else { return false }
        for (x, y) in zip(a, e) {
            let xs = x.components(separatedBy: ","), ys = y.components(separatedBy: ",")
            guard xs.count == ys.count, zip(xs, ys).allSatisfy({ cellsMatch($0, $1) }) else { return false }
        }
        return true
    }

    func testGoldenFiles() throws {
        let golden = try XCTUnwrap(Bundle.module.url(forResource: "Golden", withExtension: nil))
        let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: golden.path).filter { $0.hasSuffix(".test") }.sorted()
        XCTAssertFalse(files.isEmpty, "no golden files found")
        var count = 0
        for file in files {
            let text = try String(contentsOf: golden.appendingPathComponent(file), encoding: .utf8)
            let capture = CapturedOutput()
            let session = Session(output: capture)
            for r in GoldenTests.records(text) {
                count += 1
                capture.results = ""
                capture.diagnostics = []
                session.display.format = r.kind == "query" ? .csv : (OutputFormat(rawValue: r.argument) ?? .table)
                let outcome = session.run(SourceFile(name: "<test>", text: r.statements), baseDirectory: fixtures.path)
                let place = "\(file):\(r.line)"
                let errors = capture.diagnostics.joined(separator: "\n")
                switch r.kind {
                case "statement" where r.argument == "ok":
                    XCTAssertTrue(outcome.errors == 0 && outcome.failedChecks == 0, "\(place): expected success, got\n\(errors)")
                case "statement" where r.argument == "error":
                    XCTAssertTrue(outcome.errors > 0 || outcome.failedChecks > 0, "\(place): expected an error")
                    if let e = r.expected { XCTAssertEqual(errors, e, "\(place)") }
                case "query":
                    XCTAssertEqual(outcome.errors, 0, "\(place): \(errors)")
                    XCTAssertTrue(GoldenTests.csvMatch(capture.results, r.expected ?? ""),
                                  "\(place): got\n\(capture.results)\nexpected\n\(r.expected ?? "")")
                case "output":
                    let all = capture.results + (errors.isEmpty ? "" : errors + "\n")
                    XCTAssertEqual(all.trimmingCharacters(in: .newlines), r.expected ?? "", "\(place)")
                default:
                    XCTFail("\(place): unknown record kind \(r.kind) \(r.argument)")
                }
            }
        }
        XCTAssertGreaterThan(count, 0)
    }
}
