//! Fetching URLs over HTTP(S) with a disk cache, politeness and `--follow`.
//!
//! One [`Fetcher`] serves a whole run and is shared by the pipeline's
//! threads. It holds the HTTP agent, the per-host rate limiter, the
//! robots.txt rules (fetched once per host) and the disk cache.
//!
//! ```no_run
//! use torikumi::source::fetch::{FetchOptions, Fetcher};
//! let fetcher = Fetcher::new(FetchOptions { cache_dir: Some(".torikumi-cache".into()), ..Default::default() })?;
//! // --follow: the index page first, then the reports it links, in page order.
//! let found = fetcher.discover(&["https://www.pref.example.lg.jp/kikaku/index.html".to_string()]);
//! for url in &found.documents {
//!     match fetcher.fetch(url) {
//!         Ok(doc) => { /* doc.bytes, doc.charset → detect::encoding, doc.info() → FetchInfo */ }
//!         Err(e) => eprintln!("{url}: {e}"),
//!     }
//! }
//! # Ok::<(), torikumi::Error>(())
//! ```

mod cache;
mod links;
mod robots;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use url::Url;

use crate::error::{Error, ErrorKind, Result, Stage};
use crate::model::{FetchInfo, Format};

pub use cache::Meta as CacheMeta;
pub use links::{Hint, hint, host_key};

/// How to fetch. [`Default`] gives the command line's defaults.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Disk cache directory (`--cache`); `None` for no cache.
    pub cache_dir: Option<PathBuf>,
    /// Use only the cache, never the network (`--offline`).
    pub offline: bool,
    /// How many levels of links [`Fetcher::discover`] follows (`--depth`, default 1).
    pub depth: u32,
    /// Most requests per second to one host (`--rate`, default 1); 0 or less
    /// for no limit. A larger `Crawl-delay` in robots.txt wins (up to 60 s).
    pub rate_per_host: f64,
    /// Time allowed to connect (default 10 s).
    pub timeout_connect: Duration,
    /// Time allowed for one whole request, body included (default 60 s).
    pub timeout_total: Duration,
    /// Largest response body, after decompression (default 64 MB).
    pub max_bytes: u64,
    /// Most redirects followed for one URL (default 5).
    pub max_redirects: u32,
    /// Retries after a 429, a 5xx or a failed connection (default 3).
    pub retries: u32,
    /// First backoff delay; it doubles at each retry (default 1 s). A
    /// `Retry-After` header replaces it.
    pub retry_delay: Duration,
    /// Longest wait accepted, from backoff or `Retry-After` (default 120 s);
    /// a server asking for more fails the URL.
    pub max_retry_wait: Duration,
    /// The `User-Agent` header (default `torikumi/VERSION`). Its first word is
    /// the product token looked up in robots.txt.
    pub user_agent: String,
    /// Honour robots.txt (default true).
    pub respect_robots: bool,
    /// Use a proxy from `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` (default true).
    pub proxy_from_env: bool,
    /// PEM certificates to trust for HTTPS *instead of* the built-in Mozilla
    /// roots (a private CA, a TLS-inspecting proxy, tests). Empty (default):
    /// the built-in roots.
    pub root_certs_pem: Vec<u8>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            cache_dir: None,
            offline: false,
            depth: 1,
            rate_per_host: 1.0,
            timeout_connect: Duration::from_secs(10),
            timeout_total: Duration::from_secs(60),
            max_bytes: 64 << 20,
            max_redirects: 5,
            retries: 3,
            retry_delay: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(120),
            user_agent: default_user_agent(),
            respect_robots: true,
            proxy_from_env: true,
            root_certs_pem: Vec::new(),
        }
    }
}

/// `torikumi/VERSION`. Operators who want to be reachable can append a
/// contact, e.g. `torikumi/0.1.0 (+mailto:data@example.jp)`.
pub fn default_user_agent() -> String {
    format!("torikumi/{}", env!("CARGO_PKG_VERSION"))
}

/// Whether an input names a URL torikumi fetches (`http://` or `https://`)
/// rather than a path.
pub fn is_url(input: &str) -> bool {
    let t = input.trim_start().as_bytes();
    let starts = |p: &[u8]| t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p);
    starts(b"http://") || starts(b"https://")
}

