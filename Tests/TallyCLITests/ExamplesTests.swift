import Foundation
import XCTest

/// Every script in Examples/ runs on the sample exports, and says what question it answers.
final class ExamplesTests: XCTestCase {
    func testEveryExampleRunsAndOpensWithItsQuestion() throws {
        XCTAssertGreaterThanOrEqual(TallyProcess.examples.count, 5)
        for (s, path, r) in TallyProcess.examples {
            let first = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")[0]
            XCTAssertTrue(first.hasPrefix("-- ") && (first.contains("?") || first.contains(":")), "\(s) opens with what it answers: \(first)")
            XCTAssertEqual(r.status, 0, "\(s): \(r.stderr)")
            XCTAssertFalse(r.stdout.isEmpty, s)
            XCTAssertFalse(r.stderr.contains("error:"), "\(s): \(r.stderr)")
        }
    }

    func testParticipationMatchesTheReportsF7() throws {
        let r = TallyProcess.example("participation.tally")
        // The total row of the first table is F7 of exports.md: 166423 in service, 165161 participants, 99.24%.
        XCTAssertNotNil(r.stdout.range(of: "\n合计 +166423 +165161 +99.24\n", options: .regularExpression), r.stdout)
    }

    func testTutorSurveyMatchesTheReportsTable2() throws {
        let r = TallyProcess.example("tutor-survey.tally")
        XCTAssertNotNil(r.stdout.range(of: "\n很满意 +5363 +53.61\n", options: .regularExpression), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: "\n合计 +10004 +100.00\n", options: .regularExpression), r.stdout)
    }
}
