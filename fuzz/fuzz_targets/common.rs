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
