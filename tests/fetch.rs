//! Integration tests of `source::fetch` against a real HTTP server on
//! 127.0.0.1 started inside each test. Nothing outside loopback is contacted:
//! every URL below names the test server (or `localhost`, which is only ever
//! skipped as another host).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use torikumi::ErrorKind;
use torikumi::source::fetch::{Discovery, FetchOptions, Fetched, Fetcher, SkipKind};

// ---------------------------------------------------------------- server

/// One request the server saw.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    headers: HashMap<String, String>,
    status: u16,
    body_bytes: usize,
    at: Instant,
}

/// What to answer.
#[derive(Default)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Wait before answering.
    delay: Duration,
    /// Send no Content-Length (the body ends when the connection closes).
    no_length: bool,
    /// Wait between the headers and the body.
    body_delay: Duration,
    /// Declare the whole body's length but send only this many bytes.
    cut_after: Option<usize>,
}

fn reply(status: u16, ctype: &str, body: impl Into<Vec<u8>>) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type".into(), ctype.into())],
        body: body.into(),
        ..Default::default()
    }
}

struct Server {
    addr: SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Server {
    fn start(
        handler: impl Fn(&str, &HashMap<String, String>) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::start_with(None, handler)
    }

    /// A server, speaking TLS when given a rustls configuration.
    fn start_with(
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&str, &HashMap<String, String>) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let log = hits.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (handler, log, tls) = (handler.clone(), log.clone(), tls.clone());
                conn.set_read_timeout(Some(Duration::from_secs(5))).ok();
                std::thread::spawn(move || match tls {
                    None => serve(conn, &*handler, &log),
                    Some(cfg) => {
                        let Ok(tls) = rustls::ServerConnection::new(cfg) else {
                            return;
                        };
                        serve(rustls::StreamOwned::new(tls, conn), &*handler, &log)
                    }
                });
            }
        });
        Server { addr, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.hits.lock().unwrap().clear();
    }

    fn count(&self, path: &str) -> usize {
        self.hits().iter().filter(|h| h.path == path).count()
    }
}

fn serve(
    mut conn: impl Read + Write,
    handler: &dyn Fn(&str, &HashMap<String, String>) -> Reply,
    log: &Mutex<Vec<Hit>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let at = Instant::now();
    let r = handler(&path, &headers);
    // Logged on arrival (a slow answer is still a request); bytes filled in below.
    let idx = {
        let mut log = log.lock().unwrap();
        log.push(Hit {
            path,
            headers,
            status: r.status,
            body_bytes: 0,
            at,
        });
        log.len() - 1
    };
    std::thread::sleep(r.delay);
    let mut out = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", r.status);
    if !r.no_length && r.status != 304 {
        out.push_str(&format!("Content-Length: {}\r\n", r.body.len()));
    }
    for (k, v) in &r.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let body = &r.body[..r.cut_after.unwrap_or(r.body.len()).min(r.body.len())];
    let sent = conn
        .write_all(out.as_bytes())
        .and_then(|_| conn.flush())
        .and_then(|_| {
            std::thread::sleep(r.body_delay);
            conn.write_all(body)
        })
        .map(|_| body.len())
        .unwrap_or(0);
    conn.flush().ok();
    log.lock().unwrap()[idx].body_bytes = sent;
}

// ---------------------------------------------------------------- the site

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

const PDF: &[u8] = b"%PDF-1.4\n% fake report\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const JP_PDF: &str = "/files/%E5%A0%B1%E5%91%8A%E6%9B%B8.pdf"; // 報告書.pdf

/// A static resource with validators; answers 304 to a matching If-None-Match.
fn resource(headers: &HashMap<String, String>, ctype: &str, body: Vec<u8>) -> Reply {
    let etag = format!(
        "\"{:x}-{}\"",
        body.iter()
            .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(b as u64)),
        body.len()
    );
    let mut r = if headers.get("if-none-match") == Some(&etag) {
        reply(304, ctype, vec![])
    } else {
        reply(200, ctype, body)
    };
    r.headers.push(("ETag".into(), etag));
    r.headers.push((
        "Last-Modified".into(),
        "Mon, 02 Jan 2023 00:00:00 GMT".into(),
    ));
    r
}

