//! The `leakcheck` binary: everything lives in the library; this turns its outcome into a
//! process exit code.

/// A failed allocation is exit 2 with a message, not an abort (see `leakcheck::oom`).
#[global_allocator]
static ALLOCATOR: leakcheck::oom::ExitOnOutOfMemory = leakcheck::oom::ExitOnOutOfMemory;

fn main() -> std::process::ExitCode {
    leakcheck::cli::main().into()
}
