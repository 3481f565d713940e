import XCTest
@testable import TallyCore

/// Name resolution, types and the semantics rules, on tables built in memory.
final class EvaluatorTests: XCTestCase {
    var capture = CapturedOutput()
    var session: Session!

    override func setUp() {
        capture = CapturedOutput()
        session = Session(output: capture)
        session.display.format = .csv
        var m = NullMask(count: 4)
        m.setNull(3)
        let d = StringDictionary(["甲", "乙"])
        session.catalog.add(Table(name: "t", columns: [
            .init(name: "k", vector: .string([0, 1, 0, 1], d, nil)),
            .init(name: "n", vector: .integer([1, 2, 3, 0], m)),
            .init(name: "x", vector: .decimal([0.5, 1.5, 2.5, 3.5], nil)),
            .init(name: "ok", vector: .boolean([1, 0, 1, 1], nil)),
            .init(name: "big", vector: .integer([Int64.max, 1, 0, 0], nil)),
        ]))
    }

    func run(_ text: String) -> (String, [String]) {
        capture.results = ""
        capture.diagnostics = []
        session.run(SourceFile(name: "q", text: text))
        return (capture.results, capture.diagnostics)
    }

    func testAggregatesSkipNulls() {
        XCTAssertEqual(run("count, count(n), sum(n), avg(n), min(n), max(n), median(n) t").0,
                       "count,count(n),sum(n),avg(n),min(n),max(n),median(n)\n4,3,6,2,1,3,2\n")
    }

    func testBooleansCountTheirTrues() {
        XCTAssertEqual(run("sum(ok), avg(ok), count(where ok), count(n where ok) t").0,
                       "sum(ok),avg(ok),count(where ok),count(n where ok)\n3,0.75,3,2\n")
    }

    func testDivisionByZeroIsNull() {
        XCTAssertEqual(run("sum(n) / 0, 1 % 0 t").0, "sum(n) / 0,1 % 0\n,\n")
    }

    func testNullNeverEquals() {
        XCTAssertEqual(run("count t where n = null").0, "count\n0\n")
        XCTAssertEqual(run("count t where n != 1").0, "count\n2\n")
        XCTAssertEqual(run("count t where n is null").0, "count\n1\n")
        XCTAssertEqual(run("count t where not (n = 1)").0, "count\n2\n")
    }

    func testOverflowIsAnErrorPointingAtTheOperation() {
        let (_, errors) = run("sum(big + 1) t")
        XCTAssertEqual(errors, ["""
            q:1:5: error: integer overflow: 9223372036854775807 + 1 does not fit in 64 bits
            1 | sum(big + 1) t
              |     ^^^^^^^
            """])
        XCTAssertTrue(run("sum(big) t").1.first?.contains("integer overflow: the sum 9223372036854775807 + 1 does not fit in 64 bits") ?? false)
    }

    func testNamesAreResolvedWithSuggestions() {
        XCTAssertEqual(run("count t where nn > 1").1, ["""
            q:1:15: error: unknown column `nn` in table t
            1 | count t where nn > 1
              |               ^^
              = did you mean `n`?
            """])
        XCTAssertEqual(run("sum(n) t where sum(n) > 1").1.first?.components(separatedBy: "\n").first,
                       "q:1:16: error: aggregate `sum` cannot be used per row (in where, by, or inside another aggregate)")
        XCTAssertEqual(run("n t").1.first?.components(separatedBy: "\n").first,
                       "q:1:1: error: column `n` must be inside an aggregate here")
        XCTAssertEqual(run("count t where k > 1").1.first?.components(separatedBy: "\n").first,
                       "q:1:15: error: cannot compare text with an integer")
        XCTAssertEqual(run("sum(k) t").1.first?.components(separatedBy: "\n").first,
                       "q:1:1: error: sum needs numbers, not string values")
    }

    func testMeasuresExpandInTheQuerysTableAndCatchRecursion() {
        XCTAssertEqual(run("measure r = sum(n) / count * 100\nr t by k").0, "k,r\n乙,100\n甲,200\n")
        XCTAssertTrue(run("measure a = b + 1\nmeasure b = a\na t").1.first?.contains("defined in terms of itself") ?? false)
        XCTAssertTrue(run("measure ratio = sum(n)\nratoi t").1.first?.contains("did you mean `ratio`?") ?? false)
    }

