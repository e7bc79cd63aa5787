import Foundation
import StudioCore

/// The one way `dit-studio` writes text. Much of what it shows comes from files — PNG text chunks,
/// safetensors metadata and tensor names, preset and theme names, prompts, file names — and a
/// terminal obeys the control characters in it, so everything passes through `TerminalText` on
/// its way out: standard output keeps line breaks and tabs, standard error gets one line per
/// message. Only `writeTrusted` sends escape sequences, for the ones this program makes itself
/// (theme swatches); the progress bar draws its own.
enum Console {
    /// Text on standard output, sanitised, line breaks and tabs kept.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(TerminalText.block(text).utf8))
    }

    /// One line on standard error (a warning, a note, an error), sanitised: a line break or escape
    /// sequence inside it is shown, not obeyed.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((TerminalText.line(line) + "\n").utf8))
    }

    /// A message that may span lines on standard error (the usage after a command-line mistake).
    static func errorBlock(_ text: String) {
        FileHandle.standardError.write(Data(TerminalText.block(text).utf8))
    }

    /// Text on standard output exactly as given: only for text whose every outside part was
    /// sanitised already and whose escape sequences this program wrote (theme swatches).
    static func writeTrusted(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// `print` in this module goes through `Console.out`, so that no command can show outside text raw
/// by accident: the commands keep calling `print`, and a test checks that nothing else in the
/// module writes to standard output or standard error directly.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Console.out(items.map { String(describing: $0) }.joined(separator: separator) + terminator)
}