/// A URL in the one spelling [`Fetcher::discover`] gives and the cache keys
/// on: fragment dropped, host lower-cased, default port dropped, non-ASCII
/// percent-encoded as UTF-8 with upper-case hex. Use it for `source` when a
/// URL comes from the command line or a manifest, to match `--follow`'s.
pub fn normalize_url(input: &str) -> Result<String> {
    links::normalize(input)
        .map(String::from)
        .map_err(fetch_error)
}

/// The cache directory to use when none is given: `$XDG_CACHE_HOME/torikumi`,
/// else `$HOME/.cache/torikumi`, else `.torikumi-cache`.
pub fn default_cache_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(x) = env("XDG_CACHE_HOME") {
        return x.join("torikumi");
    }
    if let Some(h) = env("HOME") {
        return h.join(".cache").join("torikumi");
    }
    PathBuf::from(".torikumi-cache")
}

/// A fetched document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL as passed to [`Fetcher::fetch`]: the document's `source`.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status: 200 (or another 2xx) for a download, 304 when the cached
    /// copy was revalidated, the cached status when read `--offline`.
    pub status: u16,
    /// The body, decompressed.
    pub bytes: Vec<u8>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `charset` of the `Content-Type` header, if any: pass it to
    /// [`crate::detect::encoding`], which ranks it above the document's own.
    pub charset: Option<String>,
    /// When the body was downloaded or revalidated, RFC 3339 UTC.
    pub fetched_at: String,
    /// Whether the body came from the disk cache.
    pub from_cache: bool,
    /// Things that went wrong without failing the fetch (a cache write error).
    pub warnings: Vec<String>,
}

impl Fetched {
    /// The `fetch` part of the document's record.
    pub fn info(&self) -> FetchInfo {
        FetchInfo {
            final_url: self.final_url.clone(),
            status: self.status,
            fetched_at: self.fetched_at.clone(),
            from_cache: self.from_cache,
        }
    }
}

/// Why a link was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipKind {
    /// A document in a format torikumi does not read yet (DOCX, XLSX, ...).
    Unsupported,
    /// robots.txt forbids it.
    Robots,
    /// Not a document (an image, an archive, ...).
    NotDocument,
}

/// A link found by [`Fetcher::discover`] and not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The link, resolved and normalized.
    pub url: String,
    /// The page it was found on.
    pub found_on: String,
    /// Why, as a category.
    pub kind: SkipKind,
    /// Why, in words (e.g. "format not supported yet (doc)").
    pub reason: String,
}

/// What `--follow` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    /// URLs to process, each once, in a deterministic order: the start URLs,
    /// then the links of each page in page order, level by level.
    pub documents: Vec<String>,
    /// Links of the same host not taken, with the reason.
    pub skipped: Vec<Skipped>,
}

/// Fetches URLs for a run. `Send + Sync`: share one between threads.
pub struct Fetcher {
    opts: FetchOptions,
    agent: ureq::Agent,
    cache: Option<cache::Cache>,
    /// Per host, the earliest time the next request may start.
    next_slot: Mutex<HashMap<String, Instant>>,
    /// Per origin, its robots.txt rules, fetched once.
    robots: Mutex<HashMap<String, Arc<OnceLock<RobotsState>>>>,
    /// Pages `discover` fetched, handed to the first `fetch` of the same URL
    /// so that they are not downloaded twice.
    memo: Mutex<HashMap<String, std::result::Result<Fetched, String>>>,
    product: String,
}

#[derive(Debug)]
enum RobotsState {
    Rules(robots::Robots),
    /// robots.txt could not be read (server error, network): RFC 9309 asks
    /// crawlers to take the whole site as disallowed.
    Unreachable(String),
}

/// A failure inside one fetch, before it becomes an [`Error`].
struct Fail {
    status: Option<u16>,
    msg: String,
}

impl Fail {
    fn new(msg: impl Into<String>) -> Self {
        Fail {
            status: None,
            msg: msg.into(),
        }
    }
}

