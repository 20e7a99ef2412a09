//! The spreadsheet reader (calamine under torikumi's zip limits and
//! layout); the first byte picks XLSX, XLS or ODS, the rest is the file.
//!
//! calamine indexes some damaged records without checking them; the reader
//! catches those panics (`sheet::guarded`) and reports the file as
//! malformed. libFuzzer's panic hook would abort on them first, so this
//! target lets panics raised inside calamine's source unwind to that guard
//! and aborts on every other panic, as the other targets do.
#![no_main]
use libfuzzer_sys::fuzz_target;
use torikumi::Format;
mod common;

fuzz_target!(|data: &[u8]| {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(common::let_calamine_panics_unwind);
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let format = [Format::Xlsx, Format::Xls, Format::Ods][sel as usize % 3];
    let _ = torikumi::extract::office::sheet::extract(format, body, &common::limits());
});
