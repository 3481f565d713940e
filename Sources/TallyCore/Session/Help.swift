/// The prompt's help: an overview that answers a first question, one topic per part of
/// the language, and the list of meta commands. The text lives here, not in the command
/// line tool, so tests can parse (and run) every example in it.
///
/// Examples use the tables of the sample exports (`tally sample --out DIR`): teachers,
/// courses, enrollments, logins, posts, assignments, tutors, tutor_ratings.
public enum Help {
    // MARK: Commands

    /// What a meta command's argument is, for completion.
    public enum Argument: Sendable {
        case none, table, path
        case words([String])
    }

    public struct Command: Sendable {
        public var name: String
        public var aliases: [String]
        public var usage: String
        public var summary: String
        public var argument: Argument
        /// For a command of the prompt only (not in -c, pipes or scripts): what to do in a script instead.
        public var scriptForm: String? = nil
    }

    public static let commands: [Command] = [
        Command(name: ".help", aliases: [], usage: ".help [TOPIC]", summary: "this overview, or a topic with examples",
                argument: .words(topics.flatMap { [$0.name] + $0.aliases } + ["commands"]),
                scriptForm: "the language is described in Grammar.md; tally --help lists the options"),
        Command(name: ".tables", aliases: [], usage: ".tables", summary: "the loaded tables: rows and columns", argument: .none),
        Command(name: ".schema", aliases: [], usage: ".schema TABLE", summary: "a table's columns: name, type, nulls", argument: .table),
        Command(name: ".measures", aliases: [], usage: ".measures", summary: "the named measures and their definitions", argument: .none),
        Command(name: ".format", aliases: [".mode"], usage: ".format table|csv|json|markdown", summary: "how results are shown (also .mode)",
                argument: .words(["table", "csv", "json", "markdown"])),
        Command(name: ".rows", aliases: [], usage: ".rows N|all", summary: "show at most N rows (all: every row)",
                argument: .words(["all", "20", "40", "100"])),
        Command(name: ".decimals", aliases: [], usage: ".decimals N", summary: "decimals shown in tables, 0–15 (2 at first)",
                argument: .words(["0", "1", "2", "3", "4"])),
        Command(name: ".thousands", aliases: [], usage: ".thousands on|off", summary: "figures in tables with separators: 225,319",
                argument: .words(["on", "off"])),
        Command(name: ".percent", aliases: [], usage: ".percent on|off", summary: "shares (pct, bucket) in tables with %: 55.48%",
                argument: .words(["on", "off"])),
        Command(name: ".timer", aliases: [], usage: ".timer on|off", summary: "show the time and rows of each statement",
                argument: .words(["on", "off"])),
        Command(name: ".run", aliases: [".read"], usage: ".run FILE", summary: "run a script file (also .read)", argument: .path),
        Command(name: ".once", aliases: [], usage: ".once FILE", summary: "the next result to FILE, not the screen; sheet NAME, with bom as in export", argument: .path),
        Command(name: ".export", aliases: [], usage: ".export FILE", summary: "the last result to FILE, not run again; sheet NAME, with bom as in export", argument: .path),
        Command(name: ".save", aliases: [".save!"], usage: ".save FILE",
                summary: "what worked, as a script; .save! replaces", argument: .path,
                scriptForm: "a script is saved already; export QUERY to \"FILE\" writes a result"),
        Command(name: ".quit", aliases: [".exit"], usage: ".quit", summary: "leave (also .exit, or Ctrl-D)", argument: .none,
                scriptForm: "a script ends after its last statement"),
    ]

    public static func command(named name: String) -> Command? {
        let n = name.lowercased()
        return commands.first { $0.name == n || $0.aliases.contains(n) }
    }

    // MARK: Topics

    public struct Example: Sendable {
        /// One or more statements.
        public var code: String
        /// What it answers.
        public var comment: String
        /// False for examples that read or write files (load, include, export): tests
        /// parse them but do not run them against the sample tables.
        public var runnable: Bool

        public init(_ code: String, _ comment: String, runnable: Bool = true) {
            self.code = code
            self.comment = comment
            self.runnable = runnable
        }
    }

