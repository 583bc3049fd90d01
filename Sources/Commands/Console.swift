import Foundation

/// Unbuffered writes to standard output, so progress lines from concurrent tasks and whole reports never
/// interleave out of order.
enum Console {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func line(_ text: String) {
        write(text + "\n")
    }
}
