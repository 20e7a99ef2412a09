//! The spreadsheet reader (calamine under torikumi's zip limits and
//! layout); the first byte picks XLSX, XLS or ODS, the rest is the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use torikumi::Format;
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let format = [Format::Xlsx, Format::Xls, Format::Ods][sel as usize % 3];
    let _ = torikumi::extract::office::sheet::extract(format, body, &common::limits());
});
