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

/// mimalloc asks Linux for transparent huge pages for its arenas by default: a 10,000-file
/// run then kept about 20 MB more resident for no gain in speed. Freed pages are returned
/// after mimalloc's usual short delay; returning them at once saved 3 MB but cost about a
/// tenth of the run's time in page faults and TLB flushes.
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
extern "C" fn no_huge_pages() {
    // `allow_thp` is an option number of `mi_option_e` in mimalloc's headers, which the Rust
    // bindings do not name; it moved between v2 and v3.
    // SAFETY: `mi_version` only returns a constant; setting an option only stores a value
    // that mimalloc reads on later allocations, and ignores an unknown option. The value is
    // a documented setting (no huge pages).
    unsafe {
        let allow_thp = if libmimalloc_sys::mi_version() >= 300 {
            43
        } else {
            37
        };
        libmimalloc_sys::mi_option_set(allow_thp, 0);
    }
}

/// The huge-page setting applies when mimalloc reserves its first arena, which the Rust
/// runtime's first allocation does before `main`: an ELF initialiser runs earlier.
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR_BEFORE_MAIN: extern "C" fn() = no_huge_pages;
