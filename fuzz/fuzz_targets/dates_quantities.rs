//! The date and quantity readers on arbitrary UTF-8.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let periods = torikumi::parse::dates::find_periods(text);
    let _ = torikumi::parse::dates::fiscal_years(&periods);
    let _ = torikumi::parse::quantities::find_quantities(text);
});
