/// What a parser made of one input.
public enum FuzzOutcome: Equatable, Sendable {
    case accepted
    /// The parser refused the input with this message.
    case rejected(String)
}