    func testAFailingStatementChangesNothing() {
        _ = run("let v = 5")
        XCTAssertEqual(run("let v = (count nosuch)").1.count, 1)
        XCTAssertEqual(run("print v").0, "5\n")
        XCTAssertEqual(session.catalog.tables.count, 1)
    }

    func testEmptySelection() {
        XCTAssertEqual(run("count, sum(n), avg(x) t where n > 100").0, "count,sum(n),avg(x)\n0,,\n")
        XCTAssertEqual(run("count t where n > 100 by k").0, "k,count\n")
        XCTAssertEqual(run("print (count t where n > 100)").1, [])
        XCTAssertEqual(run("sum(n) t where n > 100 bucket 2, 1").0, "sum(n),count,share\n2+,0,\n1,0,\n<1,0,\n")
    }

    func testBucketEdgesAndNullBand() {
        // Per row: n = 1, 2, 3, null → 2+ holds 2 and 3; 1 is <2; null has its own band.
        // (Whole numbers name their bands by the numbers they hold; decimals as ≥ and –.)
        XCTAssertEqual(run("sum(n) t bucket 2").0, "sum(n),count,share\n2+,2,50\n<2,1,25\nnull,1,25\n")
        XCTAssertEqual(run("sum(x) t bucket 2").0, "sum(x),count,share\n≥2,2,50\n<2,2,50\n")
    }

    /// A computed dimension over many rows is grouped a chunk at a time: the counts must be
    /// those of the plain definition, worked out here with Foundation's ISO 8601 calendar.
    func testComputedDimensionsOverManyRows() throws {
        let n = 3 * GroupKeys.chunkRows + 777
        let start: Int64 = 1_577_836_800   // 2020-01-01 00:00:00
        var at = [Int64](), atNulls = NullMask(count: n), v = [Int64](), client = [UInt32]()
        for i in 0..<n {
            at.append(start + Int64(i) * 997)   // about 4.6 months, 20 weeks or so
            if i % 101 == 0 { atNulls.setNull(i) }
            v.append(Int64(i % 1_000))
            client.append(UInt32(i % 7 == 0 ? 1 : i % 3 == 0 ? 2 : 0))
        }
        session.catalog.add(Table(name: "big", columns: [
            .init(name: "at", vector: .timestamp(at, atNulls)),
            .init(name: "v", vector: .integer(v, nil)),
            .init(name: "client", vector: .string(Codes(client), StringDictionary(["PC", "App", "平板"]), nil)),
        ]))
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let names = ["PC", "App", "平板"]
        func counts(_ keep: (Int) -> Bool, _ key: (Int) -> String) -> [String: Int] {
            var out: [String: Int] = [:]
            for i in 0..<n where keep(i) { out[key(i), default: 0] += 1 }
            return out
        }
        func week(_ i: Int) -> String {
            atNulls.isNull(i) ? "" : "\(calendar.component(.weekOfYear, from: Date(timeIntervalSince1970: TimeInterval(at[i]))))"
        }
        func got(_ query: String) -> [String: Int] {
            let (out, errors) = run(query)
            XCTAssertEqual(errors, [], query)
            var result: [String: Int] = [:]
            for line in out.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                result[fields.dropLast().joined(separator: "|")] = Int(fields.last!)
            }
            return result
        }
        XCTAssertEqual(got("count big by week(at), client"), counts({ _ in true }) { "\(week($0))|\(names[Int(client[$0])])" })
        XCTAssertEqual(got("count big by client, week(at)"), counts({ _ in true }) { "\(names[Int(client[$0])])|\(week($0))" })
        XCTAssertEqual(got("count big where v >= 10 by v % 7 = 0, week(at)"),
                       counts({ v[$0] >= 10 }) { "\(v[$0] % 7 == 0 ? "是" : "否")|\(week($0))" })
        // Text from a computed dimension is grouped whole (each chunk would have its own dictionary).
        XCTAssertEqual(got("count big by if(v > 500, \"多\", \"少\")"), counts({ _ in true }) { v[$0] > 500 ? "多" : "少" })
    }
}
