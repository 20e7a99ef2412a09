//! The text reader; the first byte picks an HTTP
//! charset (none, or one of a few), the rest is the body.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

const CHARSETS: [Option<&str>; 6] = [
    None,
    Some("utf-8"),
    Some("shift_jis"),
    Some("euc-jp"),
    Some("iso-2022-jp"),
    Some("x-bogus"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let charset = CHARSETS[sel as usize % CHARSETS.len()];
    let _ = torikumi::extract::text::extract(body, charset, &common::limits());
});
