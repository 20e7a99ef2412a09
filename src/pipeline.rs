//! One document through every stage, and a batch of them in parallel.

use std::collections::HashMap;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::{Document, DocumentRecord, InitiativeRecord, KpiRecord};
use crate::source::Input;
use crate::{detect, emit, extract, memory, normalize, parse};

/// Everything one document produced.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DocOutput {
    /// Its line of documents.jsonl.
    pub record: DocumentRecord,
    /// Its initiatives, in document order.
    pub initiatives: Vec<InitiativeRecord>,
    /// Its KPI rows.
    pub kpis: Vec<KpiRecord>,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Detects, extracts and normalizes a document: what `torikumi text` shows.
pub fn read_document(
    bytes: &[u8],
    http_charset: Option<&str>,
    limits: &Limits,
) -> Result<Document> {
    let format = readable_format(bytes, limits)?;
    let mut doc = extract::extract(format, bytes, http_charset, limits)?;
    normalize::document(&mut doc);
    Ok(doc)
}

/// [`read_document`] on bytes it owns: they are freed as soon as extraction
/// is done with them (an HTML page's before its tree becomes blocks), so a
/// large input is not held through the later stages.
pub fn read_document_owned(
    bytes: Vec<u8>,
    http_charset: Option<&str>,
    limits: &Limits,
) -> Result<Document> {
    let format = readable_format(&bytes, limits)?;
    let large = bytes.len() >= memory::LARGE_INPUT;
    let mut doc = extract::extract_owned(format, bytes, http_charset, limits)?;
    if large {
        memory::give_back();
    }
    normalize::document(&mut doc);
    Ok(doc)
}

/// The format of bytes that are not empty, within the size limit and of a
/// known format.
fn readable_format(bytes: &[u8], limits: &Limits) -> Result<crate::model::Format> {
    if bytes.is_empty() {
        return Err(Error::new(Stage::Source, ErrorKind::Empty));
    }
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(Error::new(
            Stage::Source,
            ErrorKind::LimitExceeded {
                what: "input bytes",
                limit: limits.max_input_bytes,
            },
        ));
    }
    let format = detect::format(bytes).ok_or_else(|| {
        let kind = extract::office::unreadable(bytes).unwrap_or_else(|| {
            ErrorKind::Unsupported("binary data, not a PDF, HTML, text or Office document".into())
        });
        Error::new(Stage::Detect, kind)
    })?;
    Ok(format)
}

/// Runs every stage on the bytes of one document. Never fails: an error
/// (or a panic inside a stage) becomes the record's `error`.
pub fn process_bytes(
    bytes: &[u8],
    source: &str,
    http_charset: Option<&str>,
    limits: &Limits,
) -> DocOutput {
    let sha = sha256_hex(bytes);
    guarded(format_of(bytes), source, sha.clone(), || {
        let doc = read_document(bytes, http_charset, limits)?;
        let parsed = parse::parse(&doc, source, &sha);
        Ok((doc, parsed))
    })
}

/// [`process_bytes`] on bytes it owns ([`read_document_owned`]); the
/// blocks are freed too before the records are made
/// ([`parse::parse_emptying`]).
pub fn process_owned(
    bytes: Vec<u8>,
    source: &str,
    http_charset: Option<&str>,
    limits: &Limits,
) -> DocOutput {
    let sha = sha256_hex(&bytes);
    guarded(format_of(&bytes), source, sha.clone(), move || {
        let mut doc = read_document_owned(bytes, http_charset, limits)?;
        // The title is settled before the parser frees the blocks it may be
        // taken from (the first heading); `guarded` then finds it in place.
        doc.title = document_title(&doc);
        let parsed = parse::parse_emptying(&mut doc, source, &sha);
        Ok((doc, parsed))
    })
}

/// The format a failed document is listed with.
fn format_of(bytes: &[u8]) -> Option<crate::model::Format> {
    detect::format(bytes).filter(|_| !bytes.is_empty())
}

