import ArgumentParser
import DiTEngine
import Foundation
import StudioCore

/// `dit-studio`: the root command. Thin: each subcommand lives in its own file.
@main
struct DiTStudio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dit-studio",
        abstract: "A terminal studio for diffusion-transformer image generation.",
        version: "dit-studio \(DiTEngineInfo.version)",
        subcommands: [StudioCommand.self, InfoCommand.self, GenerateCommand.self, EditCommand.self, RunCommand.self, SessionsCommand.self,
                      EvaluateCommand.self, EvaluateRegionsCommand.self, EvaluateEditsCommand.self, VitalLayersCommand.self,
                      BenchCommand.self, StudioBenchCommand.self, PresetsCommand.self, ThemesCommand.self],
        defaultSubcommand: StudioCommand.self
    )

    /// Like ArgumentParser's own entry point, with this tool's exit statuses (`ExitStatus`): 2 for
    /// a command-line mistake (not 64) or bad input, 1 for another failure, 0 for help and
    /// version. Command-line mistakes are followed by the command's usage; errors about files,
    /// configs and images are one line naming the file (or chunk) and key, without usage. Every
    /// message goes out through `Console`, so text from files cannot drive the terminal.
    static func main() {
        // OpenBLAS's kernel choice may re-initialise the library through the environment: do it here,
        // on the main thread before any other thread exists, rather than at the first model load.
        StartupTimings.start()
        BLAS.selectKernelsForThisCPU()
        // One BLAS thread per free core unless told otherwise (BLASThreadPolicy says why);
        // a command's --threads sets its own afterwards.
        if let threads = BLASThreadPolicy.threads(environment: ProcessInfo.processInfo.environment,
                                                  cores: ProcessInfo.processInfo.activeProcessorCount,
                                                  load: .current()) {
            BLAS.setThreads(threads)
        }
        ProcessSignals.installAtStartUp()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
            StartupTimings.mark("arguments parsed (\(BLAS.threads) BLAS thread(s))")
        } catch {
            // Parsing and validate(): help, version, or a command-line mistake.
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.writeTrusted(message + "\n") }
                Foundation.exit(ExitStatus.success)
            }
            if !message.isEmpty { Console.errorBlock(message + "\n") }
            Foundation.exit(code == .validationFailure ? ExitStatus.badInput : code.rawValue)
        }
        do {
            try command.run()
        } catch {
            // `--help` and `help` parse into ArgumentParser's own help command, which throws its text.
            if exitCode(for: error) == .success {
                let message = fullMessage(for: error)
                if !message.isEmpty { Console.writeTrusted(message + "\n") }
                Foundation.exit(ExitStatus.success)
            }
            report(error, from: type(of: command))
            Foundation.exit(ExitStatus.code(for: error))
        }
        Foundation.exit(ExitStatus.success)
    }

    /// The message for an error `run()` threw: a flag mistake with its command's usage, anything
    /// else on one line.
    private static func report(_ error: Error, from command: ParsableCommand.Type) {
        switch error {
        case is ExitCode:
            return  // the command has said what went wrong
        case let error as ValidationError:
            let usage = usageString(for: command)
            let name = command.configuration.commandName.map { "dit-studio \($0)" } ?? "dit-studio"
            Console.error("Error: \(error.message)")
            Console.errorBlock("Usage: \(usage)\n  See '\(name) --help' for more information.\n")
        default:
            Console.error("Error: \(error)")
        }
    }
}
