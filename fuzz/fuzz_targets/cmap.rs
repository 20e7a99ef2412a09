//! The CMap parser (ToUnicode and embedded encoding CMaps), then lookups.
#![no_main]
use libfuzzer_sys::fuzz_target;
use torikumi::extract::pdf::font::cmap::CMap;

fuzz_target!(|data: &[u8]| {
    let cm = CMap::parse(data);
    let _ = cm.unicode_entries();
    let _ = cm.sample_texts(8);
    for code in [0u32, 1, 0x20, 0x41, 0xff, 0x100, 0x8140, 0xffff, 0x10000] {
        let _ = cm.lookup(code);
        let _ = cm.cid(code);
    }
});