/// Runs `stages` (reading and parsing one document) and turns its result,
/// its error or its panic into the document's output.
fn guarded(
    format_on_error: Option<crate::model::Format>,
    source: &str,
    sha: String,
    stages: impl FnOnce() -> Result<(Document, parse::Parsed)>,
) -> DocOutput {
    let result = panic::catch_unwind(AssertUnwindSafe(stages));
    let mut record = DocumentRecord::new(source, sha);
    match result {
        Ok(Ok((doc, parsed))) => {
            record.format = Some(doc.format);
            record.pages = doc.pages;
            record.title = document_title(&doc);
            record.initiatives = parsed.initiatives.len();
            record.warnings = doc.warnings;
            DocOutput {
                record,
                initiatives: parsed.initiatives,
                kpis: parsed.kpis,
            }
        }
        Ok(Err(e)) => {
            record.format = format_on_error;
            record.error = Some(e.to_string());
            DocOutput {
                record,
                initiatives: Vec::new(),
                kpis: Vec::new(),
            }
        }
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            record.error = Some(Error::new(Stage::Parse, ErrorKind::Panic(msg)).to_string());
            DocOutput {
                record,
                initiatives: Vec::new(),
                kpis: Vec::new(),
            }
        }
    }
}

/// The document's title: its metadata title, else its first heading.
fn document_title(doc: &Document) -> Option<String> {
    let first_heading = doc.blocks.iter().find_map(|b| match &b.kind {
        crate::model::BlockKind::Heading { text, .. } => Some(text.clone()),
        _ => None,
    });
    doc.title
        .clone()
        .filter(|t| !t.is_empty())
        .or(first_heading)
}

/// Fetches URLs for a batch. [`crate::source::fetch::Fetcher`] is the real
/// one; tests may supply their own.
pub trait Fetch: Sync {
    /// The body of `url`, with its HTTP charset and how it was fetched.
    fn fetch(&self, url: &str) -> Result<crate::source::fetch::Fetched>;
}

impl Fetch for crate::source::fetch::Fetcher {
    fn fetch(&self, url: &str) -> Result<crate::source::fetch::Fetched> {
        crate::source::fetch::Fetcher::fetch(self, url)
    }
}

/// Documents finished by an interrupted run, keyed by source and sha256.
pub type Finished = HashMap<(String, String), DocOutput>;

/// Reads and processes one input. With `finished`, a document whose bytes
/// an interrupted run already processed is not processed again.
pub fn process_input(
    input: &Input,
    limits: &Limits,
    fetcher: Option<&dyn Fetch>,
    finished: Option<&Finished>,
) -> DocOutput {
    let mut fetch_warnings = Vec::new();
    let (bytes, source, charset, info) = match input {
        Input::File { path, source } => match read_file(path, limits) {
            Ok(bytes) => (bytes, source.clone(), None, None),
            Err(e) => return failed(source, e),
        },
        Input::Url(url) => match fetcher {
            Some(f) => match f.fetch(url) {
                Ok(fetched) => {
                    let info = fetched.info();
                    fetch_warnings = fetched.warnings;
                    (fetched.bytes, url.clone(), fetched.charset, Some(info))
                }
                Err(e) => return failed(url, e),
            },
            None => {
                return failed(
                    url,
                    Error::new(
                        Stage::Source,
                        ErrorKind::Fetch("fetching URLs is not available in this build".into()),
                    ),
                );
            }
        },
        Input::Missing { source, reason } => {
            return failed(
                source,
                Error::new(
                    Stage::Source,
                    ErrorKind::Io(io::Error::new(io::ErrorKind::NotFound, reason.clone())),
                ),
            );
        }
        Input::Skipped { source, reason } => {
            let mut out = failed(source, Error::new(Stage::Source, ErrorKind::Empty));
            out.record.error = None;
            out.record.warnings.push(format!("skipped: {reason}"));
            return out;
        }
    };
    if let Some(done) = finished {
        let key = (source.clone(), sha256_hex(&bytes));
        if let Some(prev) = done.get(&key) {
            return prev.clone();
        }
    }
    let mut out = process_with_deadline(bytes, source, charset, limits);
    out.record.fetch = info;
    out.record.warnings.extend(fetch_warnings);
    out
}