fn index_page(port: u16) -> String {
    format!(
        r##"<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>計画の一覧</title></head><body>
<header><a href="/corpus/004_0736b6ba3a49c0cc.html">ヘッダのリンク</a></header>
<nav><ul><li><a href="/corpus/003_0427b4530d9cecfe.html">メニュー</a></li></ul></nav>
<div id="gnavi"><a href="/nav-only.html">グローバルナビ</a></div>
<main><h1>報告書の一覧</h1>
<ul>
<li><a href="corpus/000_a9577f83c0b17823.html">政策評価</a></li>
<li><a href="./corpus/000_a9577f83c0b17823.html#section2">政策評価（再掲）</a></li>
<li><a href="http://127.0.0.1:{port}/corpus/000_a9577f83c0b17823.html">政策評価（絶対URL）</a></li>
<li><a href="/redirect/001">地域づくり</a></li>
<li><a href="files/報告書.pdf">報告書（PDF）</a></li>
<li><a href="files/%e5%a0%b1%e5%91%8a%e6%9b%b8.pdf">報告書（再掲）</a></li>
<li><a href="/doc/plan.doc">計画（Word 97-2003）</a></li>
<li><a href="/doc/data.xlsx">データ（Excel）</a></li>
<li><a href="/missing.pdf">なくなった資料</a></li>
<li><a href="/private/secret.pdf">非公開</a></li>
<li><a href="/flaky.html">時々落ちるページ</a></li>
<li><a href="/slow.pdf">遅い資料</a></li>
<li><a href="/big.pdf">大きい資料</a></li>
<li><a href="/sjis/index.html">Shift_JISの一覧</a></li>
<li><a href="mailto:info@pref.example.lg.jp">問い合わせ</a></li>
<li><a href="javascript:void(0)">印刷</a></li>
<li><a href="http://localhost:{port}/corpus/002_d177e17a2c8ccc19.html">別のホスト</a></li>
<li><a href="/img/photo.jpg">写真</a></li>
</ul></main>
<footer><a href="/corpus/002_d177e17a2c8ccc19.html">フッタのリンク</a></footer>
</body></html>"##
    )
}

