import Foundation
import XCTest
@testable import TallyCore

/// Loads under `--engine duckdb`: the engine reads each clean export itself and Tally keeps only
/// its columns and types; an export it cannot read exactly is an error naming the conversion.
/// Needs the engine (`make engines`).
final class EngineLoadTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "tally-engine-load-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// Runs `script` (paths relative to `directory`: the messy fixtures unless given) on a session with the engine, or in memory.
    private func run(_ script: String, engine: Bool, in directory: String = Messy.directory) throws -> (session: Session, output: CapturedOutput) {
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.display.format = .csv
        if engine { session.engine = try Engine.start(.duckdb) }
        session.run(SourceFile(name: "t.tally", text: script), baseDirectory: directory)
        session.engine?.close()
        return (session, capture)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A converted GBK export, loaded under the engine: no rows in Tally, the original's columns
    /// and types, and the queries' output that of the original loaded in memory.
    func testTheEngineReadsAConvertedExportItself() throws {
        try Converter.convert(path: Messy.directory + "/courses_gbk.csv", to: folder, options: LoadOptions())
        let queries = """
            count c by 项目
            sum(选课人数), avg(通过率) c by 是否必修
            list c where 开课日期 >= "2020-11-01" sort 课程编号
            count c where 备注 = null
            """
        let memory = try run("load c from \"courses_gbk.csv\"\n" + queries, engine: false)
        let engine = try run("load c from \(Lexical.string(folder + "/courses_gbk.csv"))\n" + queries, engine: true)
        XCTAssertEqual(engine.output.diagnostics, [])
        XCTAssertEqual(engine.output.results, memory.output.results)
        let held = try XCTUnwrap(engine.session.catalog.table("c"))
        XCTAssertEqual(held.rowCount, 0)
        XCTAssertEqual(held.source?.rows, 4)
        let original = try XCTUnwrap(memory.session.catalog.table("c"))
        XCTAssertEqual(held.columns.map { Binder.type(of: $0) }, original.columns.map { Binder.type(of: $0) })
        XCTAssertTrue(engine.output.infos.first?.hasSuffix("4 rows × 9 columns from \(folder)/courses_gbk.csv (UTF-8, delimiter ',', header line 1), read by DuckDB") ?? false,
                      engine.output.infos.joined())
        // courses_gbk.csv by hand: 市常规远程培训 has C0001 and C0003, 提升工程2.0 C0002 and C0004.
        XCTAssertTrue(engine.output.results.contains("市常规远程培训,2"), engine.output.results)
    }

    /// A load the engine cannot read exactly names the `tally convert` to run, which then works.
    func testAMessyExportNamesTheConversionToRun() throws {
        let gbk = try run(#"load c from "courses_gbk.csv" with encoding "gbk""#, engine: true)
        let error = try XCTUnwrap(gbk.output.diagnostics.first)
        let path = Messy.directory + "/courses_gbk.csv"
        XCTAssertTrue(error.contains("t.tally:1:13: error: DuckDB cannot read \(path) exactly as Tally does: it is GBK, not UTF-8"), error)
        let command = "tally convert \(path) --out \(Messy.directory)/clean --with 'encoding \"gbk\"'"
        XCTAssertTrue(error.contains("convert it first: \(command)"), error)
        XCTAssertTrue(error.contains("then load \"\(Messy.directory)/clean/courses_gbk.csv\""), error)
        XCTAssertNil(gbk.session.catalog.table("c"))
        // That command (into this test's folder), then the load.
        let session = Session(output: CapturedOutput())
        XCTAssertEqual(session.convert([path], to: folder, options: #"encoding "gbk""#).errors, 0)
        let clean = try run("load c from \(Lexical.string(folder + "/courses_gbk.csv"))\ncount c", engine: true)
        XCTAssertEqual(clean.output.diagnostics, [])
        XCTAssertEqual(clean.output.results, "count\n4\n")
        // A folder: its conversion as a whole (the first export the engine cannot read is named).
        let all = try run(#"load "../messy""#, engine: true)
        let folderError = try XCTUnwrap(all.output.diagnostics.first)
        XCTAssertTrue(folderError.contains("convert it first: tally convert \(Messy.directory)/../messy --out \(Messy.directory)/../messy-clean\n"), folderError)
        XCTAssertTrue(folderError.contains("then load \"\(Messy.directory)/../messy-clean\""), folderError)
    }

    func testEachObstacleIsNamed() throws {
        func reasons(_ load: String) throws -> String {
            let r = try run(load, engine: true)
            return r.output.diagnostics.first.flatMap { $0.split(separator: "\n").first.map(String.init) } ?? "(no error)"
        }
        XCTAssertTrue(try reasons(#"load "report.xlsx""#).hasSuffix("exactly as Tally does: it is a workbook"))
        XCTAssertTrue(try reasons(#"load "numbers.csv""#).hasSuffix("a, b, c, d, e have values in forms only Tally reads (such as 225,319, 92.13%, 2020年10月13日)"))
        XCTAssertTrue(try reasons(#"load "dates.csv""#).hasSuffix("a, b, c, d have values in forms only Tally reads (such as 225,319, 92.13%, 2020年10月13日)"))
        XCTAssertTrue(try reasons(#"load "bom.csv""#).hasSuffix("it starts with a byte-order mark"))
        XCTAssertTrue(try reasons(#"load "totals.csv" with skip_totals true"#).hasSuffix("its load left rows out"))
        XCTAssertTrue(try reasons(#"load "courses_utf8.csv" with rename (学时 = hours)"#).hasSuffix("its columns are renamed"))
        // Written for the cases: a row of empty fields, text with spaces around it, `null` for NULL.
        let spaced = try write("spaced.csv", "id,name\n1, 甲 \n,\n2,乙\n")
        XCTAssertTrue(try reasons("load \(Lexical.string(spaced))").hasSuffix("it has rows of empty fields, which Tally leaves out; text in name has spaces around it, which Tally trims"))
        let marker = try write("marker.csv", "id,name\n1,null\n2,乙\n")
        XCTAssertTrue(try reasons("load \(Lexical.string(marker))").hasSuffix("a null marker is written in another case than listed"))
        // Plain forms read: integers, decimals, ISO dates and times, booleans (是/否, Y/N, true/false), nulls as listed.
        let plain = try write("plain.csv", "id,x,d,t,b\n1,2.5,2020-10-13,2020-10-13 08:30:00,是\n2,-3,,2020-10-14 00:00:00,N\n3,1e3,2020-10-15,,true\n4,NULL,-,2020-10-15 01:02:03,\n")
        let queries = "\nprint sum(x) p\nprint count p where b\nprint max(d) p\nprint min(t) p\nprint count p where d = null"
        let r = try run("load p from \(Lexical.string(plain))" + queries, engine: true)
        XCTAssertEqual(r.output.diagnostics, [])
        XCTAssertEqual(r.output.results, try run("load p from \(Lexical.string(plain))" + queries, engine: false).output.results)
        // By hand: x = 2.5 - 3 + 1000; b true on rows 1 and 3; the last date 2020-10-15; the first
        // time row 1's; d null on rows 2 and 4 (`-` a marker).
        for value in ["999.5", "2", "2020-10-15", "2020-10-13 08:30:00"] {
            XCTAssertTrue(r.output.results.split(separator: "\n").contains { $0 == value }, "\(value) in \(r.output.results)")
        }
    }

    /// The files of the `describe` and `summary` tests (here and EngineSparkTests): nulls,
    /// Chinese text and text whose code point order is not its UTF-16 order (！ U+FF01 before
    /// 😀 U+1F600), −0.0 beside 0.0, dates, booleans, times, a column of nulls, an empty table.
    static let describedFiles: [(name: String, text: String)] = [
        ("mixed.csv", """
            id,name,score,joined,active,note,seen
            1,王芳,91.5,2020-10-13,true,,2020-10-13 08:30:00
            2,z,-0.0,,false,,
            3,é,0.0,2019-05-01,,,2020-01-01 00:00:00
            4,😀,,2020-10-13,true,,
            5,！,91.5,2019-05-01,true,,2020-10-13 08:30:00
            6,,1e3,2019-05-01,false,,
            7,z,,,,,
            8,中,0.0,2019-05-01,true,,

            """),
        ("empty.csv", "a,b\n"),
    ]

    /// The script that describes and summarises `describedFiles`, in CSV and as a table.
    static let describing = """
        load mixed from "mixed.csv"
        load empty from "empty.csv"
        describe mixed
        summary mixed
        describe empty
        summary empty
        .format table
        summary mixed
        """

    /// `describe` and `summary` of tables DuckDB holds are computed by DuckDB, and print what
    /// they print for the same tables in memory, byte for byte — 40 columns too.
    func testDescribeAndSummaryOfTablesTheEngineHolds() throws {
        for (name, text) in EngineLoadTests.describedFiles { _ = try write(name, text) }
        let header = (1...40).map { "c\($0)" }.joined(separator: ","), rows = (1...3).map { r in (1...40).map { "\($0 * r % 7)" }.joined(separator: ",") }
        _ = try write("wide.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let script = SourceFile(name: "t.tally", text: "load wide from \"wide.csv\"\nsummary wide\n" + EngineLoadTests.describing)
        var outputs: [String] = []
        for engine in [false, true] {
            let capture = CapturedOutput()
            let session = Session(output: capture)
            session.display.format = .csv
            if engine { session.engine = try Engine.start(.duckdb) }
            XCTAssertEqual(session.run(script, baseDirectory: folder).errors, 0, capture.diagnostics.joined(separator: "\n"))
            session.engine?.close()
            XCTAssertEqual(session.catalog.table("mixed")?.rowCount, engine ? 0 : 8)   // under the engine Tally holds no rows
            outputs.append(capture.results)
        }
        XCTAssertEqual(outputs[1], outputs[0])
        // By hand from mixed.csv: name is null on row 6 and z twice, the rest once each: by code
        // point z 7A < é E9 < 中 4E2D < 王 738B < ！ FF01 < 😀 1F600. score: 0 three times (−0.0
        // is 0.0), 91.5 twice, 1e3 once. active true four times, false twice. note only nulls.
        for line in ["id,integer,0,8", "name,string,1,6", "score,decimal,2,3", "note,string,8,0",
                     "name,string,1,6,z,😀,\"z (2), é (1), 中 (1)\"", "score,decimal,2,3,0.00,1000.00,\"0.00 (3), 91.50 (2), 1000.00 (1)\"",
                     "joined,date,2,2,2019-05-01,2020-10-13,\"2019-05-01 (4), 2020-10-13 (2)\"", "active,boolean,2,2,否,是,\"是 (4), 否 (2)\"",
                     "seen,timestamp,5,2,2020-01-01 00:00:00,2020-10-13 08:30:00,\"2020-10-13 08:30:00 (2), 2020-01-01 00:00:00 (1)\"",
                     "note,string,8,0,,,", "a,string,0,0", "a,string,0,0,,,",
                     // wide.csv: c40 is 40 · r mod 7 for r = 1, 2, 3: 5, 3, 1.
                     "c40,integer,0,3,1,5,\"1 (1), 3 (1), 5 (1)\""] {
            XCTAssertTrue(outputs[1].split(separator: "\n").contains { $0 == line }, "\(line) in \(outputs[1])")
        }
        XCTAssertTrue(outputs[1].split(separator: "\n").contains { $0.split(separator: " ") == ["name", "string", "1", "6", "z", "😀", "z", "(2),", "é", "(1),", "中", "(1)"] },
                      outputs[1])
        // Ctrl-C: the session's flag reaches the engine, and the statement is cancelled.
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.engine = try Engine.start(.duckdb)
        defer { session.engine?.close() }
        XCTAssertEqual(session.run(SourceFile(name: "t.tally", text: "load mixed from \"mixed.csv\""), baseDirectory: folder).errors, 0)
        session.isCancelled = { true }
        let cancelled = session.run(SourceFile(name: "t.tally", text: "summary mixed"), baseDirectory: folder)
        XCTAssertTrue(cancelled.cancelled)
        XCTAssertEqual(capture.diagnostics, ["error: cancelled"])
        XCTAssertEqual(capture.results, "")
    }

    /// Without an engine (after `.engine memory`) a table an engine read has no rows to
    /// describe: an error saying so. `.tables` counts its rows from the load's pass; a link's
    /// key is checked by the engine.
    func testStatementsThatNeedTheRowsSayWhy() throws {
        let courses = try write("c.csv", "id,name\n1,甲\n2,乙\n2,丙\n")
        let enrolled = try write("e.csv", "course,n\n1,10\n2,20\n")
        let r = try run("load c from \(Lexical.string(courses))\n.engine memory\nsummary c", engine: true)
        XCTAssertTrue(r.output.diagnostics.first?.hasPrefix("t.tally:3:1: error: summary reads the rows of c, which an engine read: Tally holds none of them") ?? false,
                      r.output.diagnostics.joined())
        // A query or a value over it: an error where the table is named, before anything runs.
        let query = try run("load c from \(Lexical.string(courses))\n.engine memory\ncount c by name", engine: true)
        XCTAssertTrue(query.output.diagnostics.first?.hasPrefix("t.tally:3:7: error: this statement reads the rows of c, which an engine read: Tally holds none of them") ?? false,
                      query.output.diagnostics.joined())
        XCTAssertEqual(query.output.results, "")
        let value = try run("load c from \(Lexical.string(courses))\n.engine memory\nprint (count c)\nexplain count c\ndescribe load c", engine: true)
        XCTAssertTrue(value.output.diagnostics.first?.hasPrefix("t.tally:3:14: error: this statement reads the rows of c") ?? false, value.output.diagnostics.joined())
        XCTAssertEqual(value.output.diagnostics.count, 1, value.output.diagnostics.joined())   // explain and describe load need no rows
        let load = try run("load c from \(Lexical.string(courses))\ndescribe load c", engine: true)
        XCTAssertEqual(load.output.diagnostics, [])
        XCTAssertEqual(Listing.tables(load.session.catalog).columns[1].vector.value(at: 0), .integer(3))
        // c.id holds 2 twice (rows 2 and 3): not a key.
        let link = try run("load c from \(Lexical.string(courses))\nload e from \(Lexical.string(enrolled))\nlink e.course to c.id", engine: true)
        XCTAssertTrue(link.output.diagnostics.first?.contains("error: c.id is not a key: 2 appears twice, so a row of e could match several rows") ?? false,
                      link.output.diagnostics.joined())
        let memory = try run("load c from \(Lexical.string(courses))\nload e from \(Lexical.string(enrolled))\nlink e.course to c.id", engine: false)
        XCTAssertTrue(memory.output.diagnostics.first?.contains("error: c.id is not a key: 2 appears twice, so a row of e could match several rows") ?? false,
                      memory.output.diagnostics.joined())
    }

    /// `engineCopies` (--engine-copy): today's hand-over, for messy exports that fit in memory.
    func testEngineCopiesLoadsInTallyAndHandsOverTables() throws {
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.display.format = .csv
        session.engine = try Engine.start(.duckdb)
        defer { session.engine?.close() }
        session.engineCopies = true
        session.run(SourceFile(name: "t.tally", text: "load c from \"courses_gbk.csv\"\ncount c\ndescribe c"), baseDirectory: Messy.directory)
        XCTAssertEqual(capture.diagnostics, [])
        XCTAssertTrue(capture.results.hasPrefix("count\n4\n"), capture.results)
        XCTAssertEqual(session.catalog.table("c")?.rowCount, 4)
    }

    /// A table a DuckDB database file holds, made here with the pinned duckdb package.
    func testATableOfADuckDBDatabase() throws {
        let database = folder + "/province.duckdb"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try XCTUnwrap(Engine.python()))
        p.arguments = ["-c", """
            import duckdb, sys
            c = duckdb.connect(sys.argv[1])
            c.execute("CREATE TABLE logins (teacher_id VARCHAR, minutes INTEGER, login_at TIMESTAMP, app BOOLEAN, score DECIMAL(5,2))")
            c.execute("INSERT INTO logins VALUES ('GZ1', 30, '2020-10-13 08:30:00', true, 1.5), ('GZ2', 45, '2020-10-14 09:00:00', false, 2.25), "
                      "('GZ1', 15, '2020-11-01 10:00:00', true, NULL), ('GZ3', NULL, '2020-11-02 11:00:00', NULL, 3.0)")
            c.execute("CREATE TABLE blobs (b BLOB)")
            c.close()
            """, database]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let script = """
            load l from \(Lexical.string(database)) with table "logins"
            count l by teacher_id
            print sum(minutes) l
            print count l where app
            print sum(score) l
            describe load l
            """
        let r = try run(script, engine: true)
        XCTAssertEqual(r.output.diagnostics, [])
        // By hand: GZ1 has two logins, GZ2 and GZ3 one; minutes 30 + 45 + 15; app true twice; score 1.5 + 2.25 + 3.0.
        XCTAssertTrue(r.output.results.hasPrefix("teacher_id,count\nGZ1,2\nGZ2,1\nGZ3,1\n"), r.output.results)
        for value in ["90", "2", "6.75", "load l from \(Lexical.string(database)) with table \"logins\""] {
            XCTAssertTrue(r.output.results.contains(value + "\n"), "\(value) in \(r.output.results)")
        }
        // The rows are read through a view of the database's table, not copied.
        let viewed = CapturedOutput(), viewing = Session(output: viewed)
        viewing.display.format = .csv
        viewing.engine = try Engine.start(.duckdb)
        defer { viewing.engine?.close() }
        viewing.run(SourceFile(name: "t.tally", text: "load l from \(Lexical.string(database)) with table \"logins\"\nlist teacher_id l"), baseDirectory: folder)
        XCTAssertEqual(viewed.results, "teacher_id\nGZ1\nGZ2\nGZ1\nGZ3\n")
        XCTAssertEqual(try viewing.engine?.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'l'"), [["VIEW"]])
        let l = try XCTUnwrap(r.session.catalog.table("l"))
        XCTAssertEqual(l.columns.map { Binder.type(of: $0) }, [.string, .integer, .timestamp, .boolean, .decimal])
        XCTAssertEqual(r.output.infos.first, "loaded l: 4 rows × 5 columns from \(database) (table logins), read by DuckDB")
        // A table Tally has no type for, one that is not there, and the database without the engine.
        let blob = try run("load b from \(Lexical.string(database)) with table \"blobs\"", engine: true)
        XCTAssertTrue(blob.output.diagnostics.first?.contains("error: column b of blobs in \(database) is BLOB, which Tally has no type for") ?? false,
                      blob.output.diagnostics.joined())
        let missing = try run("load b from \(Lexical.string(database)) with table \"login\"", engine: true)
        XCTAssertTrue(missing.output.diagnostics.first?.contains("error: no table `login` in \(database)") ?? false, missing.output.diagnostics.joined())
        XCTAssertTrue(missing.output.diagnostics.first?.contains("did you mean `logins`?") ?? false, missing.output.diagnostics.joined())
        // `tally sql` asks DuckDB for the table's columns and prints the view; Ctrl-C reaches that engine too.
        let printed = CapturedOutput(), printing = Session(output: printed)
        printing.sqlDialect = .duckdb
        printing.run(SourceFile(name: "t.tally", text: "load l from \(Lexical.string(database)) with table \"logins\"\ncount l by teacher_id"), baseDirectory: folder)
        printing.isCancelled = { true }
        XCTAssertTrue(printing.schemaEngine?.isCancelled() ?? false)
        printing.schemaEngine?.close()
        XCTAssertEqual(printed.diagnostics, [])
        XCTAssertTrue(printed.results.contains("""
            ATTACH IF NOT EXISTS '\(database)' AS "database_province" (READ_ONLY);
            CREATE OR REPLACE VIEW "l" AS SELECT rowid AS rowid, CAST("teacher_id" AS VARCHAR) AS "teacher_id", \
            CAST("minutes" AS BIGINT) AS "minutes", CAST("login_at" AS TIMESTAMP) AS "login_at", CAST("app" AS BOOLEAN) AS "app", \
            CAST("score" AS DOUBLE) AS "score" FROM "database_province"."logins";
            """), printed.results)
        // The printed SQL, run on DuckDB, gives the counts above.
        let sql = try write("printed.sql", printed.results)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: try XCTUnwrap(Engine.python()))
        check.arguments = ["-c", "import duckdb, sys\nc = duckdb.connect()\nfor s in open(sys.argv[1]).read().split(';\\n'):\n    if s.strip(): r = c.execute(s).fetchall()\nprint(r)", sql]
        let pipe = Pipe()
        check.standardOutput = pipe
        try check.run()
        check.waitUntilExit()
        XCTAssertEqual(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "[('GZ1', 2), ('GZ2', 1), ('GZ3', 1)]\n")
        let memory = try run("load l from \(Lexical.string(database)) with table \"logins\"", engine: false)
        XCTAssertTrue(memory.output.diagnostics.first?.contains("error: cannot load \(database): a DuckDB database is read by the engine") ?? false,
                      memory.output.diagnostics.joined())
    }

    /// A Parquet file `logins.parquet` and the same rows as a dataset partitioned by `part`
    /// (`ds.parquet/part=a/…`, `part=b/…`), written in `folder` by the pinned duckdb package,
    /// and `blobs.parquet`, whose column Tally has no type for.
    static func writeParquet(in folder: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try XCTUnwrap(Engine.python()))
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        p.arguments = ["-c", """
            import duckdb
            c = duckdb.connect()
            c.execute("CREATE TABLE l AS SELECT * FROM (VALUES ('GZ1', 30, TIMESTAMP '2020-10-13 08:30:00', true, 1.5::DECIMAL(5,2), 'a'), "
                      "('GZ2', 45, TIMESTAMP '2020-10-14 09:00:00', false, 2.25, 'b'), ('GZ1', 15, TIMESTAMP '2020-11-01 10:00:00', true, NULL, 'a'), "
                      "('GZ3', NULL, TIMESTAMP '2020-11-02 11:00:00', NULL, 3.0, 'b')) t(teacher_id, minutes, login_at, app, score, part)")
            c.execute("COPY l TO 'logins.parquet'")
            c.execute("COPY l TO 'ds.parquet' (FORMAT parquet, PARTITION_BY (part))")
            c.execute("COPY (SELECT '\\x01'::BLOB AS b) TO 'blobs.parquet'")
            """]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    /// The script of the Parquet tests, and what it prints (worked out from the rows above):
    /// the file in its order, the dataset by file (part=a's rows first) then row.
    static let parquetScript = """
        load l from "logins.parquet"
        load d from "ds.parquet"
        list l
        count d by part, teacher_id
        print sum(minutes) d where app
        list teacher_id, part d
        describe load d
        """
    static func parquetOutput(_ folder: String) -> String { """
        teacher_id,minutes,login_at,app,score,part
        GZ1,30,2020-10-13 08:30:00,是,1.5,a
        GZ2,45,2020-10-14 09:00:00,否,2.25,b
        GZ1,15,2020-11-01 10:00:00,是,,a
        GZ3,,2020-11-02 11:00:00,,3,b
        part,teacher_id,count
        a,GZ1,2
        b,GZ2,1
        b,GZ3,1
        sum(minutes)
        45
        teacher_id,part
        GZ1,a
        GZ1,a
        GZ2,b
        GZ3,b
        load d from "\(folder)/ds.parquet"

        """
    }

    /// Parquet files and folders are read by the engine, which reports their columns and types.
    func testParquetFilesAndFolders() throws {
        try EngineLoadTests.writeParquet(in: folder)
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.display.format = .csv
        session.engine = try Engine.start(.duckdb)
        defer { session.engine?.close() }
        session.run(SourceFile(name: "t.tally", text: EngineLoadTests.parquetScript), baseDirectory: folder)
        XCTAssertEqual(capture.diagnostics, [])
        XCTAssertEqual(capture.results, EngineLoadTests.parquetOutput(folder))
        XCTAssertEqual(capture.infos.prefix(2), ["loaded l: 4 rows × 6 columns from \(folder)/logins.parquet (Parquet), read by DuckDB",
                                                 "loaded d: 4 rows × 6 columns from \(folder)/ds.parquet (Parquet), read by DuckDB"])
        XCTAssertEqual(session.catalog.table("d")?.columns.map { Binder.type(of: $0) }, [.string, .integer, .timestamp, .boolean, .decimal, .string])
        XCTAssertEqual(try session.engine?.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'd'"), [["VIEW"]])
        // A column Tally has no type for, an option, a missing file, and Parquet without an engine.
        for (script, message) in [
            ("load b from \"blobs.parquet\"", "error: column b of \(folder)/blobs.parquet is BLOB, which Tally has no type for"),
            ("load b from \"logins.parquet\" with header 2", "error: `header` does not apply to a Parquet file: its columns are typed already"),
            ("load b from \"gone.parquet\"", "error: no such file or folder: \(folder)/gone.parquet"),
        ] {
            let r = try run(script, engine: true, in: folder)
            XCTAssertTrue(r.output.diagnostics.first?.contains(message) ?? false, "\(script): \(r.output.diagnostics.joined())")
        }
        // `tally sql` asks the engine for the columns and prints the view.
        let printed = CapturedOutput(), printing = Session(output: printed)
        printing.sqlDialect = .duckdb
        printing.run(SourceFile(name: "t.tally", text: "load l from \"ds.parquet\""), baseDirectory: folder)
        printing.isCancelled = { true }
        XCTAssertTrue(printing.schemaEngine?.isCancelled() ?? false)   // Ctrl-C reaches the engine tally sql started
        printing.schemaEngine?.close()
        XCTAssertEqual(printed.diagnostics, [])
        XCTAssertTrue(printed.results.hasSuffix("""
            CREATE OR REPLACE VIEW "l" AS SELECT {'file': filename, 'row': file_row_number} AS rowid, CAST("teacher_id" AS VARCHAR) AS "teacher_id", \
            CAST("minutes" AS BIGINT) AS "minutes", CAST("login_at" AS TIMESTAMP) AS "login_at", CAST("app" AS BOOLEAN) AS "app", \
            CAST("score" AS DOUBLE) AS "score", CAST("part" AS VARCHAR) AS "part" \
            FROM read_parquet('\(folder)/ds.parquet/**/*.parquet', filename = true, file_row_number = true);

            """), printed.results)
        let memory = try run("load l from \"logins.parquet\"", engine: false, in: folder)
        XCTAssertTrue(memory.output.diagnostics.first?.contains("error: cannot load \(folder)/logins.parquet: a Parquet file is read by the engine") ?? false,
                      memory.output.diagnostics.joined())
    }
}
