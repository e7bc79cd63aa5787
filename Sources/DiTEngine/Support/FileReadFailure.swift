import Foundation

/// The reason a file could not be read, as the operating system says it ("No such file or
/// directory", "Is a directory", "Permission denied"), for messages that already name the file.
/// Foundation's own descriptions repeat the file's name or say nothing useful ("The operation
/// could not be completed").
public enum FileReadFailure {
    public static func reason(_ error: Error) -> String {
        var current = error as NSError
        // The POSIX error sits under Foundation's file error.
        // (On Linux the underlying error casts to `Error`, not directly to `NSError`.)
        while current.domain != NSPOSIXErrorDomain, let underlying = current.userInfo[NSUnderlyingErrorKey] as? Error {
            current = underlying as NSError
        }
        if current.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(current.code)))
        }
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        return error.localizedDescription
    }
}
