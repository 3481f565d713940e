// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tally",
    products: [
        .executable(name: "tally", targets: ["TallyCLI"]),
        .library(name: "TallyCore", targets: ["TallyCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The whole engine: syntax, semantics, storage, import, execution, output. No terminal I/O.
        .target(name: "TallyCore", dependencies: ["ZIPFoundation", "CMemory"], path: "Sources/TallyCore"),
        // The sample exports (`tally sample`): a deterministic generator of one period's exports.
        .target(name: "TallySample", path: "Sources/TallySample"),
        // What Swift does not expose: a cache prefetch hint (hash tables), malloc's settings and trim.
        .target(name: "CMemory", path: "Sources/CMemory"),
        // libedit, reached only through TallyCLI/LineEditor.swift.
        .systemLibrary(name: "CLibEdit", path: "Sources/CLibEdit", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        // The `tally` command: argument parsing, REPL, batch mode.
        .executableTarget(
            name: "TallyCLI",
            dependencies: [
                "TallyCore", "TallySample", "CLibEdit", "CMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/TallyCLI"),
        .testTarget(name: "TallyCoreTests", dependencies: ["TallyCore", "TallySample"], path: "Tests/TallyCoreTests",
                    resources: [.copy("Golden"), .copy("Golden-sql"), .copy("Fixtures")]),
        .testTarget(name: "TallyCLITests", dependencies: ["TallyCLI", "TallyCore", "TallySample"], path: "Tests/TallyCLITests",
                    exclude: ["Golden"]),   // read from the repository by path
    ]
)
