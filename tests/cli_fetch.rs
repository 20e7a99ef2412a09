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
    assert_eq!(docs[3]["initiatives"], 38);
    assert_eq!(docs[3]["error"], serde_json::Value::Null);
    // The Shift_JIS page (no charset in the header) is read and has its items.
    assert_eq!(docs[1]["initiatives"], 38);
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
