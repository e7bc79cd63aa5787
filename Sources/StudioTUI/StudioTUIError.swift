import DiTEngine

/// What can stop the studio from starting or keep it from doing something asked.
public enum StudioTUIError: Error, CustomStringConvertible, Equatable {
    /// Standard input or output is not a terminal, or curses cannot use it.
    case noTerminal
    /// A file chosen in the studio cannot be used (the message names it and says what to do).
    case badFile(String)

    public var description: String {
        switch self {
        case let .badFile(message):
            return message
        case .noTerminal:
            return "the studio needs a terminal (standard input and output a TTY with a known TERM); for scripts use `dit-studio generate` or `dit-studio run`"
        }
    }
}

extension StudioTUIError: CategorizedError {
    /// No terminal is a matter of how the program was started: bad input (exit status 2).
    public var category: ErrorCategory { .badInput }
}
