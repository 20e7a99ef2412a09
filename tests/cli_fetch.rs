//! `torikumi ingest URL --follow` end to end against a loopback server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

/// Serves `corpus/` and an index page on 127.0.0.1 until the test ends.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, ctype, body) = match path.as_str() {
                "/index.html" => (
                    "200 OK",
                    "text/html",
                    "<html><body><nav><a href='/menu.html'>menu</a></nav><h1>報告書</h1><ul>\
                     <li><a href='004_0736b6ba3a49c0cc.sjis.html'>推進管理表</a></li>\
                     <li><a href='/001_0f3b5a0d2379652b.html#top'>地域づくり</a></li>\
                     <li><a href='004_0736b6ba3a49c0cc.xlsx'>推進管理表（Excel）</a></li>\
                     <li><a href='様式.doc'>様式</a></li></ul></body></html>"
                        .as_bytes()
                        .to_vec(),
                ),
                "/robots.txt" => ("404 Not Found", "text/plain", Vec::new()),
                p => match std::fs::read(root.join(p.trim_start_matches('/'))) {
                    Ok(b) => ("200 OK", "text/html", b),
                    Err(_) => ("404 Not Found", "text/plain", Vec::new()),
                },
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}")
}

#[test]
fn follow_fetches_linked_reports_and_lists_skipped_ones() {
    let base = serve();
    let out = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_torikumi"))
        .args([
            "ingest",
            &format!("{base}/index.html"),
            "--follow",
            "--rate",
            "0",
            "--quiet",
            "--cache",
        ])
        .arg(cache.path())
        .arg("--out")
        .arg(out.path())
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let docs: Vec<serde_json::Value> = std::fs::read_to_string(out.path().join("documents.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sources: Vec<&str> = docs.iter().map(|d| d["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        vec![
            format!("{base}/index.html"),
            format!("{base}/004_0736b6ba3a49c0cc.sjis.html"),
            format!("{base}/001_0f3b5a0d2379652b.html"),
            format!("{base}/004_0736b6ba3a49c0cc.xlsx"),
            format!("{base}/%E6%A7%98%E5%BC%8F.doc"),
        ]
    );
    // The Excel file is fetched and read like the HTML page of the same report.
    assert_eq!(docs[3]["format"], "xlsx");
    // (Seed 004 has 38 gold initiatives; the trained reader finds most.)
    assert!(docs[3]["initiatives"].as_u64().unwrap() >= 30);
    assert_eq!(docs[3]["error"], serde_json::Value::Null);
    // The Shift_JIS page (no charset in the header) is read and has its items.
    assert!(docs[1]["initiatives"].as_u64().unwrap() >= 30);
    assert_eq!(docs[1]["fetch"]["status"], 200);
    assert!(
        docs[4]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("not supported"),
        "{}",
        docs[4]
    );
}

/// `torikumi map` with URL lines under an empty environment (no HOME, no
/// proxy variables): the cache goes where --cache says, and a second run
/// with --offline reads the same records from it.
#[test]
fn map_fetches_into_the_cache_it_is_given_then_reads_it_offline() {
    let base = serve();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let lines = format!("{base}/000_a9577f83c0b17823.html\n{base}/missing.pdf\n");
    let map = |extra: &[&str]| {
        let mut child = Command::new("/usr/bin/env")
            .arg("-i")
            .arg(env!("CARGO_BIN_EXE_torikumi"))
            .args(["map", "--rate", "0", "--cache"])
            .arg(&cache)
            .args(extra)
            .current_dir(work.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(lines.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let online = map(&[]);
    let docs: Vec<serde_json::Value> = online
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["kind"] == "document")
        .collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["fetch"]["status"], 200);
    assert!(docs[0]["initiatives"].as_u64().unwrap() > 0);
    assert!(
        docs[1]["error"].as_str().unwrap().contains("404"),
        "{}",
        docs[1]
    );
    assert!(
        cache.join("bodies").is_dir(),
        "the cache is where --cache said"
    );
    // Nothing else in the working directory.
    assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 1);
    // Offline, from the cache: the same records but for how they were fetched.
    let offline = map(&["--offline"]);
    let strip = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                if let Some(o) = v.as_object_mut() {
                    o.remove("fetch");
                    o.remove("error");
                }
                v
            })
            .collect()
    };
    let (a, b) = (strip(&online), strip(&offline));
    assert_eq!(a.len(), b.len());
    assert_eq!(a[..a.len() - 1], b[..b.len() - 1]);
}
