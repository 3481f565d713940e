import ArgumentParser
import CMemory
import Foundation
import TallyCore

@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Counts, rates and banded distributions over a training period's exports.",
        discussion: """
            Examples:
              tally exports/2002              open a folder of exports and ask questions
              tally -c 'load "exports/2002"; count enrollments by project pct'
              tally run report.tally --set data=exports/2002 --format markdown
              echo 'count teachers by district' | tally exports/2002

            At the prompt (tally on a terminal, without -c):
              tally> count teachers by district     ask a question
              tally> .help                          how to ask; then .help bucket, …
              tally> .tables                        the tables; .schema TABLE: columns
              tally> .save today.tally              what worked, as a script to run
              TAB completes names and paths · Up recalls earlier statements
              Ctrl-C cancels a running statement · Ctrl-D leaves

            Exit status: 0 success; 1 a statement failed; 3 a check failed; 64 a usage error.
            """,
        version: TallyVersion.string,
        subcommands: [Open.self, Run.self, SQL.self, Convert.self, Sample.self, Demo.self],
        defaultSubcommand: Open.self)

    static func main() {
        tally_use_mapped_allocations()
        main(nil)
    }
}

enum TallyVersion {
    static let string = "0.1.0"
}

/// Options shared by every way of running statements.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a script parameter, as in --set data=exports/2002.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .long, help: "Output format: table, csv, json or markdown.")
    var format: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Run the queries on another engine: duckdb or spark (installed by `make engines`).", valueName: "engine"))
    var engine: SQLDialect?

    @Option(name: .customLong("engine-url"), help: ArgumentHelp("With --engine spark: a standalone master (spark://HOST:PORT) or a Spark Connect server (sc://HOST:PORT) instead of Spark in this process.", valueName: "url"))
    var engineURL: String?

    @Flag(name: .customLong("engine-copy"), help: "With --engine: load the exports into Tally as always and hand the engine each table as clean CSV (for exports that fit in memory; else the engine reads each export itself).")
    var engineCopy = false
}

extension OutputFormat: ExpressibleByArgument {}
extension SQLDialect: ExpressibleByArgument {}

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open exports (files or folders) at the prompt, or run statements from -c or a pipe.")

    @Argument(help: "Export files or folders to load first.")
    var paths: [String] = []

    @Option(name: .customShort("c"), help: "Run these statements and exit.")
    var command: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        Terminal.ignoreBrokenPipe()
        // stdin a terminal and no -c: the interactive prompt (REPL.swift). Piped stdin never
        // touches libedit: it is read whole and run like -c.
        if command == nil, let repl = try REPL(common: common) {
            throw ExitCode(repl.run(loading: paths))
        }
        let driver = try Driver.started(options: common)
        var outcome = driver.open(paths, stopAtError: true)
        if outcome.errors == 0 {
            outcome.add(command.map { driver.run(SourceFile(name: "<command>", text: $0)) } ?? driver.runStandardInput())
        }
        driver.session.engine?.close()
        throw ExitCode(Terminal.exitCode(outcome))
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run query scripts in batch mode.",
        discussion: """
            Example:
              tally run Examples/period-report.tally --set data=exports/2002
            """)

    @Argument(help: "Scripts to run, in order.")
    var scripts: [String]

    @OptionGroup var common: CommonOptions

    func run() throws {
        Terminal.ignoreBrokenPipe()
        let driver = try Driver.started(options: common)
        let outcome = driver.runFiles(scripts)
        driver.session.engine?.close()   // its process ends and its files go
        throw ExitCode(Terminal.exitCode(outcome))
    }
}

struct SQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print the SQL that computes each query of the scripts, for DuckDB or Spark.",
        discussion: """
            The scripts' loads, measures, links, set and let run as usual, so each query binds
            as in a run; each query (and print or export of one) is then printed as SQL.
            Example:
              tally sql Examples/period-report.tally --dialect spark --set data=exports/2002
            """)

    @Argument(help: "Scripts whose queries to compile, in order.")
    var scripts: [String]

    @Option(name: .long, help: "The SQL dialect: duckdb or spark.")
    var dialect: SQLDialect = .duckdb

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a script parameter, as in --set data=exports/2002.", valueName: "name=value"))
    var parameters: [String] = []

    func run() throws {
        Terminal.ignoreBrokenPipe()
        let driver = try Driver(output: Terminal(), format: .table, parameters: parameters)
        driver.session.sqlDialect = dialect
        // The settings first, as text of its own: a blank line sets it apart from the statements.
        try driver.session.output.show(.text(SQLCompiler(dialect: dialect).preamble.map { $0 + ";" }.joined(separator: "\n")), driver.session.display, poll: {})
        let status = driver.runFiles(scripts)
        driver.session.schemaEngine?.close()
        throw ExitCode(Terminal.exitCode(status))
    }
}

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert exports into clean UTF-8 CSV files that an engine reads exactly, in bounded memory.",
        discussion: """
            Each export (a .csv, .tsv, .txt or .xlsx file, or every export of a folder, whose
            startup.tally is copied too) becomes OUT/NAME.csv: UTF-8, a header line, text quoted,
            null as an empty field, numbers in full precision, ISO dates, true/false. Tally loads
            it to the same table, and `tally run --engine duckdb` reads it itself. Text files are
            read in two passes over parts of 8 MB, so a file larger than memory converts.
            --with takes the options of a load, as written after `with` (see .help load).
            Examples:
              tally convert exports/2023 --out clean/2023
              tally convert logins.csv --out clean --with 'encoding "gbk", skip_bad_rows true'
              tally convert 课程.xlsx --out clean --with 'sheet "课程", nulls ("-", "无")'
            """)

    @Argument(help: "Export files or folders to convert.")
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp("The folder to write the clean files into (created if missing).", valueName: "folder"))
    var out: String

    @Option(name: .customLong("with"), help: ArgumentHelp("Load options, as in a load's `with`: 'encoding \"gbk\", header 3'.", valueName: "options"))
    var options: String?

    func run() throws {
        Terminal.ignoreBrokenPipe()
        let driver = try Driver(output: Terminal(), format: .table, parameters: [])
        throw ExitCode(Terminal.exitCode(driver.session.convert(paths, to: out, options: options)))
    }
}
