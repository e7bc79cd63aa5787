// The libFuzzer driver: `dit-fuzz TARGET [libFuzzer options and corpus folders]`.
//
// Built only by `make fuzz` (the package declares this target when DIT_STUDIO_FUZZ=1), with
// AddressSanitizer, coverage instrumentation and libFuzzer's no-main runtime linked in; a normal
// `swift build` never sees it, since LLVMFuzzerRunDriver exists only in that runtime.
import Foundation
import FuzzHarnesses

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

let usage = "usage: dit-fuzz TARGET [libFuzzer options] [corpus folders]\n"
    + "targets:\n" + FuzzTarget.all.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n")

let arguments = CommandLine.arguments
guard arguments.count >= 2, arguments[1] != "--list", arguments[1] != "--help" else {
    print(usage)
    exit(arguments.count >= 2 ? 0 : 2)
}
guard let selected = FuzzTarget.named(arguments[1]) else {
    FileHandle.standardError.write(Data("dit-fuzz: no target called '\(arguments[1])'\n\(usage)\n".utf8))
    exit(2)
}
let target = selected

// libFuzzer sees the program name, the target's own options, then everything after its name.
var argv: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + target.fuzzerOptions + arguments.dropFirst(2))
    .map { strdup($0) } + [nil]
var argc = CInt(argv.count - 1)
let status = argv.withUnsafeMutableBufferPointer { buffer -> CInt in
    var pointer = buffer.baseAddress!
    return LLVMFuzzerRunDriver(&argc, &pointer) { data, size in
        _ = target.run(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}
exit(status)
