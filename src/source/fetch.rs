//! Fetching URLs over HTTP(S) with a disk cache, politeness and `--follow`.