fn fetch_error(msg: impl Into<String>) -> Error {
    Error::new(Stage::Source, ErrorKind::Fetch(msg.into()))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the fetcher down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What one HTTP exchange came to.
enum Outcome {
    Redirect(String),
    NotModified {
        etag: Option<String>,
        last_modified: Option<String>,
    },
    Body {
        status: u16,
        bytes: Vec<u8>,
        content_type: Option<String>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

impl Fetcher {
    /// A fetcher; opens (creates) the cache directory if one is given.
    pub fn new(opts: FetchOptions) -> Result<Self> {
        let cache = match &opts.cache_dir {
            Some(dir) => Some(cache::Cache::open(dir).map_err(|e| {
                fetch_error(format!(
                    "cannot open the cache directory {}: {e}",
                    dir.display()
                ))
            })?),
            None => None,
        };
        if opts.offline && cache.is_none() {
            return Err(fetch_error("--offline needs a cache directory (--cache)"));
        }
        let mut tls = ureq::tls::TlsConfig::builder();
        if !opts.root_certs_pem.is_empty() {
            let mut roots = Vec::new();
            for item in ureq::tls::parse_pem(&opts.root_certs_pem) {
                match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => roots.push(c),
                    Ok(_) => {}
                    Err(e) => return Err(fetch_error(format!("bad root certificate: {e}"))),
                }
            }
            if roots.is_empty() {
                return Err(fetch_error("no certificate in the given root certificates"));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(Arc::new(roots)));
        }
        let config = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .http_status_as_error(false)
            // Redirects are followed here, hop by hop, so that each hop is
            // paced, checked against robots.txt and counted.
            .max_redirects(0)
            .timeout_connect(Some(opts.timeout_connect))
            .timeout_global(Some(opts.timeout_total))
            .user_agent(opts.user_agent.as_str())
            .accept_encoding("gzip, deflate, br")
            .proxy(if opts.proxy_from_env {
                ureq::Proxy::try_from_env()
            } else {
                None
            })
            .build();
        let product = opts
            .user_agent
            .split(|c: char| c == '/' || c.is_whitespace())
            .next()
            .unwrap_or("torikumi")
            .to_ascii_lowercase();
        Ok(Fetcher {
            agent: config.into(),
            cache,
            next_slot: Mutex::new(HashMap::new()),
            robots: Mutex::new(HashMap::new()),
            memo: Mutex::new(HashMap::new()),
            product,
            opts,
        })
    }

    /// The options in use.
    pub fn options(&self) -> &FetchOptions {
        &self.opts
    }

    /// Fetches one URL: from the network (conditionally when the cache has
    /// it; a 304 costs no download), or only from the cache `--offline`.
    /// Errors are `Stage::Source` / `ErrorKind::Fetch` with the reason:
    /// "HTTP 404", "timed out after 60 s", "response larger than 64 MB",
    /// "disallowed by robots.txt", "not in cache (--offline)", ...
    pub fn fetch(&self, url: &str) -> Result<Fetched> {
        let u = links::normalize(url).map_err(fetch_error)?;
        let memo = lock(&self.memo).remove(u.as_str());
        let got = match memo {
            Some(r) => r,
            None => self.fetch_url(&u).map_err(|f| f.msg),
        };
        let mut f = got.map_err(fetch_error)?;
        f.url = url.to_string();
        Ok(f)
    }

    /// `--follow`: expands start URLs into the documents to process. Start
    /// URLs always come out (a failing one fails later, in `fetch`). From
    /// each HTML page, the `<a href>` links outside navigation menus that
    /// stay on the page's host are taken: PDF and HTML (and links without a
    /// telling extension) and Office files (docx, xlsx, xls, pptx, ods) as
    /// documents, `.doc`, `.jtd` and the like as skipped.
    /// Pages are expanded `depth` levels deep. robots.txt is honoured. Pages
    /// fetched here are kept for the next `fetch` of the same URL.
    pub fn discover(&self, start: &[String]) -> Discovery {
        let mut out = Discovery::default();
        let mut seen: HashSet<String> = HashSet::new();
        // Pages to expand, each with the hosts of its site: a start page's own
        // host and the one it redirects to (None until fetched), inherited
        // by the pages found under it, so that no level leaves the site.
        let mut frontier: Vec<(Url, Option<Arc<Vec<String>>>)> = Vec::new();
        for s in start {
            match links::normalize(s) {
                Ok(u) => {
                    if seen.insert(u.to_string()) {
                        out.documents.push(u.to_string());
                        frontier.push((u, None));
                    }
                }
                // Kept so that the run reports it as a failed document.
                Err(_) => {
                    if seen.insert(s.clone()) {
                        out.documents.push(s.clone());
                    }
                }
            }
        }
        for _level in 0..self.opts.depth {
            let mut next = Vec::new();
            for (page, site) in &frontier {
                let Some((found, site, final_url)) = self.page_links(page, site.clone()) else {
                    continue;
                };
                // A page reached through a redirect is not taken again under
                // its final URL.
                seen.insert(final_url);
                let found_on = page.to_string();
                for link in found {
                    let key = link.to_string();
                    if !seen.insert(key.clone()) {
                        continue;
                    }
                    let skip = |kind, reason: String| Skipped {
                        url: key.clone(),
                        found_on: found_on.clone(),
                        kind,
                        reason,
                    };
                    match links::hint(&link) {
                        Hint::Unsupported(ext) => out.skipped.push(skip(
                            SkipKind::Unsupported,
                            format!("format not supported yet ({ext})"),
                        )),
                        Hint::NotDocument(ext) => out.skipped.push(skip(
                            SkipKind::NotDocument,
                            format!("not a document ({ext})"),
                        )),
                        h @ (Hint::Pdf | Hint::Text | Hint::Page | Hint::Office(_)) => {
                            if !self.robots_allow(&link) {
                                out.skipped.push(skip(
                                    SkipKind::Robots,
                                    "disallowed by robots.txt".into(),
                                ));
                                continue;
                            }
                            out.documents.push(key);
                            if h == Hint::Page {
                                next.push((link, Some(site.clone())));
                            }
                        }
                    }
                }
            }
            frontier = next;
        }
        out
    }

    /// The links of a page that stay on its site (fetching the page into the
    /// memo), the site's hosts and the page's final URL; `None` when the page
    /// cannot be fetched or is not HTML.
    fn page_links(
        &self,
        page: &Url,
        site: Option<Arc<Vec<String>>>,
    ) -> Option<(Vec<Url>, Arc<Vec<String>>, String)> {
        let got = {
            let memo = lock(&self.memo);
            memo.get(page.as_str()).cloned()
        };
        let got = match got {
            Some(g) => g,
            None => {
                let g = self.fetch_url(page).map_err(|f| f.msg);
                lock(&self.memo).insert(page.to_string(), g.clone());
                g
            }
        };
        let f = got.ok()?;
        if crate::detect::format(&f.bytes) != Some(Format::Html) {
            return None;
        }
        let (enc, _) = crate::detect::encoding(&f.bytes, f.charset.as_deref(), true);
        let (html, _, _) = enc.decode(&f.bytes);
        let base = Url::parse(&f.final_url).unwrap_or_else(|_| page.clone());
        // A start page's site: the host asked for and the one it redirected
        // to (http://pref… → https://www.pref…).
        let site = site.unwrap_or_else(|| {
            let mut hosts = vec![links::host_key(page), links::host_key(&base)];
            hosts.dedup();
            Arc::new(hosts)
        });
        let found = links::extract(&html, &base)
            .into_iter()
            .map(|l| l.url)
            .filter(|u| site.contains(&links::host_key(u)))
            .collect();
        Some((found, site, base.to_string()))
    }

    fn fetch_url(&self, u: &Url) -> std::result::Result<Fetched, Fail> {
        let cached = self.cached(u.as_str());
        if self.opts.offline {
            return match cached {
                Some((meta, bytes)) => Ok(from_meta(meta, bytes, None)),
                None => Err(Fail::new("not in cache (--offline)")),
            };
        }
        self.download(u, cached, true)
    }

    fn cached(&self, key: &str) -> Option<(cache::Meta, Vec<u8>)> {
        let c = self.cache.as_ref()?;
        let meta = c.meta(key)?;
        let body = c.body(&meta)?;
        Some((meta, body))
    }

    /// Fetches `u` from the network, following redirects hop by hop.
    fn download(
        &self,
        u: &Url,
        cached: Option<(cache::Meta, Vec<u8>)>,
        check_robots: bool,
    ) -> std::result::Result<Fetched, Fail> {
        let mut cur = u.clone();
        let mut hops = 0u32;
        loop {
            let mut crawl_delay = None;
            if check_robots {
                match self.robots_for(&cur).as_ref() {
                    RobotsState::Rules(r) => {
                        if !r.allowed(&path_and_query(&cur)) {
                            return Err(Fail::new(if hops == 0 {
                                "disallowed by robots.txt".to_string()
                            } else {
                                format!("redirect to {cur} disallowed by robots.txt")
                            }));
                        }
                        crawl_delay = r.crawl_delay;
                    }
                    RobotsState::Unreachable(why) => {
                        return Err(Fail::new(format!(
                            "robots.txt unreachable ({why}), so the site is not fetched"
                        )));
                    }
                }
            }
            match self.exchange(&cur, cached.as_ref().map(|(m, _)| m), crawl_delay)? {
                Outcome::Redirect(location) => {
                    hops += 1;
                    if hops > self.opts.max_redirects {
                        return Err(Fail::new(format!(
                            "too many redirects (more than {})",
                            self.opts.max_redirects
                        )));
                    }
                    cur = links::resolve(&cur, &location)
                        .map_err(|e| Fail::new(format!("bad redirect: {e}")))?;
                }
                Outcome::NotModified {
                    etag,
                    last_modified,
                } => {
                    let Some((mut meta, bytes)) = cached else {
                        return Err(Fail::new("HTTP 304 without a cached copy"));
                    };
                    meta.final_url = cur.to_string();
                    meta.fetched_at = now_rfc3339();
                    meta.etag = etag.or(meta.etag);
                    meta.last_modified = last_modified.or(meta.last_modified);
                    let mut warnings = Vec::new();
                    if let Some(c) = &self.cache
                        && let Err(e) = c.put_meta(&meta)
                    {
                        warnings.push(format!("cache write failed: {e}"));
                    }
                    let mut f = from_meta(meta, bytes, Some(304));
                    f.url = u.to_string();
                    f.warnings = warnings;
                    return Ok(f);
                }
                Outcome::Body {
                    status,
                    bytes,
                    content_type,
                    etag,
                    last_modified,
                } => {
                    let meta = cache::Meta {
                        url: u.to_string(),
                        final_url: cur.to_string(),
                        status,
                        etag,
                        last_modified,
                        sha256: cache::sha256_hex(&bytes),
                        content_type,
                        fetched_at: now_rfc3339(),
                    };
                    let mut warnings = Vec::new();
                    if let Some(c) = &self.cache
                        && let Err(e) = c.store(&meta, &bytes)
                    {
                        warnings.push(format!("cache write failed: {e}"));
                    }
                    let mut f = from_meta(meta, bytes, None);
                    f.from_cache = false;
                    f.warnings = warnings;
                    return Ok(f);
                }
            }
        }
    }

    /// One request to `url`, retried after 429, 5xx and failed connections.
    fn exchange(
        &self,
        url: &Url,
        cached: Option<&cache::Meta>,
        crawl_delay: Option<f64>,
    ) -> std::result::Result<Outcome, Fail> {
        let mut attempt = 0u32;
        loop {
            self.pace(url, crawl_delay);
            let mut req = self.agent.get(url.as_str());
            if let Some(m) = cached {
                if let Some(e) = &m.etag {
                    req = req.header("If-None-Match", e.as_str());
                }
                if let Some(lm) = &m.last_modified {
                    req = req.header("If-Modified-Since", lm.as_str());
                }
            }
            // Err(Some(delay)) asks for another attempt after that delay.
            let result: std::result::Result<Outcome, (Fail, Option<Duration>)> = match req.call() {
                Ok(resp) => self.response(resp, cached.is_some(), attempt),
                Err(e) => Err(self.transport_error(e, attempt)),
            };
            match result {
                Ok(o) => return Ok(o),
                Err((fail, Some(delay))) if attempt < self.opts.retries => {
                    if delay > self.opts.max_retry_wait {
                        return Err(Fail {
                            msg: format!(
                                "{}; the server asks to wait {}, longer than the {} allowed",
                                fail.msg,
                                human_duration(delay),
                                human_duration(self.opts.max_retry_wait)
                            ),
                            ..fail
                        });
                    }
                    std::thread::sleep(delay);
                    attempt += 1;
                }
                Err((fail, _)) => {
                    let msg = if attempt > 0 {
                        format!(
                            "{} (after {attempt} {})",
                            fail.msg,
                            if attempt == 1 { "retry" } else { "retries" }
                        )
                    } else {
                        fail.msg
                    };
                    return Err(Fail { msg, ..fail });
                }
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.opts
            .retry_delay
            .saturating_mul(1u32 << attempt.min(16))
    }

    fn response(
        &self,
        mut resp: ureq::http::Response<ureq::Body>,
        have_cache: bool,
        attempt: u32,
    ) -> std::result::Result<Outcome, (Fail, Option<Duration>)> {
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let status_fail = |s: u16| Fail {
            status: Some(s),
            msg: format!("HTTP {s}"),
        };
        match status {
            301 | 302 | 303 | 307 | 308 => match header("location") {
                Some(loc) => Ok(Outcome::Redirect(loc)),
                None => Err((
                    Fail {
                        msg: format!("HTTP {status} without a Location header"),
                        ..status_fail(status)
                    },
                    None,
                )),
            },
            304 if have_cache => Ok(Outcome::NotModified {
                etag: header("etag"),
                last_modified: header("last-modified"),
            }),
            200..=299 => {
                let content_type = header("content-type");
                let etag = header("etag");
                let last_modified = header("last-modified");
                let encoding = header("content-encoding").map(|e| e.to_ascii_lowercase());
                let max = self.opts.max_bytes;
                let declared = header("content-length").and_then(|l| l.parse::<u64>().ok());
                if declared.is_some_and(|l| l > max) && encoding.is_none() {
                    return Err((Fail::new(too_large(max)), None));
                }
                let bytes = match resp.body_mut().with_config().limit(max).read_to_vec() {
                    Ok(b) => b,
                    Err(e) => return Err(self.transport_error(e, attempt)),
                };
                let bytes = if encoding.as_deref() == Some("deflate") {
                    inflate(&bytes, max).map_err(|f| (f, None))?
                } else {
                    bytes
                };
                Ok(Outcome::Body {
                    status,
                    bytes,
                    content_type,
                    etag,
                    last_modified,
                })
            }
            429 | 500..=599 => {
                let wait = header("retry-after")
                    .and_then(|v| parse_retry_after(&v))
                    .unwrap_or_else(|| self.backoff(attempt));
                Err((status_fail(status), Some(wait)))
            }
            _ => Err((status_fail(status), None)),
        }
    }

    fn transport_error(&self, e: ureq::Error, attempt: u32) -> (Fail, Option<Duration>) {
        match e {
            ureq::Error::Timeout(ureq::Timeout::Connect) => (
                Fail::new(format!(
                    "connect timed out after {}",
                    human_duration(self.opts.timeout_connect)
                )),
                None,
            ),
            // A slow server stays slow: retrying would multiply the wait.
            ureq::Error::Timeout(_) => (
                Fail::new(format!(
                    "timed out after {}",
                    human_duration(self.opts.timeout_total)
                )),
                None,
            ),
            ureq::Error::BodyExceedsLimit(_) => (Fail::new(too_large(self.opts.max_bytes)), None),
            ureq::Error::HostNotFound => (Fail::new("host not found"), None),
            ureq::Error::BadUri(u) => (Fail::new(format!("bad URL: {u}")), None),
            // rustls reports a refused certificate as invalid data: a retry
            // would meet the same certificate.
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                (Fail::new(format!("TLS error: {e}")), None)
            }
            ureq::Error::Io(e) => (
                Fail::new(format!("connection failed: {e}")),
                Some(self.backoff(attempt)),
            ),
            e @ (ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled) => (
                Fail::new(format!("connection failed: {e}")),
                Some(self.backoff(attempt)),
            ),
            e => (Fail::new(e.to_string()), None),
        }
    }

    /// Waits for this host's next request slot. Slots are reserved under a
    /// lock, so concurrent threads queue up instead of bursting.
    fn pace(&self, url: &Url, crawl_delay: Option<f64>) {
        let rate = self.opts.rate_per_host;
        let mut secs = if rate.is_finite() && rate > 0.0 {
            1.0 / rate
        } else {
            0.0
        };
        if let Some(d) = crawl_delay {
            secs = secs.max(d.min(60.0));
        }
        if secs <= 0.0 {
            return;
        }
        let interval = Duration::from_secs_f64(secs.min(3600.0));
        let slot = {
            let mut slots = lock(&self.next_slot);
            let now = Instant::now();
            let next = slots.entry(links::host_key(url)).or_insert(now);
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }

    fn robots_allow(&self, url: &Url) -> bool {
        if !self.opts.respect_robots {
            return true;
        }
        match self.robots_for(url).as_ref() {
            RobotsState::Rules(r) => r.allowed(&path_and_query(url)),
            RobotsState::Unreachable(_) => false,
        }
    }

    fn robots_for(&self, url: &Url) -> Arc<RobotsState> {
        if !self.opts.respect_robots {
            return Arc::new(RobotsState::Rules(robots::Robots::allow_all()));
        }
        let origin = url.origin().ascii_serialization();
        let cell = lock(&self.robots)
            .entry(origin.clone())
            .or_default()
            .clone();
        // Other threads asking for the same host wait here for this one fetch.
        let state = cell.get_or_init(|| {
            let Ok(robots_url) = Url::parse(&format!("{origin}/robots.txt")) else {
                return RobotsState::Rules(robots::Robots::allow_all());
            };
            let cached = self.cached(robots_url.as_str());
            let got = if self.opts.offline {
                // Offline, the cached copy decides, so that --follow finds
                // the same documents as online; without one, all is allowed.
                let Some((meta, bytes)) = cached else {
                    return RobotsState::Rules(robots::Robots::allow_all());
                };
                Ok(from_meta(meta, bytes, None))
            } else {
                self.download(&robots_url, cached, false)
            };
            match got {
                Ok(f) => RobotsState::Rules(robots::Robots::parse(
                    &String::from_utf8_lossy(&f.bytes),
                    &self.product,
                )),
                Err(Fail {
                    status: Some(s), ..
                }) if (400..500).contains(&s) && s != 429 => {
                    RobotsState::Rules(robots::Robots::allow_all())
                }
                Err(f) => RobotsState::Unreachable(f.msg),
            }
        });
        Arc::new(match state {
            RobotsState::Rules(r) => RobotsState::Rules(r.clone()),
            RobotsState::Unreachable(m) => RobotsState::Unreachable(m.clone()),
        })
    }
}

fn path_and_query(u: &Url) -> String {
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    }
}

fn from_meta(meta: cache::Meta, bytes: Vec<u8>, status: Option<u16>) -> Fetched {
    let charset = meta.content_type.as_deref().and_then(charset_of);
    Fetched {
        url: meta.url,
        final_url: meta.final_url,
        status: status.unwrap_or(meta.status),
        bytes,
        content_type: meta.content_type,
        charset,
        fetched_at: meta.fetched_at,
        from_cache: true,
        warnings: Vec::new(),
    }
}

/// The `charset` parameter of a `Content-Type` value, unquoted.
pub fn charset_of(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| v.trim().trim_matches('"').trim_matches('\'').to_string())
        })
        .filter(|c| !c.is_empty())
}

