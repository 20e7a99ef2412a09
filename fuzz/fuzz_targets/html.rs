//! The HTML reader with encoding detection; the first byte picks an HTTP
//! charset (none, or one of a few), the rest is the body.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((charset, body)) = common::charset_and_body(data) else {
        return;
    };
    let _ = torikumi::extract::html::extract(body, charset, &common::limits());
});
