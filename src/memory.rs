//! Handing freed memory back to the system, so that one worker's large
//! document does not stay counted in the resident set while the next one (on
//! this worker or another) reaches its own peak.
//!
//! mimalloc keeps freed pages for reuse and returns them only after a delay,
//! on later allocations. For a 126 MB one-line page that kept its freed
//! bytes, html5ever tree and blocks resident: about 430 MB instead of the
//! 265 MB alive at once, and the hostile batch at 490-550 MB. Returning
//! freed memory after every allocation (`MIMALLOC_PURGE_DELAY=0`) costs a
//! third more time on ordinary batches, so it is done only at a few points,
//! for large inputs and after documents that raised the resident set a lot.

/// Inputs at least this large give back memory between their stages.
pub(crate) const LARGE_INPUT: usize = 16 << 20;

/// How much a document must have raised the resident set for its freed
/// memory to be given back once it is done.
pub(crate) const RETURN_AFTER_GROWTH: u64 = 64 << 20;

/// The process's resident set in bytes (0 where /proc is not there).
pub(crate) fn resident_bytes() -> u64 {
    // statm's second field is resident pages; 4 KiB pages are assumed, which
    // is close enough for the threshold above.
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Hands this thread's freed memory back to the system (nothing without
/// the `mimalloc` feature: the system allocator returns large blocks itself).
pub(crate) fn give_back() {
    #[cfg(feature = "mimalloc")]
    {
        // SAFETY: mi_collect takes no pointers and may be called from any
        // thread at any time; it only releases memory that is free already.
        unsafe { mi_collect(true) }
    }
}

#[cfg(feature = "mimalloc")]
unsafe extern "C" {
    /// mimalloc's `void mi_collect(bool force)` (libmimalloc-sys declares it
    /// only with its `extended` feature, which needs another crate).
    fn mi_collect(force: bool);
}