/// A Shift_JIS page with no charset anywhere (header or meta): its links,
/// one of them a raw Japanese file name, come out right only if the page is
/// decoded as Shift_JIS.
fn sjis_page() -> Vec<u8> {
    let html = "<html><head><title>北海道の報告書（Shift_JIS）</title></head><body>\
        <h1>地域づくりに関する報告書の一覧</h1>\
        <p>北海道では、地域の課題を解決するため、振興局と市町村が連携して様々な取組を進めています。\
        ここでは、これまでに公表した報告書や評価結果を掲載しています。</p><ul>\
        <li><a href=\"../corpus/000_a9577f83c0b17823.sjis.html\">政策評価の結果</a></li>\
        <li><a href=\"../corpus/001_0f3b5a0d2379652b.sjis.html\">地域づくりをサポートする仕組み</a></li>\
        <li><a href=\"../files/報告書.pdf\">報告書（ＰＤＦ形式）</a></li>\
        <li><a href=\"../doc/様式.jtd\">様式（一太郎形式）</a></li>\
        </ul></body></html>";
    let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(html);
    assert!(!bad);
    bytes.into_owned()
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// A brotli stream holding `data` as one uncompressed meta-block (RFC 7932
/// §9.2), enough to test decoding without a brotli encoder.
fn brotli_stored(data: &[u8]) -> Vec<u8> {
    assert!(!data.is_empty() && data.len() <= 1 << 16);
    let mut bits: Vec<bool> = Vec::new();
    let mut put = |v: u32, n: u32| (0..n).for_each(|i| bits.push((v >> i) & 1 == 1));
    put(0, 1); // WBITS = 16
    put(0, 1); // ISLAST = 0
    put(0, 2); // MNIBBLES = 4
    put(data.len() as u32 - 1, 16); // MLEN - 1
    put(1, 1); // ISUNCOMPRESSED
    let mut out: Vec<u8> = bits
        .chunks(8)
        .map(|c| {
            c.iter()
                .enumerate()
                .fold(0u8, |b, (i, &on)| b | (u8::from(on) << i))
        })
        .collect();
    out.extend_from_slice(data);
    out.push(0b11); // ISLAST = 1, ISLASTEMPTY = 1
    out
}

fn zlib(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn site() -> Server {
    let flaky = Arc::new(AtomicUsize::new(0));
    let limited = Arc::new(AtomicUsize::new(0));
    let port = Arc::new(Mutex::new(0u16));
    let port2 = port.clone();
    let server = Server::start(move |path, h| {
        let port = *port2.lock().unwrap();
        match path {
            "/robots.txt" => resource(
                h,
                "text/plain",
                b"User-agent: *\nDisallow: /private/\n".to_vec(),
            ),
            "/index.html" => resource(h, "text/html; charset=utf-8", index_page(port).into_bytes()),
            "/sjis/index.html" => resource(h, "text/html", sjis_page()),
            "/redirect/001" => {
                let mut r = reply(302, "text/html", vec![]);
                r.headers.push((
                    "Location".into(),
                    "../corpus/001_0f3b5a0d2379652b.html".into(),
                ));
                r
            }
            "/loop" => {
                let mut r = reply(301, "text/html", vec![]);
                r.headers.push(("Location".into(), "/loop".into()));
                r
            }
            "/flaky.html" => {
                if flaky.fetch_add(1, Ordering::SeqCst) == 0 {
                    let mut r = reply(500, "text/plain", b"oops".to_vec());
                    r.headers.push(("Retry-After".into(), "0".into()));
                    r
                } else {
                    resource(
                        h,
                        "text/html; charset=utf-8",
                        b"<html><body><p>back</p></body></html>".to_vec(),
                    )
                }
            }
            "/limited.pdf" => {
                if limited.fetch_add(1, Ordering::SeqCst) == 0 {
                    let mut r = reply(429, "text/plain", b"slow down".to_vec());
                    r.headers.push(("Retry-After".into(), "1".into()));
                    r
                } else {
                    reply(200, "application/pdf", PDF)
                }
            }
            "/trickle.pdf" => Reply {
                body_delay: Duration::from_millis(3000),
                ..reply(200, "application/pdf", PDF)
            },
            "/busy.pdf" => {
                let mut r = reply(503, "text/plain", b"busy".to_vec());
                r.headers.push(("Retry-After".into(), "3600".into()));
                r
            }
            "/slow.pdf" => Reply {
                delay: Duration::from_millis(3000),
                ..reply(200, "application/pdf", PDF)
            },
            "/big.pdf" => reply(200, "application/pdf", vec![b'x'; 300_000]),
            "/big-unsized.pdf" => Reply {
                no_length: true,
                ..reply(200, "application/pdf", vec![b'x'; 300_000])
            },
            "/cut.pdf" => Reply {
                cut_after: Some(100),
                ..reply(200, "application/pdf", vec![b'x'; 1000])
            },
            "/gzip.html" | "/deflate.html" | "/br.html" => {
                let page = std::fs::read(corpus().join("003_0427b4530d9cecfe.html")).unwrap();
                let (enc, body) = match path {
                    "/gzip.html" => ("gzip", gzip(&page)),
                    "/deflate.html" => ("deflate", zlib(&page)),
                    _ => ("br", brotli_stored(&page)),
                };
                let mut r = reply(200, "text/html; charset=utf-8", body);
                r.headers.push(("Content-Encoding".into(), enc.into()));
                r
            }
            "/start" => {
                let mut r = reply(302, "text/html", vec![]);
                r.headers
                    .push(("Location".into(), "/start/index.html".into()));
                r
            }
            "/start/index.html" => resource(
                h,
                "text/html",
                b"<html><body><a href=\"index.html\">top</a><a href=\"a.pdf\">a</a></body></html>"
                    .to_vec(),
            ),
            "/level0.html" => resource(
                h,
                "text/html",
                b"<html><body><a href=\"/level1.html\">1</a></body></html>".to_vec(),
            ),
            "/level1.html" => resource(
                h,
                "text/html",
                b"<html><body><a href=\"/level2.pdf\">2</a></body></html>".to_vec(),
            ),
            "/level2.pdf" => resource(h, "application/pdf", PDF.to_vec()),
            p if p == JP_PDF => resource(h, "application/pdf", PDF.to_vec()),
            p if p.starts_with("/rate/") => resource(h, "application/pdf", PDF.to_vec()),
            p if p.starts_with("/corpus/") => {
                let name = &p["/corpus/".len()..];
                match std::fs::read(corpus().join(name)) {
                    Ok(b) if !name.contains('/') && !name.contains("..") => {
                        // The Shift_JIS and EUC-JP renderings say their charset only in a <meta>.
                        let ctype = if name.ends_with(".sjis.html") || name.ends_with(".eucjp.html")
                        {
                            "text/html"
                        } else {
                            "text/html; charset=utf-8"
                        };
                        resource(h, ctype, b)
                    }
                    _ => reply(404, "text/plain", b"not found".to_vec()),
                }
            }
            _ => reply(404, "text/plain", b"not found".to_vec()),
        }
    });
    *port.lock().unwrap() = server.addr.port();
    server
}

fn opts(cache: Option<&Path>) -> FetchOptions {
    FetchOptions {
        cache_dir: cache.map(Path::to_path_buf),
        rate_per_host: 0.0,
        // Short, but roomy enough for a loaded machine: the slow answers
        // below take 3 s.
        timeout_connect: Duration::from_secs(1),
        timeout_total: Duration::from_secs(1),
        max_bytes: 100 << 10,
        retries: 2,
        retry_delay: Duration::from_millis(10),
        max_retry_wait: Duration::from_secs(5),
        proxy_from_env: false,
        ..Default::default()
    }
}

fn reason(r: &torikumi::Result<Fetched>) -> String {
    match r {
        Ok(f) => panic!("expected an error, got HTTP {} for {}", f.status, f.url),
        Err(e) => {
            assert_eq!(e.stage(), torikumi::Stage::Source);
            match e.kind() {
                ErrorKind::Fetch(m) => m.clone(),
                k => panic!("not a fetch error: {k}"),
            }
        }
    }
}

/// All files under a directory, relative.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------- tests

#[test]
fn follow_fetch_cache_revalidate_offline() {
    let s = site();
    let cache = tempfile::tempdir().unwrap();
    let f = Fetcher::new(opts(Some(cache.path()))).unwrap();
    let start = s.url("/index.html");
    let Discovery { documents, skipped } = f.discover(std::slice::from_ref(&start));

    // Start page first, then each report once, in page order; no nav/header/
    // footer links, no other host, no mailto/javascript.
    let expected: Vec<String> = [
        "/index.html",
        "/corpus/000_a9577f83c0b17823.html",
        "/redirect/001",
        JP_PDF,
        "/doc/data.xlsx",
        "/missing.pdf",
        "/flaky.html",
        "/slow.pdf",
        "/big.pdf",
        "/sjis/index.html",
    ]
    .iter()
    .map(|p| s.url(p))
    .collect();
    assert_eq!(documents, expected);
    let skipped: Vec<(String, SkipKind, String)> = skipped
        .into_iter()
        .map(|k| (k.url.replace(&s.url(""), ""), k.kind, k.reason))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (
                "/doc/plan.doc".into(),
                SkipKind::Unsupported,
                "format not supported yet (doc)".into()
            ),
            (
                "/private/secret.pdf".into(),
                SkipKind::Robots,
                "disallowed by robots.txt".into()
            ),
            (
                "/img/photo.jpg".into(),
                SkipKind::NotDocument,
                "not a document (jpg)".into()
            ),
        ]
    );
    // Discovery fetched only robots.txt and the index page.
    let paths: Vec<String> = s.hits().iter().map(|h| h.path.clone()).collect();
    assert_eq!(paths, vec!["/robots.txt", "/index.html"]);

    // Fetch every document, as the pipeline does.
    let results: Vec<torikumi::Result<Fetched>> = documents.iter().map(|u| f.fetch(u)).collect();
    let by = |p: &str| &results[expected.iter().position(|u| u == &s.url(p)).unwrap()];

    let index = by("/index.html").as_ref().unwrap();
    assert_eq!(index.status, 200);
    assert!(!index.from_cache);
    assert_eq!(index.charset.as_deref(), Some("utf-8"));
    assert_eq!(
        s.count("/index.html"),
        1,
        "the page discovery fetched is not downloaded again"
    );

    let r000 = by("/corpus/000_a9577f83c0b17823.html").as_ref().unwrap();
    assert_eq!(
        r000.bytes,
        std::fs::read(corpus().join("000_a9577f83c0b17823.html")).unwrap()
    );
    assert_eq!(r000.final_url, s.url("/corpus/000_a9577f83c0b17823.html"));
    assert!(
        r000.fetched_at.ends_with('Z') && r000.fetched_at.len() == 20,
        "{}",
        r000.fetched_at
    );

    let r001 = by("/redirect/001").as_ref().unwrap();
    assert_eq!(r001.url, s.url("/redirect/001"));
    assert_eq!(r001.final_url, s.url("/corpus/001_0f3b5a0d2379652b.html"));
    assert_eq!(r001.status, 200);
    assert_eq!(r001.info().final_url, r001.final_url);

    let jp = by(JP_PDF).as_ref().unwrap();
    assert_eq!(
        torikumi::detect::format(&jp.bytes),
        Some(torikumi::Format::Pdf)
    );
    assert_eq!(
        s.count(JP_PDF),
        1,
        "the two spellings of 報告書.pdf are one file"
    );

    assert_eq!(reason(by("/missing.pdf")), "HTTP 404");
    let flaky = by("/flaky.html").as_ref().unwrap();
    assert_eq!(flaky.status, 200);
    assert_eq!(s.count("/flaky.html"), 2, "one 500, one retry");
    assert_eq!(reason(by("/slow.pdf")), "timed out after 1 s");
    assert_eq!(s.count("/slow.pdf"), 1, "a timeout is not retried");
    assert_eq!(reason(by("/big.pdf")), "response larger than 100 KB");
    let sjis = by("/sjis/index.html").as_ref().unwrap();
    assert_eq!(sjis.charset, None);

    // Nothing forbidden or skipped was ever requested.
    for p in [
        "/private/secret.pdf",
        "/doc/plan.doc",
        "/nav-only.html",
        "/corpus/003_0427b4530d9cecfe.html",
    ] {
        assert_eq!(s.count(p), 0, "{p} was requested");
    }
    assert_eq!(s.count("/robots.txt"), 1);
    // Every request names torikumi and offers compression.
    for h in s.hits() {
        assert_eq!(
            h.headers["user-agent"],
            format!("torikumi/{}", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(h.headers["accept-encoding"], "gzip, deflate, br");
    }

    // The cache: one metadata file per fetched URL (robots.txt included),
    // bodies by hash, nothing for the failures, no temporary files.
    let ok: Vec<&Fetched> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(ok.len(), 6);
    let cached = files(cache.path());
    let metas = cached
        .iter()
        .filter(|p| p.starts_with("meta/") && p.ends_with(".json"))
        .count();
    let bodies = cached.iter().filter(|p| p.starts_with("bodies/")).count();
    assert_eq!(metas, ok.len() + 1, "{cached:?}");
    assert_eq!(bodies, ok.len() + 1, "{cached:?}");
    assert_eq!(metas + bodies, cached.len(), "stray files: {cached:?}");
    let meta: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            cache
                .path()
                .join(cached.iter().find(|p| p.starts_with("meta/")).unwrap()),
        )
        .unwrap(),
    )
    .unwrap();
    for key in [
        "url",
        "final_url",
        "status",
        "etag",
        "last_modified",
        "sha256",
        "content_type",
        "fetched_at",
    ] {
        assert!(meta.get(key).is_some(), "metadata lacks {key}: {meta}");
    }

    // Second run, new fetcher, same cache: conditional requests only, and
    // not one body byte downloaded.
    s.clear();
    let f2 = Fetcher::new(opts(Some(cache.path()))).unwrap();
    let again = f2.discover(std::slice::from_ref(&start));
    assert_eq!(again.documents, documents);
    for r in &ok {
        let g = f2.fetch(&r.url).unwrap();
        assert_eq!(g.bytes, r.bytes);
        assert!(g.from_cache);
        assert_eq!(g.status, 304);
        assert_eq!(g.final_url, r.final_url);
    }
    let hits = s.hits();
    assert_eq!(
        hits.iter().map(|h| h.body_bytes).sum::<usize>(),
        0,
        "{hits:?}"
    );
    for h in &hits {
        if h.status != 302 {
            assert_eq!(h.status, 304, "{}", h.path);
            assert!(
                h.headers.contains_key("if-none-match")
                    && h.headers.contains_key("if-modified-since"),
                "{}",
                h.path
            );
        }
    }
    // robots.txt, index, 000, redirect + its target, 報告書.pdf, flaky, sjis.
    assert_eq!(hits.len(), 8, "{hits:?}");

    // Offline: the cache only, no request at all.
    s.clear();
    let off = Fetcher::new(FetchOptions {
        offline: true,
        ..opts(Some(cache.path()))
    })
    .unwrap();
    assert_eq!(
        off.discover(std::slice::from_ref(&start)).documents,
        documents
    );
    for r in &ok {
        let g = off.fetch(&r.url).unwrap();
        assert_eq!(g.bytes, r.bytes);
        assert!(g.from_cache);
        assert_eq!(g.status, r.status);
    }
    assert_eq!(
        reason(&off.fetch(&s.url("/missing.pdf"))),
        "not in cache (--offline)"
    );
    assert!(s.hits().is_empty());
}

