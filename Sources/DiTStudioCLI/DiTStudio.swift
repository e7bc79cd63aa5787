import ArgumentParser
import DiTEngine
import Foundation

/// `dit-studio`: the root command. Thin: each subcommand lives in its own file.
@main
struct DiTStudio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dit-studio",
        abstract: "A terminal studio for diffusion-transformer image generation.",
        version: "dit-studio \(DiTEngineInfo.version)",
        subcommands: [InfoCommand.self, GenerateCommand.self, EditCommand.self, RunCommand.self, SessionsCommand.self,
                      EvaluateCommand.self, EvaluateRegionsCommand.self, VitalLayersCommand.self, BenchCommand.self,
                      PresetsCommand.self, ThemesCommand.self]
    )

    /// Like ArgumentParser's own entry point, except that bad arguments exit with status 2 (the
    /// Unix convention) instead of 64; other failures exit with 1, help and version with 0.
    static func main() {
        // OpenBLAS's kernel choice may re-initialise the library through the environment: do it here,
        // on the main thread before any other thread exists, rather than at the first model load.
        BLAS.selectKernelsForThisCPU()
        ProcessSignals.installAtStartUp()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if case CLIError.badInput(let message) = error {
                FileHandle.standardError.write(Data("error: \(message)\n".utf8))
                Foundation.exit(2)
            }
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