    public struct Topic: Sendable {
        public var name: String
        public var aliases: [String]
        public var title: String
        public var text: String
        public var examples: [Example]
        /// What the first example gives, shown after the examples.
        public var output: String?
    }

    /// The first questions people ask, answered on the overview page.
    public static let firstExamples: [Example] = [
        Example("count teachers", "how many teachers are there?"),
        Example("count teachers by district", "how many teachers per district?"),
        Example("count distinct teacher_id enrollments where participated by teachers.district",
                "how many teachers participated, per district?"),
        Example("sum(participated) enrollments by project", "how many enrollments took part, per project?"),
        Example("sum(passed) / sum(participated) * 100 enrollments by project", "pass rate (%) per project"),
    ]

    public static let topics: [Topic] = [
        Topic(name: "query", aliases: ["queries", "count", "sum"], title: "query — the shape of a question",
              text: """
                A query names what to compute (its measures), then the table, then clauses in any order:

                    MEASURES TABLE [where COND] [by COLUMNS] [having COND] [bucket N,…] [pct] [total]
                                   [sort COL] [top N]

                Measures: count (rows), count(x) (rows where x is not null), count distinct x,
                sum(x), avg(x), min(x), max(x), median(x), and arithmetic on them. sum of a 是/否
                column counts its 是. A filter inside a measure: count(where paid), sum(x where …).
                Rename a result column with `as`: count as 人次.
                From SQL: no select or from; GROUP BY is by, ORDER BY is sort, LIMIT is top,
                && and || are and, or: count teachers by district sort count desc top 5.
                """,
              examples: [
                Example("count enrollments", "rows of enrollments"),
                Example("count, sum(participated), sum(passed) enrollments by project", "three measures per project"),
                Example("count(where participated) / count * 100 as 参训率 enrollments", "a rate, renamed"),
                Example("count distinct teacher_id enrollments where paid", "teachers with a paid enrollment"),
                Example("median(score), max(score) assignments", "a median and a maximum"),
              ]),
        Topic(name: "where", aliases: ["filter", "conditions"], title: "where — keep only some rows",
              text: """
                `where` keeps the rows where the condition is true. Compare with = != < <= > >=,
                combine with and, or, not; test lists with in ("a", "b"), ranges with between … and …,
                missing values with is null / is not null. A 是/否 column is a condition by itself.
                Text goes in quotes; dates are written "2020-11-01".
                """,
              examples: [
                Example("count teachers where in_service", "teachers in service (a 是/否 column)"),
                Example("count enrollments where project = \"市常规远程培训\" and not passed", "remote enrollments not passed"),
                Example("count courses where project in (\"市常规远程培训\", \"提升工程2.0\") and hours between 2 and 10",
                        "a list and a range"),
                Example("count enrollments where hours_earned is null", "missing values"),
                Example("count logins where login_at >= \"2020-11-01\" and client != \"PC\"", "a date and a text"),
              ]),
        Topic(name: "by", aliases: ["group", "groups", "having"], title: "by — one row per group; having",
              text: """
                `by` gives one result row per distinct value (or combination of values) of the
                columns listed, in ascending order unless `sort` says otherwise. Functions group
                times: year, month, week, weekday, day, hour, date. A column of another table
                is written table.column (see .help lookups). `having COND` keeps the groups
                whose measures meet the condition.
                """,
              examples: [
                Example("count teachers by district", "teachers per district"),
                Example("count enrollments by project, paid", "two columns"),
                Example("count logins by month(login_at)", "logins per month"),
                Example("count distinct teacher_id enrollments where participated by teachers.district",
                        "teachers who took part, per district (district is in teachers)"),
                Example("count logins where client = \"App\" by all teachers.district",
                        "every district, 0 where no one logged in with the App"),
                Example("count enrollments by course_id having count >= 30 sort count desc", "courses with 30 enrollments or more"),
              ]),
        Topic(name: "across", aliases: ["pivot", "crosstab", "cross-tab"], title: "across — a cross-tab, as a pivot table shows",
              text: """
                `across COLUMN` spreads the query's one measure over one column per value of
                COLUMN: rows are the `by` groups, columns the values (ascending, null last, or
                the ones listed, in that order). `total` adds row totals as a last column and
                column totals as a last row, each computed over its rows.
                """,
              examples: [
                Example("count enrollments by teachers.stage across project total", "enrollments per stage and project"),
                Example("count distinct teacher_id enrollments by teachers.district across project (\"市常规远程培训\", \"提升工程2.0\") total \"合计\"",
                        "teachers per district in two projects"),
              ]),
        Topic(name: "list", aliases: ["rows", "show"], title: "list — the rows themselves",
              text: """
                `list [COLUMNS] TABLE` shows rows, not counts: the columns named (any per-row
                expression, lookups too) or every column, with where, sort and top. Rows keep
                the table's order unless sorted. `let NAME = list …` (or a query with by) keeps
                the rows as a table that later queries read.
                """,
              examples: [
                Example("list teacher_id, name, school teachers where in_service and teacher_id not in (logins) top 20",
                        "teachers in service who never logged in"),
                Example("list courses where enrolled = 0 sort hours desc top 5", "courses nobody chose"),
                Example("""
                    let 学校 = count distinct teacher_id as 人数 enrollments where participated by teachers.school having 人数 > 100
                    count 学校
                    """, "how many schools have more than 100 participating teachers"),
              ]),
        Topic(name: "bucket", aliases: ["band", "bands", "distribution"], title: "bucket — band a measure: ≥90, 80–90, …",
              text: """
                `bucket` computes the query's one measure for each row (or, with `by`, for each
                group), cuts the values at the thresholds and counts how many fall in each band,
                with their share of the whole. Thresholds written from high to low give the bands
                from high to low; the lower bound is inclusive (exactly 90 is in ≥90). Rows whose
                value is null (such as a rate over zero participants) form a `null` band.

                On courses, enrolled / participated / passed are counters per course, so
                passrate is each course's own pass rate. The sample's startup.tally defines
                passrate and participation; the first line below defines passrate again.
                """,
              examples: [
                Example("""
                    measure passrate = sum(passed) / sum(participated) * 100
                    passrate courses where project = "市常规远程培训" and enrolled > 0 bucket 90,80,70,60
                    """, "pass rate of each remote course with enrollments, banded"),
                Example("passrate enrollments by course_id bucket 90, 80, 70, 60 total",
                        "the same from enrollments: one value per course_id group, with a total row"),
                Example("count courses where project = \"市常规远程培训\" and enrolled = 0", "the courses left out above"),
                Example("count as 登录次数 logins by teacher_id bucket 6, 5, 4, 3, 2, 1 as 人数",
                        "teachers by number of logins: 6+, 5, …, 1 (whole numbers name their bands)"),
                Example("count, sum(participated) courses bucket hours at 10, 5 labels (\"长\", \"中\", \"短\")",
                        "band a value of each row; measures per band; your own band names"),
              ],
              output: """
                passrate  count  share
                ────────  ─────  ─────
                ≥90         861  55.48
                80–90       428  27.58
                70–80       109   7.02
                60–70        38   2.45
                <60         116   7.47
                """),
        Topic(name: "pct", aliases: ["total", "sort", "top", "share", "order", "rank", "ties", "per", "limit"],
              title: "pct, total, sort, top, rank — shares, totals, order, ranks",
              text: """
                pct        adds a column `share`: each row's first measure as a % of the column's sum
                total      adds a last row `total` (or the text given) computed over all rows —
                           a rate is recomputed, not summed
                sort C     orders by output columns, asc (default) or desc: sort count desc;
                           rows tied on the sort keys keep the groups' order;
                           sort district pinyin orders Chinese text by pinyin (as glibc's zh_CN)
                top N      keeps the first N rows; `top N with ties` keeps rows tied with the Nth;
                           `top N per C` the first N of each value of column C
                rank       adds a first column numbering the rows in the sort's order (1, 2, 2, 4)
                """,
              examples: [
                Example("count logins by teacher_id sort count desc top 10 with ties rank as 名次", "the top ten, ties kept, ranked"),
                Example("count distinct teacher_id as 人数 enrollments by teachers.district, teachers.school sort 人数 desc top 3 per district",
                        "the three largest schools of each district"),
                Example("count tutor_ratings by rating pct sort count desc", "answers per rating with their share"),
                Example("sum(participated) / count * 100 enrollments by project total \"合计\"", "a rate per project and overall"),
                Example("count logins by teacher_id sort count desc top 10", "the ten teachers who logged in most"),
                Example("count teachers by district sort district pinyin", "districts in pinyin order: 白云区, 从化区, …"),
              ]),
        Topic(name: "chart", aliases: ["charts", "bar", "bars", "svg"], title: "chart — a bar chart instead of a table",
              text: """
                `chart` at the end of a query draws a bar per row: the label on the left, a bar
                as long as the row's measure relative to the largest, the value after it (with
                the share of pct or bucket). It takes one `by` item (or bucket's bands) and one
                numeric measure; the total row is written without a bar, 0 and null have no bar
                (and show 0 and null), a negative value is an error. `export QUERY chart to
                "FILE.svg"` writes it as an SVG picture (.txt: as text).
                """,
              examples: [
                Example("count teachers by district chart", "teachers per district, as bars"),
                Example("count distinct teacher_id as 人数 enrollments where participated by teachers.district sort 人数 desc chart",
                        "participating teachers per district, longest bar first"),
                Example("count tutor_ratings by rating pct chart", "answers per rating, with their share"),
                Example("export count teachers by district sort district pinyin chart to \"out/teachers.svg\"",
                        "the chart as a picture", runnable: false),
              ]),
        Topic(name: "measures", aliases: ["measure", "named"], title: "measures — name a calculation once, use it anywhere",
              text: """
                `measure NAME = EXPR` defines a named measure. It works in any query over a table
                that has the columns it uses, and may use other measures. .measures lists them.
                """,
              examples: [
                Example("measure passrate = sum(passed) / sum(participated) * 100", "pass rate in %"),
                Example("measure participation = sum(participated) / count * 100", "participation in %"),
                Example("passrate, participation enrollments by project", "both, per project"),
                Example("passrate courses where enrolled > 0 bucket 90,80,70,60", "banded (see .help bucket)"),
              ]),
        Topic(name: "lookups", aliases: ["lookup", "link", "join", "in"], title: "lookups — columns of other tables, and membership",
              text: """
                table.column reads a column of another table for each row: enrollments has
                teacher_id, teachers has one row per teacher_id, so teachers.district is the
                district of the enrollment's teacher. The link is found by the shared column
                name when it is a key of the other table holding most of this table's values,
                or declared with link (also of several columns: link a.(x, y) to b.(x, y)). `x in (table where cond)` tests whether the other
                table has a matching row; `not in` is the opposite.
                """,
              examples: [
                Example("count enrollments by teachers.district", "enrollments per district of the teacher"),
                Example("link enrollments.teacher_id to teachers.teacher_id", "declare the link explicitly"),
                Example("count teachers where in_service and teacher_id in (enrollments where paid)",
                        "teachers in service with a paid enrollment"),
                Example("count teachers where teacher_id not in (posts)", "teachers who never posted"),
                Example("explain count enrollments by teachers.district", "how Tally reads a query: its steps and links"),
                Example("count teachers where teacher_id in (logins.teacher_id where client = \"App\")", "a named column"),
              ]),
        Topic(name: "explain", aliases: ["plan", "steps"], title: "explain — how Tally reads a query, without running it",
              text: """
                `explain QUERY` prints what Tally made of a query: its steps in order (scan,
                filter, lookups with the links they go through, group, having, aggregates,
                bucket or pct, total, sort, top) and its output columns with their types.
                Nothing is computed, so it is quick on any table.
                """,
              examples: [
                Example("explain count enrollments where paid by teachers.district having count > 1 sort count desc",
                        "the steps, the link to teachers, the columns"),
                Example("explain passrate courses bucket 90, 80, 70, 60", "a named measure, as it is computed"),
              ]),
        Topic(name: "load", aliases: ["loading", "files", "csv", "exports", "describe", "summary", "xlsx", "excel", "gbk", "gb18030", "options"]
                + LoadOptions.names,
              title: "load — read exports: CSV, Excel sheets, GBK; summary",
              text: """
                `load "FOLDER"` reads every .csv, .tsv, .txt and .xlsx file of a folder, one
                table each, named after the file; `load NAME from "FILE"` reads one file. Paths
                are relative to the current folder (to the script in a script). A folder's
                load runs its startup.tally. TAB completes paths inside quotes.

                Text files may be UTF-8, UTF-16 or GBK/GB18030 (what Excel saves on Chinese
                Windows): the encoding is detected. A workbook's first sheet that holds a table
                is read; the loaded line names it and the other sheets.

                Options, after `with`, separated by commas:
                  sheet "课程"             the workbook's sheet to read
                  encoding "gbk"           or "gb18030", "utf-8", "utf-16le", "utf-16be"
                  delimiter "tab"          or ",", ";", "|" (detected otherwise)
                  header 3, header (3, 4)  the header's line (or two joined)
                  nulls ("-", "无")        the texts that mean nothing
                  types (id = string)      a column's type instead of the inferred one
                  rename (人数 = n)        new column names
                  skip_totals true         leave out 合计/小计/总计 rows
                  skip_bad_rows true       skip bad rows instead of failing (counted)
                  startup false            a folder load: not its startup.tally

                `summary TABLE` is a first look at a table's columns; `describe load TABLE`
                writes the load statement that reads its file the same way again.
                """,
              examples: [
                Example("summary teachers", "each column: type, nulls, distinct values, range"),
                Example("describe load teachers", "the load, every decision written out"),
                Example("load \"exports/2002\"", "a folder of exports", runnable: false),
                Example("load roster from \"exports/2002/teachers.csv\"", "one file, named roster", runnable: false),
                Example("load courses from \"课程统计.xlsx\" with sheet \"课程\", skip_totals true",
                        "one sheet of a workbook, without its total row", runnable: false),
                Example("load t from \"导出.csv\" with encoding \"gbk\", rename (选课人数 = enrolled)",
                        "a GBK file, a column renamed", runnable: false),
                Example("load \"exports/2002/logins.csv\" with delimiter \"tab\", skip_bad_rows true",
                        "tab-separated, bad rows skipped", runnable: false),
              ]),
        Topic(name: "scripts", aliases: ["script", "run", "save", "let", "set", "print", "check", "warn", "include"],
              title: "scripts — save and replay work",
              text: """
                A script is statements in a file, run with .run FILE here or `tally run FILE` in
                a shell. .save FILE writes the statements that succeeded in this session (loads,
                measures, queries, in order) so `tally run FILE` replays them. In scripts:
                set (a parameter, overridden by --set), let (store a value), print (text with
                {values}), check / warn (assert a figure), include (another script), export
                (.help export).
                """,
              examples: [
                Example("set data = \"exports/2002\"", "a parameter: tally run r.tally --set data=…"),
                Example("let F1 = count enrollments where project = \"市常规远程培训\"", "store a figure"),
                Example("print \"市常规远程培训 {F1} 人次\"", "text with a value"),
                Example("check F1 > 0", "fails the run (exit status 3) when false"),
                Example("include \"measures.tally\"", "run another script", runnable: false),
                Example("export count enrollments by project to \"out/by-project.csv\"", "write a result to a file", runnable: false),
              ]),
        Topic(name: "export", aliases: ["excel", "xlsx", "workbook", "sheet", "bom"], title: "export — results to files and to Excel",
              text: """
                export QUERY to "FILE" writes the result by the file's extension: .csv, .json,
                .md, .txt, or .xlsx — an Excel workbook: numbers as numbers, dates as dates,
                pct shares as percentages (0.00%), a bold header and total row, fitted widths.
                Without sheet it is a new workbook (sheet Sheet1) in place of the file;
                sheet "名称" adds that sheet to an existing workbook, or replaces the sheet of
                that name, and keeps the others. with bom starts a .csv with a byte-order mark,
                so Excel on Windows reads its Chinese text right. Folders are made as needed;
                a failed write leaves the old file as it was. At the prompt, .once FILE sends
                the next result to FILE instead of the screen, and .export FILE writes the
                last result shown without running it again. A query with chart is written to
                .svg (a picture) or .txt (the text chart): .help chart.
                """,
              examples: [
                Example("export count enrollments by project pct total \"合计\" to \"out/report.xlsx\"", "a new workbook", runnable: false),
                Example("export count teachers by district to \"out/report.xlsx\" sheet \"区县\"", "one more sheet in it", runnable: false),
                Example("export list courses where enrolled = 0 to \"out/unused.csv\" with bom", "a .csv for Excel", runnable: false),
              ]),
        Topic(name: "formats", aliases: ["format", "output", "json", "markdown"], title: "formats — how results are shown",
              text: """
                .format table (aligned, the default), csv, json or markdown; `tally --format csv`
                does the same in batch mode. At the prompt, tables are fitted to the terminal:
                long cells are cut with …, results too wide even then are shown one column per
                line, and at most .rows N rows are shown (.rows all shows everything).
                Decimals show 2 places (.decimals N), 2 significant digits below 0.01 (0.00033),
                and round(x, n) n places; .thousands on writes 225,319, .percent on 55.48%.
                CSV and JSON carry every digit; JSON is one line per result (JSON Lines).
                `export QUERY to "file.csv"` writes .csv, .json, .md, .txt or .xlsx by extension
                (a query with chart: .svg or .txt; .help export).
                """,
              examples: [
                Example("count enrollments by project", "then .format csv and run it again"),
                Example("describe teachers", "columns with type, nulls and distinct values"),
              ]),
        Topic(name: "functions", aliases: ["function", "dates", "date", "text", "like", "round"], title: "functions — dates, text, rounding",
              text: """
                year month day week weekday hour   parts of a date or time (weekday 1 = Monday)
                date(t)                    a timestamp's day, or text read as a date
                date_diff(part, a, b)      part boundaries from a to b: "day", "hour", "week",
                                           "month", "quarter", "year", "minute", "second"
                date_trunc(part, t)        first day of its "year" "quarter" "month" "week" "day"
                format_date(t, format)     %Y %m %d %H %M %S, %-m %-d unpadded, %j %u %V %G %%
                t + 7, t - 7, b - a        days later, earlier; days from a to b
                length(s) upper(s) lower(s) trim(s)   characters are code points
                contains(s, t) starts_with(s, t) ends_with(s, t) replace(s, from, to)
                substring(s, start [, length])        from 1; a negative start counts from the end
                concat(a, b, …)            side by side as text, nulls skipped
                s like "王%"                % any run, _ one character, \\% a literal %
                round(x [, digits])  abs(x)  coalesce(x, y, …)  if(cond, a, b)
                Division by zero gives null, not an error. A text meets a date in any form a
                load reads: login_at >= "2020年11月1日".
                """,
              examples: [
                Example("count logins by weekday(login_at)", "1 = Monday … 7 = Sunday"),
                Example("count logins by format_date(login_at, \"%Y年%-m月\") as 月份", "logins per month, as a report writes it"),
                Example("count enrollments by date_trunc(\"week\", enrolled_at) as 周", "enrollments per week (weeks start on Monday)"),
                Example("count logins where date_diff(\"day\", \"2020/11/01\", login_at) between 0 and 6",
                        "logins in the week from 2020-11-01 (a date written in any form)"),
                Example("count teachers where name like \"王%\" and not contains(school, \"小学\")", "a surname, and not a primary school"),
                Example("count teachers by substring(school, 1, 3) sort count desc top 5", "the first three characters of a name"),
                Example("round(avg(hours_earned), 1) enrollments by project", "rounded"),
            ]),
    ]

