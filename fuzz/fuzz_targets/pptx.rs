//! The PowerPoint reader: zip limits, slide order, shapes, bullets, tables.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let _ = torikumi::extract::office::pptx::extract(data, &common::limits());
});
