/// One parser of outside input, wrapped so that any bytes can be fed to it: the libFuzzer driver
/// (`make fuzz`) feeds it mutated bytes, and the unit tests feed it the committed seed corpus.
///
/// A harness must never crash, hang or leak on any input. Refusing the input (a thrown error) is
/// fine and becomes `.rejected`; anything a harness checks beyond that is a `precondition`, so a
/// broken invariant is a crash the fuzzer reports.
///
/// Adding a target: a file with `static let name = FuzzTarget(...)` in an extension, its entry in
/// `all`, and a seed folder `Fuzz/Corpus/<name>/`.
public struct FuzzTarget: Sendable {
    /// The target's name on the command line and its seed folder's name.
    public let name: String
    /// What it feeds the input to, for `dit-fuzz --list`.
    public let summary: String
    /// libFuzzer options the driver puts before the command line's own (which win).
    public let fuzzerOptions: [String]
    private let body: @Sendable (UnsafeRawBufferPointer) throws -> Void

    public init(name: String, summary: String, fuzzerOptions: [String] = [],
                body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void) {
        self.name = name
        self.summary = summary
        self.fuzzerOptions = fuzzerOptions
        self.body = body
    }

    /// For targets that parse TOML. TOMLKit leaks every document it parses (its tables are never
    /// freed; Fuzz/leak-suppressions.txt ignores that), so libFuzzer would run a whole-heap leak
    /// check after every input, about 40 times slower; `make fuzz` checks for leaks when it replays
    /// the corpus afterwards instead.
    static let leakCheckOnReplay = ["-detect_leaks=0"]

    /// Runs the parser on `input`: `.accepted` when it read it, `.rejected` with the message when it
    /// refused it.
    public func run(_ input: UnsafeRawBufferPointer) -> FuzzOutcome {
        do {
            try body(input)
            return .accepted
        } catch {
            // Rendering the message runs the error's description code, which must not crash either.
            return .rejected(String(describing: error))
        }
    }

    public func run(_ input: [UInt8]) -> FuzzOutcome {
        input.withUnsafeBytes { run($0) }
    }

    /// Hands a result to code the optimiser cannot see through. A harness passes what it computes
    /// here instead of writing `_ = value`: in release builds an unused product was dropped together
    /// with its overflow check, which hid a crash from the fuzzer.
    @inline(never) @_optimize(none)
    public static func consume<Value>(_ value: Value) {}

    /// Every target, in the order `make fuzz` runs them.
    public static let all: [FuzzTarget] = [
        .safetensors, .png, .a1111Parameters, .studioMetadata, .preset, .theme, .modelConfig, .tokenizer,
    ]

    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
