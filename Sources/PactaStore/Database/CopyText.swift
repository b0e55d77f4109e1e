import Foundation
import NIOCore
import PactaCore

/// PostgreSQL's COPY text format: tab-separated, `\N` for NULL, backslash escapes.
enum CopyText {
    static func write(_ value: DatabaseValue, into buffer: inout ByteBuffer) {
        switch value {
        case .null: buffer.writeStaticString("\\N")
        case .integer(let value): buffer.writeString(String(value))
        case .double(let value): buffer.writeString(String(value))
        case .bool(let value): buffer.writeStaticString(value ? "t" : "f")
        case .instant(let date): Self.writeInstant(Interval.seconds(date), into: &buffer)
        case .text(let text): Self.writeEscaped(text, into: &buffer)
        case .blob(let bytes): buffer.writeString("\\\\x" + bytes.map { String(format: "%02x", $0) }.joined())
        }
    }

    /// `YYYY-MM-DD HH:MM:SS+00`, digit by digit: imports write millions of them.
    private static func writeInstant(_ seconds: Int64, into buffer: inout ByteBuffer) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = Int(seconds - days * 86_400)
        let date = LocalDate(daysSinceEpoch: Int(days))
        guard (1...9999).contains(date.year) else {
            buffer.writeString(Timestamp.format(seconds))
            return
        }
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                buffer.writeInteger(UInt8(48 + value / divisor % 10))
                divisor /= 10
            }
        }
        digits(date.year, 4)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(date.month, 2)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(date.day, 2)
        buffer.writeInteger(UInt8(ascii: " "))
        digits(rest / 3600, 2)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(rest % 3600 / 60, 2)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(rest % 60, 2)
        buffer.writeStaticString("+00")
    }

    private static func writeEscaped(_ text: String, into buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
