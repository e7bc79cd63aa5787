import Foundation

/// A raw control character where a config file's syntax forbids one. JSON allows none but tab,
/// line feed and carriage return (and those only between tokens); TOML allows tab and line feed,
/// a carriage return only before a line feed, and no DEL. Looking before parsing gives a message
/// with the line and column — the parsers say only "not valid JSON", and TOMLKit, which reads a C
/// string, silently stops at a NUL and loads half the file.
public struct ForbiddenControlCharacter: Equatable, Sendable, CustomStringConvertible {
    public enum Syntax: String, Sendable {
        case json = "JSON"
        case toml = "TOML"
    }

    /// 1-based line and column (columns count characters, not bytes).
    public let line: Int
    public let column: Int
    public let byte: UInt8
    public let syntax: Syntax

    /// The first forbidden control character in `bytes`, or nil when there is none.
    public static func first<Bytes: Collection>(in bytes: Bytes, syntax: Syntax) -> ForbiddenControlCharacter?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var line = 1, column = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 { column += 1 }  // UTF-8 continuation bytes belong to the character before
            switch byte {
            case 0x0A:
                line += 1
                column = 0
            case 0x09:
                break
            case 0x0D:
                let next = bytes.index(after: index)
                if syntax == .toml, next == bytes.endIndex || bytes[next] != 0x0A {
                    return ForbiddenControlCharacter(line: line, column: column, byte: byte, syntax: syntax)
                }
            case 0x00..<0x20:
                return ForbiddenControlCharacter(line: line, column: column, byte: byte, syntax: syntax)
            case 0x7F where syntax == .toml:
                return ForbiddenControlCharacter(line: line, column: column, byte: byte, syntax: syntax)
            default:
                break
            }
            index = bytes.index(after: index)
        }
        return nil
    }

    /// `U+0000 (NUL)`.
    public var name: String {
        let names = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
                     "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"]
        let short = byte == 0x7F ? "DEL" : names[Int(byte)]
        return String(format: "U+%04X", byte) + " (\(short))"
    }

    /// The reason, without the position: for messages that give line and column their own way.
    public var reason: String {
        let fix = byte == 0x0D ? "save the file with LF or CRLF line ends" : "remove it"
        return "control character \(name) is not allowed in \(syntax.rawValue); \(fix)"
    }

    /// `line 3, column 7: control character U+0000 (NUL) is not allowed in JSON; …`
    public var description: String { "line \(line), column \(column): \(reason)" }
}