#[test]
fn shift_jis_index_without_charset() {
    let s = site();
    let f = Fetcher::new(opts(None)).unwrap();
    let d = f.discover(&[s.url("/sjis/index.html")]);
    assert_eq!(
        d.documents,
        vec![
            s.url("/sjis/index.html"),
            s.url("/corpus/000_a9577f83c0b17823.sjis.html"),
            s.url("/corpus/001_0f3b5a0d2379652b.sjis.html"),
            s.url(JP_PDF),
        ]
    );
    assert_eq!(d.skipped.len(), 1);
    assert_eq!(d.skipped[0].url, s.url("/doc/%E6%A7%98%E5%BC%8F.jtd"));
    assert_eq!(d.skipped[0].found_on, s.url("/sjis/index.html"));
    let page = f.fetch(&d.documents[0]).unwrap();
    let (enc, _) = torikumi::detect::encoding(&page.bytes, page.charset.as_deref(), true);
    assert_eq!(enc, encoding_rs::SHIFT_JIS);
    let doc = f.fetch(&d.documents[2]).unwrap();
    let (enc, src) = torikumi::detect::encoding(&doc.bytes, doc.charset.as_deref(), true);
    assert_eq!(
        (enc, src),
        (
            encoding_rs::SHIFT_JIS,
            torikumi::detect::EncodingSource::Meta
        )
    );
    assert_eq!(
        s.count(JP_PDF),
        0,
        "discovery does not download linked PDFs"
    );
    assert!(f.fetch(&d.documents[3]).is_ok());
}

