/// Failures of ShapesWorld's file inputs (caption sets), each a one-line message that names the file and
/// what to do. (Caption text has its own `Caption.ParseError`.)
public enum ShapesWorldError: Error, Equatable, CustomStringConvertible {
    case unreadableCaptionSet(path: String, reason: String)
    case invalidCaptionSet(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableCaptionSet(path, reason):
            return "\(path): cannot read the caption set (\(reason)); pass --captions FILE with an evaluation caption set"
        case let .invalidCaptionSet(path, reason):
            return "\(path): not a valid evaluation caption set: \(reason); regenerate it with Training/make_eval_captions.py"
        }
    }
}
