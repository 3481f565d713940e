import Foundation
import XCTest
@testable import TallyCore

/// The inputs that once crashed a fuzz target (Fuzz/crashes/<target>/, kept after the fix)
/// run again through the same function as the target; and the fuzz dictionary is in step
/// with the language's keywords.
final class FuzzReplayTests: XCTestCase {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz").standardized

    func testSavedCrashInputsRunWithoutCrashing() throws {
        var replayed = 0
        for (name, run) in FuzzTargets.all {
            let folder = Self.fuzz.appendingPathComponent("crashes/\(name)")
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            for f in files {
                run(Array(try Data(contentsOf: folder.appendingPathComponent(f))))
                replayed += 1
            }
        }
        // Some are committed: none read means the folders were not found.
        XCTAssertGreaterThan(replayed, 0)
    }

    /// tally.dict (written by Fuzz/make_seeds.py) lists each keyword, and only keywords, as `kw_…`.
    func testDictionaryListsEveryKeyword() throws {
        let dict = try String(contentsOf: Self.fuzz.appendingPathComponent("tally.dict"), encoding: .utf8)
        let listed = dict.split(separator: "\n").filter { $0.hasPrefix("kw_") }.map { $0.split(separator: "\"")[1] }.map(String.init)
        XCTAssertEqual(listed.sorted(), Keyword.allCases.map(\.rawValue).sorted())
    }
}
