// swift-tools-version: 6.0
// DiT Studio — a terminal studio for diffusion-transformer image generation.
// Layers (see README / DESIGN): DiTStudioCLI → StudioTUI → StudioCore → DiTEngine → C libraries.
import PackageDescription

let package = Package(
    name: "DiTStudio",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dit-studio", targets: ["DiTStudioCLI"]),
        .library(name: "DiTEngine", targets: ["DiTEngine"]),
        .library(name: "StudioCore", targets: ["StudioCore"]),
        .library(name: "StudioTUI", targets: ["StudioTUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries: a module map each, found through pkg-config, installed by `make deps`.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(name: "CNCurses", pkgConfig: "ncursesw",
                       providers: [.apt(["libncursesw5-dev"]), .brew(["ncurses"])]),
        // Tiny C shims for what Swift cannot do itself: libpng's setjmp error path and the stop-signal
        // handler (curses macros will get a shim target of their own with the TUI, so StudioCore
        // never links curses).
        .target(name: "CShims", dependencies: ["CPNG"]),

        // The hottest elementwise kernels (GELU, softmax, F16 widening) compiled per x86 vector
        // width and chosen at run time: Swift can build only one instruction set per module.
        .target(name: "CVectorKernels"),
        .target(name: "DiTEngine", dependencies: ["CBLAS", "CVectorKernels"]),
        .target(name: "StudioCore", dependencies: ["DiTEngine", "CShims",
                                                   .product(name: "TOMLKit", package: "TOMLKit")]),
        // Curses macros and variadics (COLOR_PAIR, getmaxyx, setcchar…) for the TUI's terminal adapter only.
        .target(name: "CCursesShims", dependencies: ["CNCurses"]),
        .target(name: "StudioTUI", dependencies: ["StudioCore", "CCursesShims"]),
        // The embedded model's world: captions, scenes and the adherence detector (evaluation and tests).
        .target(name: "ShapesWorld", dependencies: ["DiTEngine"]),
        // Every parser of outside input behind one bytes-in function each, for fuzzing (Fuzz/README.md).
        .target(name: "FuzzHarnesses", dependencies: ["DiTEngine", "StudioCore"]),
        .executableTarget(name: "DiTStudioCLI", dependencies: [
            "DiTEngine", "StudioCore", "StudioTUI", "ShapesWorld", "CShims",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "DiTEngineTests", dependencies: ["DiTEngine"]),
        .testTarget(name: "StudioCoreTests", dependencies: ["StudioCore", "DiTEngine"]),
        .testTarget(name: "StudioTUITests", dependencies: ["StudioTUI", "StudioCore"]),
        // Runs the built `dit-studio` binary (exit codes, output), so it depends on the executable.
        .testTarget(name: "DiTStudioCLITests", dependencies: ["DiTStudioCLI", "StudioCore", "ShapesWorld"]),
        // Runs the committed seed corpus (Fuzz/Corpus) through every harness.
        .testTarget(name: "FuzzHarnessesTests", dependencies: ["FuzzHarnesses"]),
        .testTarget(name: "ShapesWorldTests", dependencies: ["ShapesWorld", "StudioCore", "DiTEngine"]),
        // The shipped model end to end: parity with PyTorch and an adherence floor.
        .testTarget(name: "ModelQualityTests", dependencies: ["DiTEngine", "ShapesWorld", "StudioCore"]),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer driver links only against libFuzzer's runtime, which `make fuzz` adds with the
// sanitizer flags; so the target exists only when `make fuzz` asks for it.
if Context.environment["DIT_STUDIO_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "DiTFuzz", dependencies: ["FuzzHarnesses"], path: "Fuzz/Driver"))
    package.products.append(.executable(name: "dit-fuzz", targets: ["DiTFuzz"]))
}
