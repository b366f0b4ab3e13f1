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
    // Where the tuning cannot run before the first allocation, it still shortens how long
    // freed memory stays resident.
    #[cfg(all(feature = "mimalloc", not(target_os = "linux")))]
    return_freed_memory_at_once();
    launchcheck::cli::main()
}

/// A run parses thousands of documents and drops each one's tree as soon as its model
/// exists. By default mimalloc keeps such freed pages committed for a while, and asks Linux
/// for transparent huge pages for its arenas; together they added about 50 MB of resident
/// memory to a 10,000-file run (150 MB instead of 101 MB), at no gain in speed.
#[cfg(feature = "mimalloc")]
extern "C" fn return_freed_memory_at_once() {
    // The option numbers of `mi_option_e` in mimalloc's headers, which the Rust bindings do
    // not name; `allow_thp` moved between v2 and v3.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: `mi_version` only returns a constant; setting an option only stores a value
    // that mimalloc reads on later allocations, and ignores an unknown option. Both values
    // are documented settings (purge at once, no huge pages).
    unsafe {
        let allow_thp = if libmimalloc_sys::mi_version() >= 300 {
            43
        } else {
            37
        };
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(allow_thp, 0);
    }
}

/// The huge-page setting applies when mimalloc reserves its first arena, which the Rust
/// runtime's first allocation does before `main`: an ELF initialiser runs earlier.
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR_BEFORE_MAIN: extern "C" fn() = return_freed_memory_at_once;
