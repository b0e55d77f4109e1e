import Foundation

/// Fields of the CSV files Pacta writes (RFC 4180), safe to open in a spreadsheet.
public enum CSVField {
    /// Bytes that make a spreadsheet read a cell as a formula (OWASP's CSV injection list):
    /// `=`, `+`, `-`, `@`, tab and carriage return.
    static let formulaStarts: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]

    /// `text` as one field: a cell that a spreadsheet would run as a formula gets a leading `'`,
    /// and a field with a separator, a quote or a line break is quoted.
    public static func escape(_ text: String) -> String {
        // Bytes, not Characters: "\r\n" is one Character and would hide a leading CR.
        let value = text.utf8.first.map(Self.formulaStarts.contains) == true ? "'" + text : text
        guard value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