    public static func topic(named name: String) -> Topic? {
        let n = name.lowercased().trimmingCharacters(in: .whitespaces)
        return topics.first { $0.name == n || $0.aliases.contains(n) }
    }

    /// Every example of the help, for tests.
    public static var allExamples: [Example] { firstExamples + topics.flatMap(\.examples) }

    // MARK: Text

    /// The page `.help` shows: how to ask a first question, the topics and the commands,
    /// wrapped to `width` display cells.
    public static func overview(width: Int = 80) -> String {
        var out = wrap("""
            A question names what to count, then the table: MEASURES TABLE [where …] [by …]
            Type or paste one of these lines:
            """, width: width) + "\n\n"
        out += wrap(examples(firstExamples), width: width, keepingCode: true)
        out += wrap(reflowed("""

            .tables lists the tables, .schema TABLE their columns; TAB completes names.
            A statement that is not finished continues on the next line (the ...> prompt);
            pasted lines run as a script would (a line starting with where, by, … continues).

            """) + """
            Topics — .help TOPIC shows examples:
            \(topicList())
            \(commandList())
            Keys: TAB completes · Up/Down recall earlier statements · Ctrl-D leaves
                  Ctrl-C clears the line, or cancels a running load or query

            """, width: width)
        return out
    }

    /// One line per topic: its name and what its title says it covers.
    static func topicList() -> String {
        let width = topics.map { $0.name.count }.max() ?? 0
        return topics.map { t in
            let about = t.title.range(of: " — ").map { String(t.title[$0.upperBound...]) } ?? t.title
            return "  " + t.name + String(repeating: " ", count: width - t.name.count + 2) + about + "\n"
        }.joined()
    }

