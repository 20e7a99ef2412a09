// Limits for fuzzing: small enough that one input stays fast (libFuzzer's
// -timeout and -rss_limit_mb catch what escapes them), large enough that the
// readers' real paths are exercised.
use std::time::Duration;
use torikumi::Limits;

pub fn limits() -> Limits {
    Limits {
        max_input_bytes: 4 << 20,
        max_stream_bytes: 8 << 20,
        max_pages: 50,
        max_objects: 100_000,
        max_depth: 64,
        max_time: Duration::from_secs(5),
    }
}

/// HTTP charsets a fuzz input can select with its first byte.
const CHARSETS: [Option<&str>; 6] = [
    None,
    Some("utf-8"),
    Some("shift_jis"),
    Some("euc-jp"),
    Some("iso-2022-jp"),
    Some("x-bogus"),
];

/// Splits an input into the HTTP charset its first byte picks and the body.
#[allow(dead_code)] // not every target includes it
pub fn charset_and_body(data: &[u8]) -> Option<(Option<&'static str>, &[u8])> {
    let (&sel, body) = data.split_first()?;
    Some((CHARSETS[sel as usize % CHARSETS.len()], body))
}

/// calamine indexes some damaged workbooks without checks; torikumi's
/// spreadsheet reader catches those panics and reports the file as
/// malformed. libFuzzer's hook aborts on every panic before that guard sees
/// it: this hook lets a panic located in calamine's source unwind, and
/// aborts on any other as before.
#[allow(dead_code)] // not every target includes it
pub fn let_calamine_panics_unwind() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_calamine = info
            .location()
            .is_some_and(|l| l.file().contains("/calamine-"));
        if !in_calamine {
            previous(info);
            std::process::abort();
        }
    }));
}