/// [`process_bytes`] on a helper thread, given up after the wall-time limit:
/// the document fails with a clear error and the batch goes on. (Readers also
/// check the clock themselves; this is the last resort for anything that
/// does not.) The thread's large stack absorbs deep but bounded recursion.
///
/// Each calling thread keeps its helper for the next document: a fresh thread
/// per document would start with a cold allocator heap, and faulting in its
/// memory cost more than a small page's whole parse. A helper that ran out of
/// time is abandoned (it exits when its document ends) and replaced.
pub fn process_with_deadline(
    bytes: Vec<u8>,
    source: String,
    charset: Option<String>,
    limits: &Limits,
) -> DocOutput {
    let job = Job {
        bytes,
        source: source.clone(),
        charset,
        limits: limits.clone(),
    };
    let runner = RUNNER
        .with(|r| r.borrow_mut().take())
        .or_else(DocRunner::spawn);
    let Some(runner) = runner else {
        return failed(
            &source,
            Error::new(
                Stage::Source,
                ErrorKind::Io(io::Error::other("cannot start a worker thread")),
            ),
        );
    };
    if runner.jobs.send(job).is_err() {
        // The helper died (it cannot panic: process_bytes catches panics).
        return failed(
            &source,
            Error::new(
                Stage::Source,
                ErrorKind::Io(io::Error::other("worker thread stopped")),
            ),
        );
    }
    match runner.results.recv_timeout(limits.max_time) {
        Ok(out) => {
            RUNNER.with(|r| *r.borrow_mut() = Some(runner));
            out
        }
        Err(_) => failed(
            &source,
            Error::new(
                Stage::Extract,
                ErrorKind::LimitExceeded {
                    what: "wall time per document (seconds)",
                    limit: limits.max_time.as_secs(),
                },
            ),
        ),
    }
}

/// One document for a [`DocRunner`].
struct Job {
    bytes: Vec<u8>,
    source: String,
    charset: Option<String>,
    limits: Limits,
}

/// A helper thread that runs documents one at a time, as long as its job
/// channel is open.
struct DocRunner {
    jobs: std::sync::mpsc::Sender<Job>,
    results: std::sync::mpsc::Receiver<DocOutput>,
}

