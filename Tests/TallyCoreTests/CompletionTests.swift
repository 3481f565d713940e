import Foundation
import XCTest
@testable import TallyCore

/// TAB completion at the prompt: what is offered where, from the library alone.
final class CompletionTests: XCTestCase {
    var folder: URL!
    var session: Session!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-completion-\(UUID().uuidString)")
        let exports = folder.appendingPathComponent("exports/2002")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("exports/2003"), withIntermediateDirectories: true)
        try "teacher_id,name,district,in_service\nT1,张三,越秀区,是\nT2,李四,天河区,否\n"
            .write(to: exports.appendingPathComponent("teachers.csv"), atomically: true, encoding: .utf8)
        try "enrollment_id,teacher_id,course_id,project,paid,participated,passed\nE1,T1,C1,市常规远程培训,是,是,是\n"
            .write(to: exports.appendingPathComponent("enrollments.csv"), atomically: true, encoding: .utf8)
        try "course_id,title,enrolled,participated,passed\nC1,数学,10,9,8\n"
            .write(to: exports.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
        try "课程编号,课程名称,选课 人数\nK1,语文,3\n"
            .write(to: exports.appendingPathComponent("课程.csv"), atomically: true, encoding: .utf8)
        try "-- hidden\n".write(to: exports.appendingPathComponent(".hidden.csv"), atomically: true, encoding: .utf8)
        try "count teachers\n".write(to: folder.appendingPathComponent("report.tally"), atomically: true, encoding: .utf8)

        session = Session(output: CapturedOutput())
        let outcome = session.run(SourceFile(name: "setup", text: """
            load "\(exports.path)"
            measure passrate = sum(passed) / sum(participated) * 100
            measure participation = sum(participated) / count * 100
            let target = 3
            """))
        XCTAssertEqual(outcome.errors, 0, (session.output as! CapturedOutput).diagnostics.joined())
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func complete(_ before: String, after: String = "") -> Completion.Result {
        Completion.candidates(before: before, after: after, catalog: session.catalog, currentDirectory: folder.path)
    }

    // MARK: Statement starts

    func testStatementStartOffersKeywordsAndMeasures() {
        let r = complete("")
        for word in ["load", "measure", "link", "set", "let", "print", "check", "warn", "include", "export", "describe", "count",
                     "passrate", "participation", "sum("] {
            XCTAssertTrue(r.candidates.contains(word), "\(word) missing from \(r.candidates)")
        }
        XCTAssertEqual(r.candidates.first, "load", "statement keywords come first")
        XCTAssertEqual(complete("lo").candidates, ["load"])
        XCTAssertEqual(complete("lo").replacing, 2)
        XCTAssertEqual(complete("des").candidates, ["describe"])
        XCTAssertEqual(complete("pass").candidates, ["passrate"])
        XCTAssertEqual(complete("PASS").candidates, ["passrate"], "names match ignoring ASCII case")
    }

    func testMeasureNamesWhereAMeasureMayStand() {
        XCTAssertEqual(complete("count, part").candidates, ["participation"])
        XCTAssertEqual(complete("passrate, participation, su").candidates, ["sum("])
        XCTAssertEqual(complete("sum(passed) / ").candidates.contains("passrate"), true)
    }

    // MARK: Tables

    func testTableAfterCompleteMeasures() {
        XCTAssertEqual(complete("count te").candidates, ["teachers"])
        XCTAssertEqual(complete("count te").replacing, 2)
        XCTAssertEqual(complete("passrate co").candidates, ["courses"])
        XCTAssertEqual(complete("sum(passed) / sum(participated) * 100 en").candidates, ["enrollments"])
        XCTAssertEqual(complete("count as n en").candidates, ["enrollments"])
        let all = complete("count ").candidates
        XCTAssertTrue(all.contains("teachers") && all.contains("courses") && all.contains("课程"), "\(all)")
    }

    func testTableAfterDescribeAndInLink() {
        XCTAssertEqual(complete("describe en").candidates, ["enrollments"])
        XCTAssertEqual(complete("link en").candidates, ["enrollments"])
        XCTAssertEqual(complete("link enrollments.tea").candidates, ["teacher_id"])
        XCTAssertEqual(complete("link enrollments.teacher_id ").candidates, ["to"])
        XCTAssertEqual(complete("link enrollments.teacher_id to te").candidates, ["teachers"])
        XCTAssertEqual(complete("link enrollments.teacher_id to teachers.te").candidates, ["teacher_id"])
    }

    // MARK: Columns

    func testColumnsAfterWhere() {
        let r = complete("count teachers where dis")
        XCTAssertEqual(r.candidates, ["district"])
        XCTAssertEqual(r.replacing, 3)
        XCTAssertEqual(complete("count teachers where in_service and na").candidates, ["name"])
        XCTAssertEqual(complete("count enrollments where not pa").candidates, ["paid", "participated", "passed"])
    }

    func testColumnsAfterBy() {
        let r = complete("count enrollments by ")
        XCTAssertEqual(Array(r.candidates.prefix(7)),
                       ["enrollment_id", "teacher_id", "course_id", "project", "paid", "participated", "passed"],
                       "the table's own columns first")
        XCTAssertTrue(r.candidates.contains("teachers."), "other tables for lookups: \(r.candidates)")
        XCTAssertTrue(r.candidates.contains("month("))
        XCTAssertEqual(complete("count enrollments where paid by pro").candidates, ["project"])
        XCTAssertEqual(complete("count enrollments by project, pa").candidates, ["paid", "participated", "passed"])
    }

    func testByAll() {
        XCTAssertEqual(complete("count enrollments by a").candidates, ["abs(", "all"], "`all` right after by (and the function abs)")
        XCTAssertEqual(complete("count enrollments by project, a").candidates, ["abs(", "all"], "and after a comma")
        XCTAssertEqual(complete("count enrollments by all pro").candidates, ["project"], "a column after all")
        XCTAssertTrue(complete("count enrollments by all ").candidates.contains("teachers."))
        XCTAssertFalse(complete("count enrollments by project ").candidates.contains("all"), "not after a complete item")
    }

    func testBucketForms() {
        XCTAssertEqual(complete("count enrollments bucket pa").candidates, ["paid", "participated", "passed"],
                       "bucket VALUE at …: the value is a column")
        XCTAssertEqual(complete("count enrollments bucket passed ").candidates, ["at"])
        let afterBands = complete("passrate courses bucket 90, 80 ").candidates
        XCTAssertTrue(afterBands.contains("labels") && afterBands.contains("as") && afterBands.contains("sort"), "\(afterBands)")
        XCTAssertFalse(complete("passrate courses bucket 90, 80 labels (\"优\", \"良\", \"差\") ").candidates.contains("labels"))
        XCTAssertEqual(complete("passrate courses bucket 90, 80 labels (").candidates, [], "the labels are the user's text")
        XCTAssertTrue(complete("count enrollments bucket passed at 1, 0 ").candidates.contains("labels"))
    }

    func testExportOptions() {
        XCTAssertEqual(complete("export count teachers to \"out.xlsx\" ").candidates, ["sheet", "with bom"])
        XCTAssertEqual(complete("export count teachers to \"out.xlsx\" sheet \"区县\" ").candidates, ["with bom"])
        XCTAssertEqual(complete("export count teachers to \"out.csv\" with ").candidates, ["bom"])
        XCTAssertEqual(complete("export count teachers to \"out.csv\" s").candidates, ["sheet"])
    }

    func testColumnsInsideAggregates() {
        // Typed left to right, the table is not known yet: every table's columns.
        XCTAssertEqual(complete("count distinct tea").candidates, ["teacher_id"])
        // Editing in front of the table: the table after the cursor decides.
        XCTAssertEqual(complete("sum(pa", after: ") courses").candidates, ["participated", "passed"])
        XCTAssertEqual(complete("count(distinct ti", after: ") courses").candidates, ["title"])
        XCTAssertEqual(complete("sum(passed where pa", after: ") enrollments").candidates, ["paid", "participated", "passed"])
    }

    func testColumnsOfAnotherTableAfterDot() {
        let r = complete("count enrollments by teachers.di")
        XCTAssertEqual(r.candidates, ["district"])
        XCTAssertEqual(r.replacing, 2)
        XCTAssertEqual(complete("count enrollments where teachers.").candidates, ["teacher_id", "name", "district", "in_service"])
    }

    func testMembershipInAnotherTable() {
        XCTAssertEqual(complete("count teachers where teacher_id in (enr").candidates, ["enrollments"])
        XCTAssertEqual(complete("count teachers where teacher_id in (enrollments ").candidates, ["where"])
        XCTAssertEqual(complete("count teachers where teacher_id in (enrollments where pa").candidates,
                       ["paid", "participated", "passed"])
    }

    // MARK: Clauses

    func testClauseKeywordsAfterTheTableAndAfterAClause() {
        XCTAssertEqual(complete("count teachers ").candidates, ["where", "by", "having", "bucket", "across", "pct", "total", "sort", "top", "chart", "rank"])
        XCTAssertEqual(complete("count teachers b").candidates, ["by", "bucket"])
        let afterCondition = complete("count teachers where in_service ").candidates
        XCTAssertEqual(Array(afterCondition.prefix(6)), ["and", "or", "not", "in", "between", "is"])
        XCTAssertTrue(afterCondition.contains("by") && !afterCondition.contains("where"), "\(afterCondition)")
        XCTAssertEqual(complete("count teachers by district ").candidates, ["where", "having", "bucket", "across", "pct", "total", "sort", "top", "chart", "rank"])
    }

    func testSortOffersOutputColumns() {
        XCTAssertEqual(complete("count teachers by district sort ").candidates, ["district", "count"])
        XCTAssertEqual(complete("count as n, passrate enrollments by project sort p").candidates, ["project", "passrate"])
        XCTAssertEqual(complete("count teachers by district sort count ").candidates.prefix(2), ["asc", "desc"])
        XCTAssertTrue(complete("count teachers by district sort district ").candidates.contains("pinyin"))
        // The names are the binder's: a repeated one is numbered, as the result shows it.
        XCTAssertEqual(complete("count, count teachers by district sort ").candidates, ["district", "count", "count_2"])
    }

    func testOtherStatements() {
        XCTAssertEqual(complete("let F1 = count en").candidates, ["enrollments"])
        XCTAssertEqual(complete("print count te").candidates, ["teachers"])
        XCTAssertEqual(complete("measure x = sum(pas").candidates, ["passed"])
        XCTAssertEqual(complete("measure x = part").candidates, ["participation", "participated"])
        XCTAssertEqual(complete("check ta").candidates, ["target"], "variables")
        XCTAssertEqual(complete("export count teachers by district ").candidates.last, "to")
    }

    func testStatementBoundaries() {
        XCTAssertEqual(complete("count teachers; count enrollments where pa").candidates, ["paid", "participated", "passed"])
        XCTAssertEqual(complete("count teachers\n  where dis").candidates, ["district"], "a multi-line statement")
        XCTAssertEqual(complete("count teachers -- dis").candidates, [], "inside a comment")
        XCTAssertEqual(complete("count teachers where name = \"张").candidates, [], "inside a text value")
        XCTAssertEqual(complete("count teachers top 1").candidates, [], "a number")
    }

    /// The keyword lists come from the lexer's keywords (Lexical): none is left out.
    func testEveryStatementKeywordAtStatementStartAndEveryClauseKeywordAfterTheTable() {
        let start = complete("").candidates, afterStatement = complete("count teachers; ").candidates
        for k in Lexical.statementKeywords {
            XCTAssertTrue(start.contains(k.rawValue), "\(k) missing from \(start)")
            XCTAssertTrue(afterStatement.contains(k.rawValue), "\(k) missing after `;`")
            XCTAssertTrue(complete(String(k.rawValue.prefix(3))).candidates.contains(k.rawValue), "\(k) from its first letters")
        }
        let clauses = complete("count teachers ").candidates
        XCTAssertEqual(clauses, Lexical.clauseKeywords.map(\.rawValue) + ["rank"])
        for k in Lexical.clauseKeywords {
            XCTAssertTrue(complete("count teachers " + k.rawValue.prefix(2)).candidates.contains(k.rawValue), "\(k)")
            XCTAssertTrue(complete("count teachers where in_service ").candidates.contains(k.rawValue) == (k != .where), "\(k) after where")
        }
    }

    /// `rank` (a word, not a keyword), `with ties` and `per` after top, and the load options'
    /// values are offered like keywords.
    func testRankTiesAndLoadOptionValues() {
        XCTAssertEqual(complete("count teachers by district sort count desc ra").candidates, ["rank"])
        XCTAssertFalse(complete("count teachers by district sort count desc rank ").candidates.contains("rank"))
        let afterTop = complete("count teachers by district sort count desc top 3 ").candidates
        XCTAssertTrue(afterTop.contains("with ties") && afterTop.contains("per") && afterTop.contains("rank"), "\(afterTop)")
        for start in ["load \"x.csv\" with ", "load t from \"x.xlsx\" with sheet \"a\", "] {
            XCTAssertEqual(complete(start).candidates, LoadOptions.names, start)
        }
        XCTAssertEqual(complete("load \"x.csv\" with sk").candidates, ["skip_bad_rows", "skip_totals"])
        XCTAssertEqual(complete("load \"x.csv\" with encoding ").candidates, ["\"utf-8\"", "\"gbk\"", "\"gb18030\"", "\"utf-16le\"", "\"utf-16be\""])
        XCTAssertEqual(complete("load \"x.csv\" with delimiter ").candidates, ["\",\"", "\"tab\"", "\";\"", "\"|\""])
        for option in ["skip_totals", "skip_bad_rows", "startup"] {
            XCTAssertEqual(complete("load \"x\" with \(option) ").candidates, ["true", "false"], option)
        }
        // `.help` completes every word it answers to.
        XCTAssertEqual(complete(".help ran").candidates, ["rank"])
        XCTAssertEqual(complete(".help sk").candidates, ["skip_bad_rows", "skip_totals"])
        XCTAssertTrue(complete(".help ").candidates.contains("summary"))
    }

    func testHavingOffersTheGroupsMeasures() {
        XCTAssertEqual(complete("count teachers by district ha").candidates, ["having"])
        let condition = complete("count enrollments by project having ").candidates
        for word in ["count", "sum(", "passrate", "participation", "not"] {
            XCTAssertTrue(condition.contains(word), "\(word) missing from \(condition)")
        }
        XCTAssertEqual(complete("count enrollments by project having pass").candidates, ["passrate"])
        let afterMeasure = complete("count enrollments by project having count ").candidates
        XCTAssertEqual(Array(afterMeasure.prefix(6)), ["and", "or", "not", "in", "between", "is"])
        XCTAssertTrue(afterMeasure.contains("sort") && !afterMeasure.contains("having"), "\(afterMeasure)")
        XCTAssertEqual(complete("count enrollments by project having sum(pa").candidates, ["paid", "participated", "passed"])
    }

    func testDescribeAndSummaryOfferTables() {
        XCTAssertEqual(complete("summary te").candidates, ["teachers"])
        XCTAssertEqual(complete("describe lo").candidates, ["load"])
        XCTAssertEqual(complete("describe load te").candidates, ["teachers"])
        XCTAssertEqual(complete("describe te").candidates, ["teachers"])
    }

    // MARK: Chinese and quoted names

    func testChineseNamesCompleteLikeAnyOther() {
        XCTAssertEqual(complete("count 课").candidates, ["课程"])
        XCTAssertEqual(complete("count 课").replacing, 1)
        XCTAssertEqual(complete("count 课程 where 课程").candidates, ["课程编号", "课程名称"])
        XCTAssertEqual(complete("count 课程 where 课程编").candidates, ["课程编号"])
        XCTAssertEqual(complete("count 课程 where 课程编").replacing, 3)
    }

    func testNamesThatNeedBackticks() {
        XCTAssertEqual(complete("count 课程 where 选").candidates, ["`选课 人数`"])
        let r = complete("count 课程 where `选")
        XCTAssertEqual(r.candidates, ["`选课 人数`"])
        XCTAssertEqual(r.replacing, 2, "the backtick is replaced too")
        XCTAssertEqual(Lexical.name("count"), "`count`")
        XCTAssertEqual(Lexical.name("课程编号"), "课程编号")
    }

    // MARK: Paths

    func testFilesAndFoldersInsideAQuotedPath() {
        var r = complete("load \"exp")
        XCTAssertEqual(r.candidates, ["exports/"])
        XCTAssertEqual(r.replacing, 3)
        r = complete("load \"exports/")
        XCTAssertEqual(r.candidates, ["2002/", "2003/"])
        XCTAssertEqual(r.replacing, 0)
        r = complete("load \"exports/2002/te")
        XCTAssertEqual(r.candidates, ["teachers.csv\""], "a lone file gets the closing quote")
        r = complete("load \"exports/2002/te", after: "\"")
        XCTAssertEqual(r.candidates, ["teachers.csv"], "unless it is already there")
        XCTAssertEqual(complete("load \"exports/2002/").candidates,
                       ["courses.csv", "enrollments.csv", "teachers.csv", "课程.csv"], "hidden files are left out")
        XCTAssertEqual(complete("load \"exports/2002/课").candidates, ["课程.csv\""])
        XCTAssertEqual(complete("load roster from \"exports/2002/en").candidates, ["enrollments.csv\""])
        XCTAssertEqual(complete("include \"rep").candidates, ["report.tally\""])
        XCTAssertEqual(complete("load \"\(folder.path)/exp").candidates, ["exports/"], "absolute paths")
    }

    /// A path is completed as a string literal's body: braces (which would interpolate) and
    /// quotes written twice; what is typed is read the same way.
    func testPathsWithBracesAndQuotesAreWrittenAsTheStringMeansThem() throws {
        let odd = folder.appendingPathComponent("odd")
        try FileManager.default.createDirectory(at: odd.appendingPathComponent("x{y}"), withIntermediateDirectories: true)
        try "a\n1\n".write(to: odd.appendingPathComponent("say \"hi\".csv"), atomically: true, encoding: .utf8)
        XCTAssertEqual(complete("load \"odd/x").candidates, ["x{{y}}/"])
        XCTAssertEqual(complete("load \"odd/x").replacing, 1)
        var r = complete("load \"odd/x{{y}}/")
        XCTAssertEqual(r.candidates, [], "an empty folder")
        r = complete("load \"odd/x{{")
        XCTAssertEqual(r.candidates, ["x{{y}}/"])
        XCTAssertEqual(r.replacing, 3, "the typed x{{ is replaced")
        XCTAssertEqual(complete("load \"odd/s").candidates, ["say \"\"hi\"\".csv\""])
        r = complete("load \"odd/say \"\"h")
        XCTAssertEqual(r.candidates, ["say \"\"hi\"\".csv\""])
        XCTAssertEqual(r.replacing, 7)
        XCTAssertEqual(complete("load 'odd/s").candidates, ["say \"hi\".csv'"], "in single quotes a double quote is as it is")
        XCTAssertEqual(complete("load od").candidates, ["\"odd/"])
        XCTAssertEqual(complete("load \"{data}/").candidates, [], "a path that interpolates is not completed")
        XCTAssertEqual(complete(".run odd/x").candidates, ["x{y}/"], "a meta command's argument is not a string literal")
        // What completion writes reads back as the file's path.
        let statement = "load \"odd/" + complete("load \"odd/s").candidates[0]
        let (parsed, errors) = try Parser.parse(SourceFile(name: "t", text: statement))
        XCTAssertEqual(errors.map { $0.render() }, [])
        guard case .load(_, let path, _) = try XCTUnwrap(parsed.first).kind, case .literal(let value) = path.kind else {
            return XCTFail("\(parsed)")
        }
        XCTAssertEqual(value, .string("odd/say \"hi\".csv"))
    }

    func testPathOpensTheQuoteAfterLoad() {
        let r = complete("load ")
        XCTAssertEqual(r.candidates, ["\"exports/", "\"report.tally"])
        XCTAssertEqual(complete("load ex").candidates, ["\"exports/"])
        XCTAssertEqual(complete("load ex").replacing, 2)
        XCTAssertEqual(complete("load \"exports/2002\" ").candidates, ["with"])
        XCTAssertEqual(complete("load \"exports/2002\" with ").candidates, LoadOptions.names, "every load option")
        XCTAssertEqual(complete("load \"exports/2002\" with d").candidates, ["delimiter"])
        XCTAssertEqual(complete("load \"exports/2002\" with delimiter \"tab\", sk").candidates, ["skip_bad_rows", "skip_totals"])
    }

    // MARK: Meta commands

    func testMetaCommands() {
        XCTAssertEqual(complete(".sc").candidates, [".schema"])
        XCTAssertEqual(complete(".sc").replacing, 3)
        XCTAssertEqual(complete(".").candidates, Help.commands.map(\.name))
        XCTAssertEqual(complete(".schema te").candidates, ["teachers"])
        XCTAssertEqual(complete(".format j").candidates, ["json"])
        XCTAssertEqual(complete(".help buc").candidates, ["bucket"])
        XCTAssertEqual(complete(".timer o").candidates, ["on", "off"])
        XCTAssertEqual(complete(".run rep").candidates, ["report.tally"])
        XCTAssertEqual(complete(".run exports/20").candidates, ["2002/", "2003/"])
        XCTAssertEqual(complete(".quit ").candidates, [])
    }
}