#[test]
fn depth_levels() {
    let s = site();
    let f = |depth| {
        Fetcher::new(FetchOptions {
            depth,
            ..opts(None)
        })
        .unwrap()
        .discover(&[s.url("/level0.html")])
        .documents
    };
    let urls = |ps: &[&str]| ps.iter().map(|p| s.url(p)).collect::<Vec<_>>();
    assert_eq!(f(0), urls(&["/level0.html"]));
    assert_eq!(f(1), urls(&["/level0.html", "/level1.html"]));
    assert_eq!(f(2), urls(&["/level0.html", "/level1.html", "/level2.pdf"]));
}

#[test]
fn errors_say_why() {
    let s = site();
    let cache = tempfile::tempdir().unwrap();
    let f = Fetcher::new(opts(Some(cache.path()))).unwrap();
    assert_eq!(
        reason(&f.fetch(&s.url("/private/secret.pdf"))),
        "disallowed by robots.txt"
    );
    assert_eq!(s.count("/private/secret.pdf"), 0);
    assert_eq!(
        reason(&f.fetch(&s.url("/loop"))),
        "too many redirects (more than 5)"
    );
    assert_eq!(s.count("/loop"), 6);
    let busy = reason(&f.fetch(&s.url("/busy.pdf")));
    assert!(
        busy.starts_with("HTTP 503; the server asks to wait 3600 s"),
        "{busy}"
    );
    assert_eq!(s.count("/busy.pdf"), 1);
    assert_eq!(
        reason(&f.fetch(&s.url("/big-unsized.pdf"))),
        "response larger than 100 KB"
    );
    // A cut-off body fails (after its retries) and leaves nothing in the cache.
    let cut = reason(&f.fetch(&s.url("/cut.pdf")));
    assert!(
        cut.starts_with("connection failed") && cut.ends_with("(after 2 retries)"),
        "{cut}"
    );
    assert_eq!(s.count("/cut.pdf"), 3);
    let cached = files(cache.path());
    assert!(
        cached
            .iter()
            .all(|p| p.starts_with("meta/") || p.starts_with("bodies/")),
        "{cached:?}"
    );
    assert_eq!(cached.len(), 2, "robots.txt only: {cached:?}");
    assert!(reason(&f.fetch("ftp://127.0.0.1/x")).contains("not an http(s) URL"));
    assert!(reason(&f.fetch("not a url")).contains("invalid URL"));
}