impl DocRunner {
    fn spawn() -> Option<DocRunner> {
        let (jobs, job_rx) = std::sync::mpsc::channel::<Job>();
        let (result_tx, results) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("torikumi-doc".into())
            .stack_size(64 << 20)
            .spawn(move || {
                for job in job_rx {
                    let Job {
                        bytes,
                        source,
                        charset,
                        limits,
                    } = job;
                    let before = memory::resident_bytes();
                    let out = process_owned(bytes, &source, charset.as_deref(), &limits);
                    if memory::resident_bytes().saturating_sub(before)
                        >= memory::RETURN_AFTER_GROWTH
                    {
                        memory::give_back();
                    }
                    if result_tx.send(out).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(DocRunner { jobs, results })
    }
}

thread_local! {
    /// The calling thread's helper, between documents.
    static RUNNER: std::cell::RefCell<Option<DocRunner>> = const { std::cell::RefCell::new(None) };
}

/// Reads a regular file of at most `max_input_bytes`. Anything else (a FIFO
/// nobody writes to, a device such as /dev/zero) would block or never end,
/// so it is refused; a file that grows while it is read is cut at the limit
/// and refused too.
fn read_file(path: &std::path::Path, limits: &Limits) -> Result<Vec<u8>> {
    use std::io::Read;
    let too_big = || {
        Error::new(
            Stage::Source,
            ErrorKind::LimitExceeded {
                what: "input bytes",
                limit: limits.max_input_bytes,
            },
        )
    };
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    // Opening a FIFO for reading blocks until a writer comes; non-blocking,
    // it opens at once and is refused below. No effect on regular files.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
    let file = open.open(path).map_err(|e| Error::new(Stage::Source, e))?;
    let meta = file.metadata().map_err(|e| Error::new(Stage::Source, e))?;
    if !meta.is_file() {
        return Err(Error::new(
            Stage::Source,
            ErrorKind::Io(io::Error::other("not a regular file")),
        ));
    }
    if meta.len() > limits.max_input_bytes {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limits.max_input_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(Stage::Source, e))?;
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(too_big());
    }
    Ok(bytes)
}

fn failed(source: &str, e: Error) -> DocOutput {
    DocOutput {
        record: DocumentRecord {
            error: Some(e.to_string()),
            ..DocumentRecord::new(source, "")
        },
        initiatives: Vec::new(),
        kpis: Vec::new(),
    }
}

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct Options {
    /// Limits per document.
    pub limits: Limits,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Output directory.
    pub out: PathBuf,
    /// Reuse the documents an interrupted run on the same output finished.
    pub resume: bool,
    /// The output formats (JSON Lines, Parquet, CSV).
    pub formats: emit::convert::Formats,
}

/// What a batch did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Documents read (failed ones included).
    pub documents: usize,
    /// Documents with an error.
    pub failed: usize,
    /// Documents taken from an interrupted run's journal (`--resume`).
    pub resumed: usize,
    /// Initiatives written.
    pub initiatives: usize,
    /// KPI rows written.
    pub kpis: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// What writing the output had to tell (characters CP932 cannot encode).
    pub warnings: Vec<String>,
}

/// One line of the journal: a finished document and the hash of its bytes.
#[derive(serde::Serialize, serde::Deserialize)]
struct JournalEntry {
    sha256: String,
    output: DocOutput,
}

/// The documents an interrupted run finished, from its journal. A torn last
/// line (the run was killed while writing it) is ignored.
fn read_journal(out: &std::path::Path) -> Finished {
    let path = emit::staging_dir(out).join(emit::JOURNAL);
    let mut done = Finished::new();
    if let Ok(text) = std::fs::read_to_string(path) {
        for line in text.lines() {
            if let Ok(e) = serde_json::from_str::<JournalEntry>(line) {
                done.insert((e.output.record.source.clone(), e.sha256), e.output);
            }
        }
    }
    done
}

/// Processes `inputs` in parallel and writes the output files atomically.
/// Output order and bytes do not depend on the thread count: workers take
/// documents in input order and serialize their records; this thread writes
/// them in input order as they come. A worker never runs more than a small
/// window of documents ahead of the writer, so memory stays bounded by a few
/// documents, not the batch, and no worker waits for a slow document to
/// finish before starting the next (as it would with fixed chunks). Each
/// written document is also appended to a journal, so that `resume` can skip
/// it after a crash. `on_done` sees every document as it finishes (for
/// progress and error lines).
pub fn run(
    inputs: &[Input],
    opts: &Options,
    fetcher: Option<&dyn Fetch>,
    on_done: &(dyn Fn(&DocOutput) + Sync),
) -> io::Result<Summary> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, mpsc};

    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(io::Error::other)?;
    let finished = if opts.resume {
        read_journal(&opts.out)
    } else {
        Finished::new()
    };
    let mut output = emit::Output::create(&opts.out)?;
    let spill_dir = output.staging().to_path_buf();
    let mut journal = emit::JsonLines::create(&emit::staging_dir(&opts.out).join(emit::JOURNAL))?;
    // Entries carried over from the interrupted run stay in the new journal.
    for (key, out) in &finished {
        journal.write(&JournalEntry {
            sha256: key.1.clone(),
            output: out.clone(),
        })?;
    }
    let threads = pool.current_num_threads();
    let window = (threads * 4).max(8);
    let next = AtomicUsize::new(0);
    // How many documents the writer has written; workers wait on it.
    let written = (Mutex::new(0usize), Condvar::new());
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, io::Result<Done>)>();
    let mut summary = Summary::default();
    let result = pool.in_place_scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, written, stop, finished) = (&next, &written, &stop, &finished);
            let spill = spill_dir.as_path();
            s.spawn(move |_| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    {
                        let mut w = written.0.lock().unwrap_or_else(|e| e.into_inner());
                        while i >= *w + window && !stop.load(Ordering::Relaxed) {
                            w = written.1.wait(w).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let out = process_input(
                        input,
                        &opts.limits,
                        fetcher,
                        opts.resume.then_some(finished),
                    );
                    let reused = opts.resume
                        && finished
                            .contains_key(&(out.record.source.clone(), out.record.sha256.clone()));
                    on_done(&out);
                    let done = Done::new(out, reused, Some(spill));
                    if tx.send((i, done)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending: std::collections::BTreeMap<usize, io::Result<Done>> = Default::default();
        let mut want = 0usize;
        let mut write = || -> io::Result<()> {
            for (i, d) in &rx {
                pending.insert(i, d);
                while let Some(d) = pending.remove(&want) {
                    let mut d = d?;
                    output.write_rendered(&mut d.lines)?;
                    if !d.reused && !d.failed {
                        let (lines, sha) = (&mut d.lines, &d.sha256);
                        journal.write_with(|w| lines.write_journal_line(sha, w))?;
                    }
                    summary.documents += 1;
                    summary.resumed += usize::from(d.reused);
                    summary.failed += usize::from(d.failed);
                    summary.initiatives += d.lines.initiative_count;
                    summary.kpis += d.lines.kpi_count;
                    want += 1;
                    *written.0.lock().unwrap_or_else(|e| e.into_inner()) = want;
                    written.1.notify_all();
                }
                if pending.is_empty() {
                    // Caught up: what is written survives a crash.
                    journal.flush()?;
                }
            }
            Ok(())
        };
        let r = write();
        if r.is_err() {
            // Release the workers: they stop at their next document.
            stop.store(true, Ordering::Relaxed);
            let _guard = written.0.lock().unwrap_or_else(|e| e.into_inner());
            written.1.notify_all();
        }
        drop(rx);
        r
    });
    result?;
    journal.flush()?;
    drop(journal);
    summary.warnings = output.commit_formats(&opts.formats)?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// A finished document as the writer needs it: its lines, serialized.
struct Done {
    lines: emit::Rendered,
    sha256: String,
    reused: bool,
    failed: bool,
}

impl Done {
    fn new(out: DocOutput, reused: bool, spill: Option<&std::path::Path>) -> io::Result<Done> {
        let DocOutput {
            record,
            initiatives,
            kpis,
        } = out;
        Ok(Done {
            lines: emit::Rendered::from_records(&record, initiatives, kpis, spill)?,
            failed: record.error.is_some(),
            sha256: record.sha256,
            reused,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_documents_get_errors() {
        let l = Limits::default();
        assert!(
            process_bytes(b"", "e.txt", None, &l)
                .record
                .error
                .unwrap()
                .contains("empty")
        );
        let bin = process_bytes(
            &[0u8, 1, 2, 3, 0, 0, 0, 0, 0xff, 0xfe, 0, 0],
            "b.bin",
            None,
            &l,
        );
        assert!(bin.record.error.unwrap().contains("binary"));
        let ok = process_bytes("○研修を開催\n".as_bytes(), "a.txt", None, &l);
        assert_eq!(ok.record.error, None);
        assert_eq!(ok.initiatives.len(), 1);
        assert_eq!(
            ok.initiatives[0].id,
            format!("{}-0", &ok.record.sha256[..12])
        );
    }

    #[test]
    fn a_panic_becomes_the_documents_error() {
        // No known input makes a stage panic (the fuzzers look for one), so
        // the stages are replaced by one that does, as a bug would.
        let out = guarded(None, "p.txt", sha256_hex(b"x"), || {
            // An out-of-bounds index: the panic a reader bug would cause.
            let v = vec![0u8; std::hint::black_box(2)];
            let b = v[std::hint::black_box(3)];
            Err(Error::new(
                Stage::Parse,
                ErrorKind::Unsupported(b.to_string()),
            ))
        });
        let e = out.record.error.unwrap();
        assert!(e.contains("internal error (panic)"), "{e}");
        assert!(e.contains("index out of bounds"), "{e}");
        assert_eq!(out.record.source, "p.txt");
        assert!(out.initiatives.is_empty());
        // A panic with a String payload keeps its message.
        let out = guarded(None, "q.txt", String::new(), || {
            panic!("{} broke", "reader")
        });
        assert!(out.record.error.unwrap().contains("reader broke"));
    }

    #[test]
    fn a_panicking_document_does_not_stop_the_batch() {
        // process_with_deadline runs the stages on their own thread; a panic
        // there must come back as output, not hang or take the caller down.
        let (tx, rx) = std::sync::mpsc::channel();
        let h = std::thread::spawn(move || {
            let out = guarded(None, "r.txt", String::new(), || panic!("boom"));
            tx.send(out).unwrap();
        });
        h.join().expect("the panic was caught inside");
        assert!(rx.recv().unwrap().record.error.unwrap().contains("boom"));
    }

    #[test]
    fn sha256_of_empty() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