fn inflate(bytes: &[u8], max: u64) -> std::result::Result<Vec<u8>, Fail> {
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
    let read = |r: &mut dyn Read| -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        r.take(max.saturating_add(1)).read_to_end(&mut out)?;
        Ok(out)
    };
    let out = read(&mut flate2::read::ZlibDecoder::new(bytes))
        .or_else(|_| read(&mut flate2::read::DeflateDecoder::new(bytes)))
        .map_err(|e| Fail::new(format!("bad deflate body: {e}")))?;
    if out.len() as u64 > max {
        return Err(Fail::new(too_large(max)));
    }
    Ok(out)
}

fn too_large(max: u64) -> String {
    format!("response larger than {}", human_bytes(max))
}

fn human_bytes(n: u64) -> String {
    const MB: u64 = 1 << 20;
    if n >= MB && n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

fn human_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(secs) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v.trim()).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The current time, RFC 3339 UTC, whole seconds.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_sizes() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_437_000), "2026-11-23T12:30:00Z");
        assert_eq!(human_bytes(64 << 20), "64 MB");
        assert_eq!(human_bytes(1000), "1000 bytes");
        assert_eq!(human_duration(Duration::from_secs(30)), "30 s");
        assert_eq!(human_duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(
            charset_of("text/html; Charset=\"Shift_JIS\""),
            Some("Shift_JIS".into())
        );
        assert_eq!(charset_of("text/html"), None);
    }

    #[test]
    fn urls_and_paths() {
        assert!(is_url("https://www.pref.example.lg.jp/a.pdf"));
        assert!(is_url("HTTP://h/"));
        assert!(!is_url("corpus/a.html"));
        assert!(!is_url("ftp://h/x"));
        assert!(!is_url("http"));
        assert_eq!(
            normalize_url("HTTPS://Www.Pref.Example.lg.jp:443/報告.pdf#p1").unwrap(),
            "https://www.pref.example.lg.jp/%E5%A0%B1%E5%91%8A.pdf"
        );
        assert!(normalize_url("c:/x").is_err());
    }

    #[test]
    fn fetcher_is_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<Fetcher>();
    }

    #[test]
    fn offline_needs_cache() {
        let e = Fetcher::new(FetchOptions {
            offline: true,
            ..Default::default()
        })
        .err()
        .unwrap();
        assert!(e.to_string().contains("--offline"));
    }
}
