//! Hostile and broken input, through the real binary with limits.
//!
//! Every file is built here, in a temporary directory, at test time: no
//! binary blobs are committed. Each case has an expected outcome (an error
//! substring, a warning substring, or output), the batch is bounded in time,
//! and its peak resident memory (`ru_maxrss` of the child, from `wait4`) must
//! stay under 500 MB.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Peak RSS allowed for a whole hostile batch.
const MAX_RSS_KB: i64 = 500 * 1024;

// ---------------------------------------------------------------------------
// PDF building blocks (hand-written files, byte offsets computed here).

/// A PDF from numbered objects (bodies without `N 0 obj`), with a correct
/// xref table, `trailer_extra` added to the trailer, object 1 the catalog.
fn pdf(objects: &[(u32, Vec<u8>)], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let size = objects.iter().map(|(n, _)| *n).max().unwrap_or(0) + 1;
    let mut offsets = vec![None; size as usize];
    for (n, body) in objects {
        offsets[*n as usize] = Some(out.len());
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for off in &offsets {
        match off {
            Some(o) => out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes()),
            None => out.extend_from_slice(b"0000000000 65535 f \n"),
        }
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

fn obj(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// A stream object body.
fn stream(dict_extra: &str, data: &[u8]) -> Vec<u8> {
    let mut v = format!("<< /Length {} {dict_extra} >>\nstream\n", data.len()).into_bytes();
    v.extend_from_slice(data);
    v.extend_from_slice(b"\nendstream");
    v
}

/// Catalog, one-page tree and a Helvetica font: objects 1, 2, 3 and 5. The
/// page's content is object 4 and `page_extra` goes into the page dictionary.
fn one_page(page_extra: &str) -> Vec<(u32, Vec<u8>)> {
    vec![
        (1, obj("<< /Type /Catalog /Pages 2 0 R >>")),
        (2, obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")),
        (
            3,
            obj(&format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                 /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R {page_extra} >>"
            )),
        ),
        (
            5,
            obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
        ),
    ]
}

const TEXT: &[u8] =
    b"BT /F1 14 Tf 72 760 Td (Annual report on local initiatives) Tj 0 -24 Td (Project one: a workshop) Tj 0 -24 Td (Project two: a survey) Tj ET";

/// A well-formed one-page PDF with some text.
fn good_pdf() -> Vec<u8> {
    let mut o = one_page("");
    o.push((4, stream("", TEXT)));
    pdf(&o, "")
}

/// A zlib stream that inflates to `mib` MiB of zeros: one MiB of zeros
/// compressed with a full flush (a byte-aligned block that needs no earlier
/// data), repeated, then an empty final block and the Adler-32 of the whole.
fn zlib_bomb(mib: u64) -> Vec<u8> {
    let zeros = vec![0u8; 1 << 20];
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let mut chunk = Vec::with_capacity(1 << 20);
    c.compress_vec(&zeros, &mut chunk, flate2::FlushCompress::Full)
        .unwrap();
    assert_eq!(c.total_in(), 1 << 20);
    assert!(
        chunk.ends_with(&[0, 0, 0xff, 0xff]),
        "full flush ends aligned"
    );
    let mut out = vec![0x78, 0xda];
    for _ in 0..mib {
        out.extend_from_slice(&chunk);
    }
    out.extend_from_slice(&[0x03, 0x00]); // final fixed-Huffman block, end of block only
    let total = mib << 20;
    let (a, b) = (1u32, (total % 65521) as u32); // Adler-32 of zeros
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// `n` nested arrays.
/// An XLSX package whose one sheet inflates to `mib` MiB of zeros.
fn zip_bomb(mib: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("[Content_Types].xml", opts).unwrap();
    w.write_all(br#"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#).unwrap();
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..mib {
        w.write_all(&chunk).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// What Office writes for a password-protected DOCX/XLSX: a compound file
/// with `EncryptionInfo` and `EncryptedPackage` streams.
fn encrypted_ooxml() -> Vec<u8> {
    let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    cf.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[7u8; 8192])
        .unwrap();
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

fn nested(n: usize) -> Vec<u8> {
    let mut v = vec![b'['; n];
    v.extend(std::iter::repeat_n(b']', n));
    v
}

// ---------------------------------------------------------------------------
// Running the binary and reading its output.

struct Run {
    docs: Vec<Value>,
    peak_rss_kb: i64,
    elapsed: Duration,
    stderr: String,
}

/// Runs `torikumi ingest @manifest` with `args`, waits at most `limit`
/// (then kills it and fails), and measures the child's peak RSS with wait4.
/// `during` runs once the batch has created its staging directory.
fn ingest(
    dir: &Path,
    inputs: &[PathBuf],
    args: &[&str],
    limit: Duration,
    during: impl FnOnce(),
) -> Run {
    let manifest = dir.join("manifest.txt");
    let mut m = String::new();
    for p in inputs {
        m.push_str(&p.to_string_lossy());
        m.push('\n');
    }
    fs::write(&manifest, m).unwrap();
    let out = dir.join("out");
    let err_path = dir.join("stderr.txt");
    let start = Instant::now();
    // Reaped below by wait4 (for its rusage), not by Child::wait.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_torikumi"))
        .arg("ingest")
        .arg(format!("@{}", manifest.display()))
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let staging = torikumi::emit::staging_dir(&out);
    let mut during = Some(during);
    let (status, usage) = loop {
        if during.is_some() && staging.exists() {
            (during.take().unwrap())();
        }
        let mut status = 0;
        // SAFETY: plain FFI calls on our own child's pid with valid pointers.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(r >= 0, "wait4 failed");
        if r == pid {
            break (status, usage);
        }
        if start.elapsed() > limit {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            unsafe { libc::waitpid(pid, &mut status, 0) };
            panic!(
                "batch still running after {limit:?}; stderr:\n{}",
                fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    if let Some(f) = during {
        f();
    }
    let elapsed = start.elapsed();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    assert!(
        libc::WIFEXITED(status),
        "torikumi was killed by a signal ({status:#x}); stderr:\n{stderr}"
    );
    // Exit status 1: some documents failed, the batch itself completed.
    assert_eq!(libc::WEXITSTATUS(status), 1, "stderr:\n{stderr}");
    let docs = fs::read_to_string(out.join("documents.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    Run {
        docs,
        peak_rss_kb: usage.ru_maxrss,
        elapsed,
        stderr,
    }
}

impl Run {
    fn doc(&self, name: &str) -> &Value {
        self.docs
            .iter()
            .find(|d| d["source"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no record for {name}; stderr:\n{}", self.stderr))
    }
    fn error(&self, name: &str) -> String {
        let d = self.doc(name);
        match d["error"].as_str() {
            Some(e) => e.to_string(),
            None => panic!("{name}: expected an error, got {d}"),
        }
    }
    fn warnings(&self, name: &str) -> String {
        let d = self.doc(name);
        assert!(d["error"].is_null(), "{name}: unexpected error in {d}");
        d["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }
    fn initiatives(&self, name: &str) -> u64 {
        let d = self.doc(name);
        assert!(d["error"].is_null(), "{name}: unexpected error in {d}");
        d["initiatives"].as_u64().unwrap()
    }
}

fn corpus(name: &str) -> Vec<u8> {
    fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(name),
    )
    .unwrap()
}

/// A single-line HTML page of about `mb` MB, written in pieces.
fn huge_html(path: &Path, mb: usize) {
    let mut f = std::io::BufWriter::new(fs::File::create(path).unwrap());
    f.write_all(
        b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body><p>",
    )
    .unwrap();
    let piece = "○地域の研修会を開催し、参加者を増やします。".repeat(100);
    let mut written = 0;
    while written < mb << 20 {
        f.write_all(piece.as_bytes()).unwrap();
        written += piece.len();
    }
    f.write_all(b"</p></body></html>").unwrap();
}

// ---------------------------------------------------------------------------

/// The hostile corpus: every case with its expected outcome, good documents
/// between them, one batch, bounded in time and memory.
#[test]
fn hostile_batch_is_bounded_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // benches/memory.sh keeps the batch (TORIKUMI_HOSTILE_DIR) to measure it
    // at the default limits.
    let keep = std::env::var_os("TORIKUMI_HOSTILE_DIR").map(PathBuf::from);
    if let Some(k) = &keep {
        fs::create_dir_all(k).unwrap();
        let _ = fs::remove_file(k.join("fifo.txt"));
    }
    let d = keep.as_deref().unwrap_or(tmp.path());
    let mut inputs = Vec::new();
    let good_html = corpus("000_a9577f83c0b17823.html");
    let good_txt = corpus("001_0f3b5a0d2379652b.txt");
    // Writes a case (unless `bytes` is empty: already there) and lists it.
    let mut add = |name: &str, bytes: &[u8]| {
        let p = d.join(name);
        if !bytes.is_empty() {
            fs::write(&p, bytes).unwrap();
        }
        inputs.push(p);
    };

    add("good-1.html", &good_html);

    // A PDF cut off at 60 %: no xref, no trailer, the content stream open.
    let g = good_pdf();
    add("truncated.pdf", &g[..g.len() * 6 / 10]);
    // startxref pointing far past the end of the file.
    let mut x = good_pdf();
    let at = x.windows(9).rposition(|w| w == b"startxref").unwrap();
    x.truncate(at);
    x.extend_from_slice(b"startxref\n999999999\n%%EOF\n");
    add("xref-past-end.pdf", &x);
    // Objects that reference themselves: the content stream and a resource.
    let mut o = one_page("/Annots 6 0 R");
    o[2].1 = obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                   /Resources 7 0 R /Contents 4 0 R /Annots 6 0 R >>");
    o.push((4, obj("4 0 R")));
    o.push((6, obj("6 0 R")));
    o.push((7, obj("7 0 R")));
    add("self-reference.pdf", &pdf(&o, ""));
    // A page tree whose node lists itself (and its parent) among its kids.
    let mut o = one_page("");
    o[1].1 = obj("<< /Type /Pages /Kids [2 0 R 3 0 R 1 0 R] /Count 2 /Parent 2 0 R >>");
    o.push((4, stream("", TEXT)));
    add("page-tree-loop.pdf", &pdf(&o, ""));
    // A page tree of 100,000 distinct pages (a 6 MB file), and one listing
    // the same page 100,000 times.
    let mut o = one_page("");
    let n = 100_000;
    let kids: String = (0..n).map(|k| format!("{} 0 R ", 10 + k)).collect();
    o[1].1 = obj(&format!("<< /Type /Pages /Kids [{kids}] /Count {n} >>"));
    o.push((4, stream("", TEXT)));
    for k in 0..n {
        o.push((
            10 + k,
            obj("<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"),
        ));
    }
    add("many-pages.pdf", &pdf(&o, ""));
    let mut o = one_page("");
    let kids = "3 0 R ".repeat(100_000);
    o[1].1 = obj(&format!("<< /Type /Pages /Kids [{kids}] /Count 100000 >>"));
    o.push((4, stream("", TEXT)));
    add("same-page-repeated.pdf", &pdf(&o, ""));
    // A Flate content stream that inflates to 2 GiB (a 2 MB file).
    let bomb = zlib_bomb(2048);
    {
        // The bomb is real: its first 32 MiB inflate to zeros.
        use std::io::Read;
        let mut z = flate2::read::ZlibDecoder::new(&bomb[..]).take(32 << 20);
        let mut buf = Vec::new();
        z.read_to_end(&mut buf).unwrap();
        assert_eq!(buf.len(), 32 << 20);
        assert!(buf.iter().all(|&b| b == 0));
    }
    let mut o = one_page("");
    o.push((4, stream("/Filter /FlateDecode", &bomb)));
    add("zlib-bomb.pdf", &pdf(&o, ""));
    // 100,000 nested arrays, as an object and inside the content stream.
    let mut o = one_page("/Annots 6 0 R");
    o.push((4, stream("", TEXT)));
    o.push((6, nested(100_000)));
    add("deep-array-object.pdf", &pdf(&o, ""));
    let mut content = TEXT.to_vec();
    content.extend_from_slice(b"\n");
    content.extend_from_slice(&nested(100_000));
    content.extend_from_slice(b" pop\n");
    let mut o = one_page("");
    o.push((4, stream("", &content)));
    add("deep-array-content.pdf", &pdf(&o, ""));
    // Standard security handler with a non-empty user password (/U is not
    // the empty password's), so the file cannot be opened.
    let mut o = one_page("");
    o.push((4, stream("", TEXT)));
    o.push((
        6,
        obj(&format!(
            "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <{}> /U <{}> >>",
            "5a".repeat(32),
            "c3".repeat(32)
        )),
    ));
    let id = "0123456789abcdef0123456789abcdef";
    add(
        "encrypted.pdf",
        &pdf(&o, &format!("/Encrypt 6 0 R /ID [<{id}> <{id}>]")),
    );
    // A Type0 font whose ToUnicode CMap is cut off and malformed.
    let mut o = one_page("");
    o[3].1 = obj(
        "<< /Type /Font /Subtype /Type0 /BaseFont /Broken /Encoding /Identity-H \
                   /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
    );
    o.push((
        4,
        stream("", b"BT /F1 12 Tf 72 760 Td <00010002000300040005> Tj ET"),
    ));
    o.push((
        7,
        obj(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Broken /DW 1000 \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        ),
    ));
    o.push((
        8,
        stream(
            "",
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              1 begincodespacerange <0000> <FFFF endcodespacerange\n\
              3 beginbfchar <0001> <30 <zz> <0002> endbfrange\n\
              99999999999 beginbfrange <0000> <FFFF> [ <0041> <",
        ),
    ));
    add("broken-cmap.pdf", &pdf(&o, ""));

    add("good-2.txt", &good_txt);

    // 100 MB on one line: refused by --max-size before it is read.
    huge_html(&d.join("huge-line.html"), 100);
    add("huge-line.html", &[]);
    // Declared UTF-8, encoded in Shift_JIS.
    let page = "<html><head><meta charset=\"utf-8\"><title>計画</title></head><body>\
                <h1>重点施策</h1><ul><li>○地域の研修会を開催します。</li>\
                <li>○子育て相談窓口を設置します。</li></ul></body></html>";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(page);
    add("charset-mismatch.html", &sjis);
    // 100,000 nested elements.
    let deep = format!(
        "<html><body>{}<p>○深い入れ子</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    add("deep-nesting.html", deep.as_bytes());
    // 1 MiB of NUL bytes.
    add("nul.txt", &vec![0u8; 1 << 20]);
    // A zip bomb: an XLSX whose sheet inflates to 256 MiB from about 256 KB.
    add("zip-bomb.xlsx", &zip_bomb(256));
    // A password-protected OOXML file (an OLE2 file with an EncryptedPackage).
    add("encrypted.docx", &encrypted_ooxml());
    // A good workbook among them.
    add("good-4.xlsx", &corpus("004_0736b6ba3a49c0cc.xlsx"));
    // A FIFO where a file is expected (nobody ever writes to it).
    let c = std::ffi::CString::new(d.join("fifo.txt").to_string_lossy().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    add("fifo.txt", &[]);

    add("good-3.pdf", &good_pdf());

    let run = ingest(
        d,
        &inputs,
        &[
            "--threads",
            "2",
            "--max-size",
            "64",
            "--max-stream",
            "16",
            "--max-pages",
            "1000",
            // Not the default (64), to show the flag reaches the readers.
            "--max-depth",
            "32",
            "--timeout",
            "30",
        ],
        Duration::from_secs(180),
        || {},
    );
    eprintln!(
        "hostile batch: {} documents in {:.1} s, peak RSS {} MB",
        run.docs.len(),
        run.elapsed.as_secs_f64(),
        run.peak_rss_kb / 1024
    );
    for doc in &run.docs {
        eprintln!("  {doc}");
    }
    assert_eq!(run.docs.len(), inputs.len(), "one record per input");
    assert!(
        run.peak_rss_kb < MAX_RSS_KB,
        "peak RSS {} MB",
        run.peak_rss_kb / 1024
    );

    // The good documents between the hostile ones are read in full.
    assert!(run.initiatives("good-1.html") > 0);
    assert!(run.initiatives("good-2.txt") > 0);
    assert_eq!(run.doc("good-3.pdf")["pages"], 1);
    assert!(run.warnings("good-3.pdf").is_empty());

    // Expected outcomes, case by case. Damaged structure: rebuilt, read.
    let rebuilt = "cross-reference table was damaged and has been rebuilt";
    assert!(run.warnings("truncated.pdf").contains(rebuilt));
    assert_eq!(run.doc("truncated.pdf")["pages"], 1);
    assert!(run.warnings("xref-past-end.pdf").contains(rebuilt));
    assert_eq!(run.doc("xref-past-end.pdf")["pages"], 1);
    // Self-references resolve to nothing: an empty page, no error.
    assert!(run.warnings("self-reference.pdf").is_empty());
    assert_eq!(run.doc("self-reference.pdf")["pages"], 1);
    // The loop is not followed (lopdf's page iterator stops on it).
    assert!(
        run.warnings("page-tree-loop.pdf")
            .contains("no pages found: the page tree is empty, broken or loops")
    );
    assert!(run.doc("page-tree-loop.pdf")["pages"].as_u64().unwrap() <= 1);
    assert!(
        run.error("many-pages.pdf")
            .contains("limit exceeded: pages (limit 1000)")
    );
    assert!(run.doc("same-page-repeated.pdf")["pages"].as_u64().unwrap() <= 1000);
    assert!(
        run.error("zlib-bomb.pdf")
            .contains("limit exceeded: decompressed stream bytes (limit 16777216)")
    );
    // lopdf gives up on the deep object; the page around it is read.
    assert!(run.warnings("deep-array-object.pdf").is_empty());
    assert_eq!(run.doc("deep-array-object.pdf")["pages"], 1);
    assert!(
        run.warnings("deep-array-content.pdf")
            .contains("content stream: syntax error, rest of the stream skipped")
    );
    assert!(
        run.error("encrypted.pdf")
            .contains("encrypted: a user password is needed to open it")
    );
    let w = run.warnings("broken-cmap.pdf");
    assert!(
        w.contains("font Broken: ToUnicode has no mappings, ignored"),
        "{w}"
    );
    assert!(w.contains("5 glyphs could not be mapped to Unicode"), "{w}");
    assert!(
        run.error("huge-line.html")
            .contains("limit exceeded: input bytes (limit 67108864)")
    );
    assert!(
        run.warnings("charset-mismatch.html")
            .contains("declared charset UTF-8 does not fit the bytes")
    );
    assert!(run.initiatives("charset-mismatch.html") >= 2);
    let w = run.warnings("deep-nesting.html");
    assert!(
        w.contains("elements nested more than 512 deep; the rest of the page was skipped"),
        "{w}"
    );
    assert!(w.contains("nested deeper than 32"), "{w}");
    assert!(run.error("nul.txt").contains("binary data"));
    assert!(
        run.error("zip-bomb.xlsx")
            .contains("limit exceeded: decompressed zip part bytes (limit 16777216)"),
        "{}",
        run.error("zip-bomb.xlsx")
    );
    assert!(
        run.error("encrypted.docx")
            .contains("encrypted: a password-protected Office document")
    );
    // Seed 004 has 38 gold initiatives; the trained reader finds most.
    assert!(run.initiatives("good-4.xlsx") >= 30);
    assert!(run.error("fifo.txt").contains("not a regular file"));
    // Nothing ran into the per-document wall time.
    assert!(run.elapsed < Duration::from_secs(60), "{:?}", run.elapsed);
}

/// A document over its wall time ends with an error and the batch goes on;
/// a file deleted while the batch runs gets an error of its own; the good
/// document after both is read in full. `--threads 1` processes the inputs
/// in order, so the file is deleted before the batch reaches it.
#[test]
fn slow_document_times_out_and_vanished_file_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // 100 MB on one line: far more than a second's work.
    let slow = d.join("slow.html");
    huge_html(&slow, 100);
    let victim = d.join("vanishing.txt");
    fs::write(&victim, "○研修を開催\n").unwrap();
    let good = d.join("good.txt");
    fs::write(&good, corpus("001_0f3b5a0d2379652b.txt")).unwrap();
    let v = victim.clone();
    let run = ingest(
        d,
        &[slow, victim, good],
        &["--threads", "1", "--max-size", "128", "--timeout", "1"],
        Duration::from_secs(120),
        move || fs::remove_file(&v).unwrap(),
    );
    eprintln!(
        "timeout batch: {:.1} s, peak RSS {} MB",
        run.elapsed.as_secs_f64(),
        run.peak_rss_kb / 1024
    );
    assert!(
        run.error("slow.html")
            .contains("limit exceeded: wall time per document (seconds) (limit 1)")
    );
    assert!(
        run.error("vanishing.txt")
            .contains("No such file or directory")
    );
    assert!(run.initiatives("good.txt") > 0);
    // How far the slow document gets in its second, and so the memory it
    // holds when it is given up, depends on the machine's speed (on a fast
    // one it is read almost to the end: about 8 bytes of memory per byte of
    // this one-paragraph page). The bound is what reading all of it takes.
    assert!(
        run.peak_rss_kb < 10 * 100 * 1024,
        "peak RSS {} MB",
        run.peak_rss_kb / 1024
    );
}
