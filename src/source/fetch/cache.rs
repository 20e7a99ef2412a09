//! The disk cache: bodies stored once by their sha256, and one small JSON
//! metadata file per URL. Every file is written to a temporary file in the
//! cache directory, synced, then renamed, so an interrupted or failed
//! download never leaves a partial entry.
//!
//! Layout: `DIR/bodies/ab/abcdef…` (sha256 of the body) and
//! `DIR/meta/<sha256 of the URL>.json`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the cache knows of one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The URL, normalized (the key).
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status of the response the body came with.
    pub status: u16,
    /// The `ETag` header, for `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` header, for `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// sha256 of the body, hex; names the body file.
    pub sha256: String,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// When the body was last downloaded or revalidated, RFC 3339 UTC.
    pub fetched_at: String,
}

/// A cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// Hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

impl Cache {
    /// Opens (creating if needed) a cache directory.
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        fs::create_dir_all(dir.join("bodies"))?;
        fs::create_dir_all(dir.join("meta"))?;
        Ok(Cache {
            dir: dir.to_path_buf(),
        })
    }

    fn meta_path(&self, url: &str) -> PathBuf {
        self.dir
            .join("meta")
            .join(format!("{}.json", sha256_hex(url.as_bytes())))
    }

    fn body_path(&self, sha: &str) -> PathBuf {
        self.dir
            .join("bodies")
            .join(sha.get(..2).unwrap_or("00"))
            .join(sha)
    }

    /// The metadata of a URL, if cached and readable. A damaged file reads as
    /// no entry (the next download replaces it).
    pub fn meta(&self, url: &str) -> Option<Meta> {
        let text = fs::read(self.meta_path(url)).ok()?;
        let meta: Meta = serde_json::from_slice(&text).ok()?;
        (meta.url == url
            && meta.sha256.len() == 64
            && meta.sha256.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(meta)
    }

    /// The body a metadata entry names, checked against its hash.
    pub fn body(&self, meta: &Meta) -> Option<Vec<u8>> {
        let bytes = fs::read(self.body_path(&meta.sha256)).ok()?;
        (sha256_hex(&bytes) == meta.sha256).then_some(bytes)
    }

    /// Stores a body (unless a body with that hash is already there) and then
    /// its metadata. The metadata's `sha256` must be the body's.
    pub fn store(&self, meta: &Meta, body: &[u8]) -> std::io::Result<()> {
        let path = self.body_path(&meta.sha256);
        let have = fs::read(&path)
            .map(|b| sha256_hex(&b) == meta.sha256)
            .unwrap_or(false);
        if !have {
            self.write_atomic(&path, body)?;
        }
        self.put_meta(meta)
    }

    /// Replaces the metadata of a URL (after a revalidation).
    pub fn put_meta(&self, meta: &Meta) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(meta).map_err(std::io::Error::other)?;
        self.write_atomic(&self.meta_path(&meta.url), &json)
    }

    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let parent = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent)?;
        // The temporary file lives next to its target so that the rename is
        // atomic (same file system); it is deleted if anything fails.
        let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let body = b"%PDF-1.4 hello";
        let meta = Meta {
            url: "http://h/a.pdf".into(),
            final_url: "http://h/a.pdf".into(),
            status: 200,
            etag: Some("\"x\"".into()),
            last_modified: None,
            sha256: sha256_hex(body),
            content_type: Some("application/pdf".into()),
            fetched_at: "2026-01-01T00:00:00Z".into(),
        };
        assert!(cache.meta(&meta.url).is_none());
        cache.store(&meta, body).unwrap();
        let got = cache.meta(&meta.url).unwrap();
        assert_eq!(got, meta);
        assert_eq!(cache.body(&got).unwrap(), body);
        // A body that no longer matches its hash is not served.
        fs::write(cache.body_path(&meta.sha256), b"cut").unwrap();
        assert!(cache.body(&got).is_none());
        fs::write(cache.meta_path(&meta.url), b"{not json").unwrap();
        assert!(cache.meta(&meta.url).is_none());
    }
}
