//! Fuzz target `pipeline`: arbitrary bytes as a launch request, a plan, a roster, a policy
//! and a configuration, through loading, schemas, rules and every emitter. Errors are fine;
//! a panic, a hang or a broken invariant (see `harness.rs`) is a bug.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::run(data);
});
