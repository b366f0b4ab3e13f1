//! The `launchcheck` binary: everything lives in the library.

// Checking thousands of small documents is allocation-bound; mimalloc's thread-local heaps
// cut the time spent in the system allocator and in page faults.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    launchcheck::cli::main()
}
