//! The `leakcheck` binary: everything lives in the library; this turns its outcome into a
//! process exit code.

fn main() -> std::process::ExitCode {
    leakcheck::cli::main().into()
}
