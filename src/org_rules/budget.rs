//! A memory budget for organisation rules: an allocator wrapper that counts what the current
//! thread allocates while a rule is evaluated, and ends the run (exit 2, with a diagnostic
//! naming the rule and the document) when one evaluation asks for more than its budget.
//!
//! The Rego engine has no memory limit of its own that works with our allocator, and a
//! builtin such as `numbers.range(1, 1e10)` allocates in one step, between the engine's
//! time checks. An allocator cannot return an error to the rule, so the budget stops the
//! process instead: a rule that would exhaust the machine is a broken rule, and the run
//! could not do its job either way.
//!
//! The binary installs [`Budgeted`] as its global allocator; library users that don't
//! simply run without the memory budget (the time limit still applies).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::{Cell, RefCell};

/// How much one rule may allocate on one document (net of what it frees meanwhile).
pub const MEMORY_LIMIT_PER_EVALUATION: usize = 256 * 1024 * 1024;

thread_local! {
    /// Bytes the current evaluation may still allocate; `usize::MAX` when no rule runs.
    static LEFT: Cell<usize> = const { Cell::new(usize::MAX) };
    /// What runs, for the message: "`db/x` on `launches/a.toml` (policies/db.rego:12)".
    static WHAT: RefCell<String> = const { RefCell::new(String::new()) };
    /// Or a function that says it, called only when the budget runs out: formatting the
    /// message for every evaluation would cost more than many rules do.
    static DESCRIBE: Cell<Option<fn() -> String>> = const { Cell::new(None) };
}

/// Wraps an allocator with the per-evaluation budget.
pub struct Budgeted<A>(pub A);

fn charge(bytes: usize) {
    let Ok(left) = LEFT.try_with(Cell::get) else {
        return;
    };
    if left == usize::MAX {
        return;
    }
    if bytes > left {
        exceeded();
    }
    let _ = LEFT.try_with(|l| l.set(left - bytes));
}

fn refund(bytes: usize) {
    let _ = LEFT.try_with(|l| {
        let left = l.get();
        if left != usize::MAX {
            l.set(left.saturating_add(bytes).min(usize::MAX - 1));
        }
    });
}

#[cold]
fn exceeded() -> ! {
    // Stop counting first: printing allocates.
    let _ = LEFT.try_with(|l| l.set(usize::MAX));
    let what = match DESCRIBE.try_with(Cell::get).ok().flatten() {
        Some(describe) => describe(),
        None => WHAT
            .try_with(|w| w.try_borrow().map(|w| w.clone()).unwrap_or_default())
            .unwrap_or_default(),
    };
    eprintln!(
        "error: {what}: the organisation rule allocated more than {} MiB on one document\n  help: a rule should look at one document and a few lookups; simplify the rule",
        MEMORY_LIMIT_PER_EVALUATION / (1024 * 1024)
    );
    std::process::exit(2);
}

/// Runs `evaluate` with the budget on, describing it as `what` if it runs out.
pub fn with_budget<T>(what: impl FnOnce() -> String, evaluate: impl FnOnce() -> T) -> T {
    let text = what();
    let _ = WHAT.try_with(|w| {
        if let Ok(mut w) = w.try_borrow_mut() {
            *w = text;
        }
    });
    let _ = DESCRIBE.try_with(|d| d.set(None));
    let _ = LEFT.try_with(|l| l.set(MEMORY_LIMIT_PER_EVALUATION));
    let result = evaluate();
    let _ = LEFT.try_with(|l| l.set(usize::MAX));
    result
}

/// [`with_budget`] with a function that describes what runs, called only if the budget
/// runs out.
pub fn with_budget_described<T>(describe: fn() -> String, evaluate: impl FnOnce() -> T) -> T {
    let _ = DESCRIBE.try_with(|d| d.set(Some(describe)));
    let _ = LEFT.try_with(|l| l.set(MEMORY_LIMIT_PER_EVALUATION));
    let result = evaluate();
    let _ = LEFT.try_with(|l| l.set(usize::MAX));
    let _ = DESCRIBE.try_with(|d| d.set(None));
    result
}

// SAFETY: every call is forwarded unchanged to the wrapped allocator; the wrapper only
// counts sizes in a thread-local cell (const-initialised, no destructor, so it never
// allocates itself).
unsafe impl<A: GlobalAlloc> GlobalAlloc for Budgeted<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        refund(layout.size());
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            charge(new_size - layout.size());
        } else {
            refund(layout.size() - new_size);
        }
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}
