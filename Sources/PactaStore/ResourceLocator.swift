import Foundation

/// Finds Pacta's data folders (`sql/`, `templates/`) at run time.
///
/// Looked for, in order: `$PACTA_HOME`, the working directory and its parents, the executable's
/// folder and its parents, and the source tree this binary was built from.
public enum ResourceLocator {
    /// The folder that holds `sql/` and `templates/`.
    public static func home() throws -> URL {
        var candidates: [URL] = []
        if let home = ProcessInfo.processInfo.environment["PACTA_HOME"], !home.isEmpty {
            candidates.append(URL(fileURLWithPath: home))
        }
        candidates += Self.ancestors(of: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        candidates += Self.ancestors(of: URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates += Self.ancestors(of: URL(fileURLWithPath: #filePath).deletingLastPathComponent())
        for candidate in candidates where Self.isHome(candidate) {
            return candidate.standardizedFileURL
        }
        throw DatabaseError.other("Cannot find Pacta's sql/ and templates/ folders; set PACTA_HOME to the folder that holds them.")
    }

    /// The migrations folder for `dialect`.
    public static func migrations(for dialect: SQLDialect) throws -> URL {
        try Self.home().appendingPathComponent("sql").appendingPathComponent(dialect.rawValue)
    }

    private static func isHome(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("sql/sqlite").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
            && FileManager.default.fileExists(atPath: url.appendingPathComponent("templates").path)
    }

    private static func ancestors(of url: URL) -> [URL] {
        var result: [URL] = []
        var current = url.standardizedFileURL
        for _ in 0..<6 {
            result.append(current)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        return result
    }
}
