import Foundation

/// `load`: a file becomes one table; a folder, one table per export file in it.
public enum Loader {
    public static let extensions: Set<String> = ["csv", "tsv", "txt"]

    public static func load(path: String, name: String?, options: LoadOptions,
                            isCancelled: @Sendable () -> Bool = { false },
                            locate: (Diagnostic) -> Diagnostic = { $0 }) throws -> [Table] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw locate(Diagnostic(.error, "no such file or folder: \(path)"))
        }
        if isDir.boolValue {
            if name != nil { throw locate(Diagnostic(.error, "`load NAME from` needs a file; \(path) is a folder")) }
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".") }
                .sorted()
            if files.isEmpty { throw locate(Diagnostic(.error, "\(path) holds no .csv files")) }
            var tables: [Table] = []
            for f in files {
                if isCancelled() { throw Diagnostic(.error, "cancelled") }
                let full = (path as NSString).appendingPathComponent(f)
                tables.append(try CSVReader.read(path: full, tableName: (f as NSString).deletingPathExtension, options: options.csv, isCancelled: isCancelled))
            }
            return tables
        }
        let tableName = name ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return [try CSVReader.read(path: path, tableName: tableName, options: options.csv, isCancelled: isCancelled)]
    }
}
