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
        case .instant(let date): buffer.writeString(Timestamp.format(Interval.seconds(date)))
        case .text(let text): Self.writeEscaped(text, into: &buffer)
        case .blob(let bytes): buffer.writeString("\\\\x" + bytes.map { String(format: "%02x", $0) }.joined())
        }
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
