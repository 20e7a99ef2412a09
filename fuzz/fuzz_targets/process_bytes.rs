//! Every stage on one document, as a batch runs it (format detection, the
//! reader it picks, normalization, parsing). A panic here would be caught
//! and turned into the document's error, so the target fails on that too:
//! the error record is how a panic would be hidden from the fuzzer. Panics
//! inside calamine, which the spreadsheet reader catches on purpose, unwind
//! to that guard (`common::let_calamine_panics_unwind`).
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(common::let_calamine_panics_unwind);
    let out = torikumi::pipeline::process_bytes(data, "fuzz", None, &common::limits());
    if let Some(e) = &out.record.error {
        assert!(!e.contains("panic"), "caught panic: {e}");
    }
});