#[test]
fn compressed_bodies() {
    let s = site();
    let f = Fetcher::new(opts(None)).unwrap();
    let page = std::fs::read(corpus().join("003_0427b4530d9cecfe.html")).unwrap();
    assert_eq!(f.fetch(&s.url("/gzip.html")).unwrap().bytes, page);
    assert_eq!(f.fetch(&s.url("/deflate.html")).unwrap().bytes, page);
    assert_eq!(f.fetch(&s.url("/br.html")).unwrap().bytes, page);
}

#[test]
fn rate_limit_holds_across_threads() {
    let s = site();
    let f = Fetcher::new(FetchOptions {
        rate_per_host: 10.0,
        ..opts(None)
    })
    .unwrap();
    std::thread::scope(|scope| {
        for i in 0..4 {
            let (f, url) = (&f, s.url(&format!("/rate/{i}.pdf")));
            scope.spawn(move || f.fetch(&url).unwrap());
        }
    });
    let mut times: Vec<Instant> = s.hits().iter().map(|h| h.at).collect();
    assert_eq!(times.len(), 5, "robots.txt once, then the four documents");
    assert_eq!(s.count("/robots.txt"), 1);
    times.sort();
    for w in times.windows(2) {
        let gap = w[1] - w[0];
        assert!(
            gap >= Duration::from_millis(90),
            "requests {gap:?} apart at 10 per second"
        );
    }
}

