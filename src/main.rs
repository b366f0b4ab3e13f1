//! The `launchcheck` binary: everything lives in the library.

// Checking thousands of small documents is allocation-bound; mimalloc's thread-local heaps
// cut the time spent in the system allocator and in page faults.
// Either way the allocator counts what an organisation rule allocates, so that a rule that
// builds a huge value stops the run instead of exhausting the machine.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: launchcheck::org_rules::budget::Budgeted<mimalloc::MiMalloc> =
    launchcheck::org_rules::budget::Budgeted(mimalloc::MiMalloc);

#[cfg(not(feature = "mimalloc"))]
#[global_allocator]
static ALLOCATOR: launchcheck::org_rules::budget::Budgeted<std::alloc::System> =
    launchcheck::org_rules::budget::Budgeted(std::alloc::System);

fn main() -> std::process::ExitCode {
    launchcheck::cli::main()
}
