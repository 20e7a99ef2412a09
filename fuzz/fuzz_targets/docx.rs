//! The Word reader: zip limits, styles, numbering, body, tables, text boxes.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let _ = torikumi::extract::office::docx::extract(data, &common::limits());
});
