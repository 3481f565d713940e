import TallyCore

/// `tally-fuzz TARGET [libFuzzer options and corpus folders]`: runs libFuzzer on one of
/// `FuzzTargets.all`. libFuzzer's own `main` is not used: SwiftPM links an executable's `main`
/// to `<module>_main`, which is this function (the module is compiled with -parse-as-library,
/// so Swift makes none), and it hands the remaining arguments to `LLVMFuzzerRunDriver`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

nonisolated(unsafe) var target: @Sendable ([UInt8]) -> Void = { _ in }

/// One input for the chosen target (libFuzzer's own `main`, linked in but unused, needs it too).
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    target(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@_cdecl("tally_fuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    let names = FuzzTargets.all.map(\.name)
    guard argc >= 2, let name = argv[1].map({ String(cString: $0) }), let run = FuzzTargets.named(name) else {
        print("usage: tally-fuzz TARGET [libFuzzer options] [corpus folders]; targets: " + names.joined(separator: ", "))
        return 2
    }
    target = run
    // libFuzzer sees the program name, then everything after TARGET.
    argv[1] = argv[0]
    var count = argc - 1
    var rest: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv + 1
    return LLVMFuzzerRunDriver(&count, &rest, testOneInput)
}
