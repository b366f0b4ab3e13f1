//! The `launchcheck` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    launchcheck::cli::main()
}
