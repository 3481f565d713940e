import Foundation
import XCTest
@testable import TallyCore

final class EngineSparkTests: XCTestCase {
    func testExploreAll() throws {
        let only: Set<String> = ["03-nulls.test:126", "10-arithmetic-overflow-division.test:218", "10-arithmetic-overflow-division.test:225", "18-text-dates.test:284", "18-text-dates.test:325", "18-text-dates.test:337", "18-text-dates.test:364", "18-text-dates.test:391"]
        let (ran, matched, tol, listed) = try EngineEquivalenceTests.compare(.spark, only: only, shared: true, cannotRun: EngineEquivalenceTests.cannotRun)
        print("spark: \(matched) of \(ran), listed \(listed.count), tol \(tol)")
    }
}
