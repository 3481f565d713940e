// swift-tools-version:6.0
import PackageDescription

// The libFuzzer targets, kept out of the plain `swift build` (their own `main` would clash
// with the test runner's). Built by `make fuzz` with the sanitizers:
//   swift build -c release --package-path Fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address
let package = Package(
    name: "TallyFuzz",
    dependencies: [.package(name: "Tally", path: "..")],
    targets: [
        .executableTarget(
            name: "tally-fuzz",
            dependencies: [.product(name: "TallyCore", package: "Tally")],
            path: "Sources/TallyFuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
