//! The whole PDF reader: file structure, content streams, fonts and CMaps.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let _ = torikumi::extract::pdf::extract(data, &common::limits());
});