#[test]
fn retry_after_is_honoured() {
    let s = site();
    // A backoff of 1 ms: only the server's Retry-After: 1 explains a wait of a second.
    let f = Fetcher::new(FetchOptions {
        retry_delay: Duration::from_millis(1),
        ..opts(None)
    })
    .unwrap();
    let t = Instant::now();
    let got = f.fetch(&s.url("/limited.pdf")).unwrap();
    assert_eq!(got.status, 200);
    assert!(
        t.elapsed() >= Duration::from_millis(950),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(s.count("/limited.pdf"), 2);
}

#[test]
fn slow_body_times_out() {
    let s = site();
    let f = Fetcher::new(opts(None)).unwrap();
    // The headers come at once, the body 3 s later: the total timeout ends it.
    assert_eq!(
        reason(&f.fetch(&s.url("/trickle.pdf"))),
        "timed out after 1 s"
    );
}

#[test]
fn crawl_delay_is_honoured() {
    let s = Server::start(|path, h| match path {
        "/robots.txt" => resource(
            h,
            "text/plain",
            b"User-agent: *\nCrawl-delay: 0.3\n".to_vec(),
        ),
        _ => resource(h, "application/pdf", PDF.to_vec()),
    });
    let f = Fetcher::new(opts(None)).unwrap();
    for i in 0..3 {
        f.fetch(&s.url(&format!("/{i}.pdf"))).unwrap();
    }
    let times: Vec<Instant> = s
        .hits()
        .iter()
        .filter(|h| h.path != "/robots.txt")
        .map(|h| h.at)
        .collect();
    assert_eq!(times.len(), 3);
    for w in times.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(280),
            "{:?}",
            w[1] - w[0]
        );
    }
}

#[test]
fn https_with_a_given_root() {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    // A self-signed certificate for 127.0.0.1, made once with openssl for these tests.
    let cert_pem = std::fs::read(data.join("loopback-cert.pem")).unwrap();
    let certs: Vec<CertificateDer> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(data.join("loopback-key.pem")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let s = Server::start_with(Some(Arc::new(cfg)), |_, h| {
        resource(h, "application/pdf", PDF.to_vec())
    });
    let url = format!("https://{}/r.pdf", s.addr);
    // With the built-in roots the self-signed certificate is refused...
    let plain = Fetcher::new(FetchOptions {
        respect_robots: false,
        ..opts(None)
    })
    .unwrap();
    let refused = reason(&plain.fetch(&url));
    assert!(
        refused.starts_with("TLS error: invalid peer certificate"),
        "{refused}"
    );
    // ...and trusted when given as the root.
    let f = Fetcher::new(FetchOptions {
        respect_robots: false,
        root_certs_pem: cert_pem,
        ..opts(None)
    })
    .unwrap();
    let got = f.fetch(&url).unwrap();
    assert_eq!(got.bytes, PDF);
    assert_eq!(got.final_url, url);
}

#[test]
fn redirected_start_page_is_not_taken_twice() {
    let s = site();
    let f = Fetcher::new(opts(None)).unwrap();
    let d = f.discover(&[s.url("/start")]);
    assert_eq!(d.documents, vec![s.url("/start"), s.url("/start/a.pdf")]);
}