    public static func commandList() -> String {
        var out = "Commands:\n"
        let width = commands.map { $0.usage.count }.max() ?? 0
        for c in commands {
            out += "  " + c.usage + String(repeating: " ", count: width - c.usage.count + 2) + c.summary + "\n"
        }
        return out
    }

    /// A topic's page; its text (not the examples' code) wrapped to `width` display cells.
    public static func text(of topic: Topic, width: Int = 80) -> String {
        var out = wrap(topic.title + "\n\n" + reflowed(topic.text), width: width) + "\n\nExamples:\n"
        out += wrap(examples(topic.examples), width: width, keepingCode: true)
        if let output = topic.output, let first = topic.examples.first {
            let lastLine = first.code.split(separator: "\n").last.map(String.init) ?? first.code
            out += "\n" + wrap("`\(lastLine)` on the sample exports gives:", width: width) + "\n\n"
            out += output.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
        }
        return out
    }

    /// Examples as runnable lines, each under a comment saying what it answers.
    static func examples(_ list: [Example]) -> String {
        var out = ""
        for e in list {
            out += "  -- " + e.comment + "\n"
            for line in e.code.split(separator: "\n") { out += "  " + line + "\n" }
        }
        return out
    }

    // MARK: Wrapping

    /// Prose paragraphs (lines that start at the margin and hold no run of two spaces, as
    /// tables do) joined into one line each, for `wrap` to break at the width there is.
    static func reflowed(_ text: String) -> String {
        var out: [String] = []
        var joining = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let prose = !line.isEmpty && !line.hasPrefix(" ") && !line.contains("  ")
            if prose && joining { out[out.count - 1] += " " + line } else { out.append(line) }
            joining = prose
        }
        return out.joined(separator: "\n")
    }

    /// Lines wider than `width` display cells broken at spaces (the spacing inside what stays on
    /// a line is kept). A continuation is indented to the line's second column (after its first
    /// run of two spaces) when that leaves room, else like the line; a `--` comment goes on as a
    /// comment. With `keepingCode`, lines other than comments (examples to copy) are left whole.
    static func wrap(_ text: String, width: Int, keepingCode: Bool = false) -> String {
        let width = max(20, width)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let line = String(line)
            let indent = line.prefix { $0 == " " }.count
            let isComment = line.dropFirst(indent).hasPrefix("-- ")
            guard DisplayWidth.of(line) > width, isComment || !keepingCode else { return line }
            var hang = String(repeating: " ", count: indent) + (isComment ? "-- " : "")
            if !isComment, let gap = line.dropFirst(indent).range(of: "  ") {
                let column = DisplayWidth.of(String(line[..<gap.lowerBound])) + line[gap.lowerBound...].prefix { $0 == " " }.count
                if column <= width - 20 { hang = String(repeating: " ", count: column) }
            }
            var lines: [String] = []
            var rest = Substring(line), prefix = ""
            while DisplayWidth.of(prefix + rest) > width {
                // The last space that leaves the part before it within the width, past the indentation.
                let content = rest.firstIndex { $0 != " " } ?? rest.endIndex
                let spaces = rest[content...].indices.filter { rest[$0] == " " }
                guard let cut = spaces.last(where: { DisplayWidth.of(prefix + rest[..<$0]) <= width }) ?? spaces.first else { break }
                var head = String(rest[..<cut])
                while head.hasSuffix(" ") { head.removeLast() }
                lines.append(prefix + head)
                rest = rest[cut...].drop { $0 == " " }
                prefix = hang
            }
            lines.append(prefix + rest)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

#if canImport(Foundation)
import Foundation
#endif
