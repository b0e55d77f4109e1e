import Foundation

/// Where a browser may be sent back to: paths on this site only.
public enum LocalPath {
    /// `path` when it is a path on this site, otherwise `/published`. Browsers drop tabs and line
    /// breaks inside an address and read a backslash as `/`, so `/%09/evil.example` would become
    /// `//evil.example`: anything of the kind, percent-encoded once or twice, is refused.
    public static func safe(_ path: String) -> String {
        var candidate = path
        for _ in 0..<3 {
            guard candidate.hasPrefix("/"), !candidate.hasPrefix("//"),
                !candidate.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" })
            else { return "/published" }
            guard let decoded = candidate.removingPercentEncoding, decoded != candidate else { return path }
            candidate = decoded
        }
        return "/published"
    }
}
