import Foundation
import XCTest
@testable import TallyCore

/// AtomicFile on an ordinary disk (full and read-only disks: Tests/TallyCLITests/FaultTests).
final class AtomicFileTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testWritesANewFileInNewFoldersAndLeavesNothingElse() throws {
        let path = folder + "/a/b/out.csv"
        try AtomicFile.write(Array("x\n1\n".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "x\n1\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder + "/a/b"), ["out.csv"])
        // A new file's mode is 0666 less the umask, as any program's new file.
        let mask = umask(0)
        umask(mask)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, Int(0o666 & ~mask))
    }

    func testASymbolicLinkIsFollowedNotReplaced() throws {
        let target = folder + "/real.csv", link = folder + "/link.csv"
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try AtomicFile.write(Array("new\n".utf8), to: link)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "new\n")
    }

    func testAFileWhereAFolderShouldBeIsNamed() throws {
        try "x".write(toFile: folder + "/plain", atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try AtomicFile.write([], to: folder + "/plain/out.csv")) { error in
            XCTAssertEqual((error as? AtomicFile.Failure)?.description,
                           "cannot write \(folder!)/plain/out.csv: \(folder!)/plain is not a folder")
        }
    }

    func testAFolderOrADeviceIsNotReplaced() throws {
        XCTAssertThrowsError(try AtomicFile.write([], to: folder)) { error in
            XCTAssertEqual((error as? AtomicFile.Failure)?.reason, "it is a folder, not a file")
        }
        XCTAssertThrowsError(try AtomicFile.write([], to: "/dev/null")) { error in
            XCTAssertEqual((error as? AtomicFile.Failure)?.reason, "it is a device, not a file")
        }
    }
}
