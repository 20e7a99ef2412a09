//! Output: JSON Lines files written atomically, their Parquet and CSV
//! versions ([`convert`]), the JSON Schema of each record, and the
//! plain-text view of a document.
//!
//! A run writes its three files into a staging directory beside the output
//! directory (`.NAME.torikumi-staging`), then swaps the two directories in
//! one atomic step (Linux `renameat2(RENAME_EXCHANGE)`; a rename where the
//! output does not exist yet). A run killed at any moment therefore leaves
//! either the previous complete output or the new one, never a mix. The
//! staging directory also holds the run's journal, which `--resume` reads.

pub mod convert;
pub mod csv;
pub mod parquet;
pub mod text;

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::{DocumentRecord, InitiativeRecord, KpiRecord};

/// The file of document records.
pub const DOCUMENTS: &str = "documents.jsonl";
/// The file of initiative records.
pub const INITIATIVES: &str = "initiatives.jsonl";
/// The file of KPI records.
pub const KPIS: &str = "kpis.jsonl";
/// The journal of documents finished by a run, in its staging directory.
pub const JOURNAL: &str = "journal.jsonl";

/// A JSON Lines file being written.
pub struct JsonLines {
    out: BufWriter<fs::File>,
    records: u64,
}

impl JsonLines {
    /// Creates (truncates) `path`.
    pub fn create(path: &Path) -> io::Result<Self> {
        Ok(JsonLines {
            out: BufWriter::with_capacity(1 << 16, fs::File::create(path)?),
            records: 0,
        })
    }

    /// Appends one record as one line.
    pub fn write<T: Serialize>(&mut self, record: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, record).map_err(io::Error::other)?;
        self.out.write_all(b"\n")?;
        self.records += 1;
        Ok(())
    }

    /// Appends lines already serialized (each ending in a newline).
    pub fn write_raw(&mut self, lines: &[u8], records: u64) -> io::Result<()> {
        self.out.write_all(lines)?;
        self.records += records;
        Ok(())
    }

    /// Appends one record that `f` writes, newline included.
    pub fn write_with(
        &mut self,
        f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        f(&mut self.out)?;
        self.records += 1;
        Ok(())
    }

    /// Appends serialized lines.
    pub fn write_lines(&mut self, lines: &mut Lines) -> io::Result<()> {
        let out = &mut self.out;
        lines.for_each_chunk(|c| out.write_all(c))?;
        self.records += lines.count() as u64;
        Ok(())
    }

    /// Flushes buffered lines to the file.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Flushes and syncs the file to disk.
    pub fn finish(self) -> io::Result<()> {
        let f = self.out.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()
    }
}

/// Serialized JSON lines (each ending in a newline), held in memory until
/// they outgrow [`Lines::SPILL_BYTES`], then in an anonymous temporary file
/// (already unlinked: nothing is left behind, whatever happens) when a spill
/// directory was given. A document whose records make hundreds of megabytes
/// of JSON then costs disk, not memory, between the worker that serialized it
/// and the thread that writes it out in order.
#[derive(Debug, Default)]
pub struct Lines {
    mem: Vec<u8>,
    file: Option<BufWriter<fs::File>>,
    len: u64,
    count: usize,
    spill_dir: Option<PathBuf>,
}

impl Lines {
    /// Bytes kept in memory before the lines move to a temporary file.
    pub const SPILL_BYTES: usize = 8 << 20;

    /// Empty lines; with `spill_dir`, large contents go to a temporary file there.
    pub fn new(spill_dir: Option<&Path>) -> Lines {
        Lines {
            spill_dir: spill_dir.map(Path::to_path_buf),
            ..Lines::default()
        }
    }

    /// Appends one record as one line.
    pub fn push<T: Serialize>(&mut self, record: &T) -> io::Result<()> {
        serde_json::to_writer(&mut *self, record).map_err(io::Error::other)?;
        self.write_all(b"\n")?;
        self.count += 1;
        Ok(())
    }

    /// Appends one record as one line with a leading `"kind"` member:
    /// `{"kind":KIND,...the record's members}`.
    pub fn push_tagged<T: Serialize>(&mut self, kind: &str, record: &T) -> io::Result<()> {
        self.write_all(b"{\"kind\":")?;
        serde_json::to_writer(&mut *self, kind).map_err(io::Error::other)?;
        self.write_all(b",")?;
        // The record's own opening brace is dropped (records are objects
        // with members, never empty).
        let mut rest = SkipFirst {
            inner: &mut *self,
            skipped: false,
            first: 0,
        };
        serde_json::to_writer(&mut rest, record).map_err(io::Error::other)?;
        let first = rest.first;
        debug_assert_eq!(first, b'{', "records serialize as objects");
        self.write_all(b"\n")?;
        self.count += 1;
        Ok(())
    }

    /// How many records [`Lines::push`] and [`Lines::push_tagged`] added.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Bytes held.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no bytes are held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the lines moved to a temporary file.
    pub fn spilled(&self) -> bool {
        self.file.is_some()
    }

    /// Hands every byte, in order, to `f`, a chunk at a time.
    pub fn for_each_chunk(&mut self, mut f: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        use std::io::{Read, Seek};
        if let Some(w) = &mut self.file {
            w.flush()?;
            let file = w.get_mut();
            file.seek(io::SeekFrom::Start(0))?;
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                f(&buf[..n])?;
            }
            Ok(())
        } else if self.mem.is_empty() {
            Ok(())
        } else {
            f(&self.mem)
        }
    }

    /// Copies every byte to `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.for_each_chunk(|c| out.write_all(c))
    }

    /// The bytes, when they are in memory.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        self.file.is_none().then_some(&self.mem[..])
    }
}

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.len += buf.len() as u64;
        if let Some(f) = &mut self.file {
            return f.write_all(buf);
        }
        if let Some(dir) = &self.spill_dir
            && self.mem.len() + buf.len() > Self::SPILL_BYTES
        {
            let Ok(file) = tempfile::tempfile_in(dir) else {
                // No room for a temporary file there: memory, as without one.
                self.spill_dir = None;
                self.mem.extend_from_slice(buf);
                return Ok(());
            };
            let mut f = BufWriter::with_capacity(1 << 16, file);
            f.write_all(&self.mem)?;
            f.write_all(buf)?;
            self.mem = Vec::new();
            self.file = Some(f);
            return Ok(());
        }
        self.mem.extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that drops the first byte written through it (and keeps it).
struct SkipFirst<'a, W: Write> {
    inner: &'a mut W,
    skipped: bool,
    first: u8,
}

impl<W: Write> Write for SkipFirst<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        if !self.skipped && !rest.is_empty() {
            self.first = rest[0];
            self.skipped = true;
            rest = &rest[1..];
        }
        self.inner.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// One document's lines of the three files, serialized once: on the worker
/// thread that read the document, so that the thread writing the files in
/// order only copies bytes, and the journal reuses the same bytes.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Its line of documents.jsonl, newline included.
    pub document: Vec<u8>,
    /// Its lines of initiatives.jsonl.
    pub initiatives: Lines,
    /// Its lines of kpis.jsonl.
    pub kpis: Lines,
    /// How many lines `initiatives` holds.
    pub initiative_count: usize,
    /// How many lines `kpis` holds.
    pub kpi_count: usize,
}

impl Rendered {
    /// Serializes one document's records, in memory.
    pub fn new(
        doc: &DocumentRecord,
        initiatives: &[InitiativeRecord],
        kpis: &[KpiRecord],
    ) -> io::Result<Self> {
        Rendered::build(doc, initiatives.iter(), kpis.iter(), None)
    }

    /// Serializes one document's records, taking them: each record is freed
    /// as soon as it is serialized, and lines past [`Lines::SPILL_BYTES`] go
    /// to a temporary file in `spill_dir`, so a huge document is not held
    /// twice (as records and as JSON).
    pub fn from_records(
        doc: &DocumentRecord,
        initiatives: Vec<InitiativeRecord>,
        kpis: Vec<KpiRecord>,
        spill_dir: Option<&Path>,
    ) -> io::Result<Self> {
        Rendered::build(doc, initiatives.into_iter(), kpis.into_iter(), spill_dir)
    }

    fn build<I, K>(
        doc: &DocumentRecord,
        initiatives: impl ExactSizeIterator<Item = I>,
        kpis: impl ExactSizeIterator<Item = K>,
        spill_dir: Option<&Path>,
    ) -> io::Result<Self>
    where
        I: std::borrow::Borrow<InitiativeRecord>,
        K: std::borrow::Borrow<KpiRecord>,
    {
        let mut r = Rendered {
            initiative_count: initiatives.len(),
            kpi_count: kpis.len(),
            initiatives: Lines::new(spill_dir),
            kpis: Lines::new(spill_dir),
            ..Rendered::default()
        };
        serde_json::to_writer(&mut r.document, doc).map_err(io::Error::other)?;
        r.document.push(b'\n');
        for i in initiatives {
            r.initiatives.push(i.borrow())?;
        }
        for k in kpis {
            r.kpis.push(k.borrow())?;
        }
        Ok(r)
    }

    /// Writes the journal's line for this document: the same JSON as
    /// serializing `{"sha256": .., "output": {"record": .., "initiatives":
    /// [..], "kpis": [..]}}`, made from the lines already serialized. (A
    /// newline inside a JSON string is escaped, so every raw newline ends a
    /// record.)
    pub fn write_journal_line(&mut self, sha256: &str, out: &mut dyn Write) -> io::Result<()> {
        fn array(lines: &mut Lines, out: &mut dyn Write) -> io::Result<()> {
            out.write_all(b"[")?;
            // Every newline but the last separates two records.
            let mut left = lines.len();
            let mut buf = Vec::new();
            lines.for_each_chunk(|chunk| {
                buf.clear();
                buf.extend(chunk.iter().map(|&b| if b == b'\n' { b',' } else { b }));
                left -= chunk.len() as u64;
                if left == 0 && buf.last() == Some(&b',') {
                    buf.pop();
                }
                out.write_all(&buf)
            })?;
            out.write_all(b"]")
        }
        out.write_all(b"{\"sha256\":")?;
        serde_json::to_writer(&mut *out, sha256).map_err(io::Error::other)?;
        out.write_all(b",\"output\":{\"record\":")?;
        out.write_all(self.document.strip_suffix(b"\n").unwrap_or(&self.document))?;
        out.write_all(b",\"initiatives\":")?;
        array(&mut self.initiatives, out)?;
        out.write_all(b",\"kpis\":")?;
        array(&mut self.kpis, out)?;
        out.write_all(b"}}\n")
    }

    /// The journal's line for this document, in memory (see
    /// [`Rendered::write_journal_line`]).
    pub fn journal_line(&mut self, sha256: &str) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write_journal_line(sha256, &mut out)?;
        Ok(out)
    }
}

/// Writes a whole file atomically: to a temporary file beside `path`, then
/// renamed over it, so a reader sees the old file or the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let f = convert::AtomicFile::create(path).map_err(io::Error::other)?;
    f.tmp.as_file().write_all(bytes)?;
    f.commit().map_err(io::Error::other)?;
    Ok(())
}

/// The staging directory of an output directory.
pub fn staging_dir(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.torikumi-staging"))
}

/// The three output files of a run, written in the staging directory.
pub struct Output {
    out: PathBuf,
    staging: PathBuf,
    /// documents.jsonl
    pub documents: JsonLines,
    /// initiatives.jsonl
    pub initiatives: JsonLines,
    /// kpis.jsonl
    pub kpis: JsonLines,
}

impl Output {
    /// Starts the three files for output directory `out`. The staging
    /// directory is created; files of an earlier, interrupted run in it are
    /// replaced (its journal is left to the caller, see [`JOURNAL`]).
    pub fn create(out: &Path) -> io::Result<Self> {
        let staging = staging_dir(out);
        fs::create_dir_all(&staging)?;
        Ok(Output {
            documents: JsonLines::create(&staging.join(DOCUMENTS))?,
            initiatives: JsonLines::create(&staging.join(INITIATIVES))?,
            kpis: JsonLines::create(&staging.join(KPIS))?,
            out: out.to_path_buf(),
            staging,
        })
    }

    /// Writes one document's records.
    pub fn write(
        &mut self,
        doc: &DocumentRecord,
        initiatives: &[InitiativeRecord],
        kpis: &[KpiRecord],
    ) -> io::Result<()> {
        self.documents.write(doc)?;
        for i in initiatives {
            self.initiatives.write(i)?;
        }
        for k in kpis {
            self.kpis.write(k)?;
        }
        Ok(())
    }

    /// Writes one document's records, serialized beforehand.
    pub fn write_rendered(&mut self, r: &mut Rendered) -> io::Result<()> {
        self.documents.write_raw(&r.document, 1)?;
        self.initiatives.write_lines(&mut r.initiatives)?;
        self.kpis.write_lines(&mut r.kpis)
    }

    /// The staging directory, where large documents' lines wait as
    /// temporary files (see [`Lines`]).
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Puts the new output (JSON Lines only) in place in one atomic step.
    pub fn commit(self) -> io::Result<()> {
        self.commit_formats(&convert::Formats::default())
            .map(|_| ())
    }

    /// Puts the new output in place in one atomic step, in the formats
    /// asked for: the Parquet and CSV tables are made from the finished
    /// JSON Lines in the staging directory (which are then removed if
    /// JSON Lines were not asked for), before the swap. Returns what the
    /// conversion has to tell (characters CP932 cannot encode).
    pub fn commit_formats(self, formats: &convert::Formats) -> io::Result<Vec<String>> {
        self.documents.finish()?;
        self.initiatives.finish()?;
        self.kpis.finish()?;
        let _ = fs::remove_file(self.staging.join(JOURNAL));
        let converted = convert::convert_dir(&self.staging, formats).map_err(io::Error::other)?;
        if !formats.jsonl {
            for n in [DOCUMENTS, INITIATIVES, KPIS] {
                fs::remove_file(self.staging.join(n))?;
            }
        }
        // Other files a user keeps in the output directory stay there
        // (files of any format torikumi writes do not: the output holds
        // the formats of this run only).
        let ours = convert::Formats::all_file_names();
        if let Ok(entries) = fs::read_dir(&self.out) {
            for e in entries.flatten() {
                let name = e.file_name();
                let keep = !ours.iter().any(|n| name == n.as_str());
                if keep && e.file_type().is_ok_and(|t| t.is_file()) {
                    let target = self.staging.join(&name);
                    if fs::hard_link(e.path(), &target).is_err() {
                        fs::copy(e.path(), &target)?;
                    }
                }
            }
        }
        sync_dir(&self.staging);
        swap_into_place(&self.staging, &self.out)?;
        // The staging path now holds the previous output (or nothing).
        let _ = fs::remove_dir_all(&self.staging);
        if let Some(parent) = self.out.parent() {
            sync_dir(parent);
        }
        Ok(converted.warnings)
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) {
        let _ = d.sync_all();
    }
}

/// Makes `staging` appear at `out` atomically: exchanges the two directories
/// when `out` exists, renames otherwise.
fn swap_into_place(staging: &Path, out: &Path) -> io::Result<()> {
    if !out.exists() {
        return fs::rename(staging, out);
    }
    exchange(staging, out)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated strings for the call's duration.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    // Without an atomic exchange: move the old output aside, then the new one in.
    let aside = a.with_extension("old");
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

/// The JSON Schema of the three output files, as one JSON object keyed by file name.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "$comment": "JSON Schema (2020-12) of each torikumi output file; one record per line",
        DOCUMENTS: schemars::schema_for!(DocumentRecord),
        INITIATIVES: schemars::schema_for!(InitiativeRecord),
        KPIS: schemars::schema_for!(KpiRecord),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(source: &str) -> DocumentRecord {
        DocumentRecord::new(source, "")
    }

    #[test]
    fn nothing_visible_before_commit_and_old_output_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(DOCUMENTS), "old\n").unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let mut o = Output::create(&out).unwrap();
        o.write(&doc("a"), &[], &[]).unwrap();
        assert_eq!(fs::read_to_string(out.join(DOCUMENTS)).unwrap(), "old\n");
        o.commit().unwrap();
        assert!(
            fs::read_to_string(out.join(DOCUMENTS))
                .unwrap()
                .contains("\"source\":\"a\"")
        );
        assert_eq!(fs::read_to_string(out.join(KPIS)).unwrap(), "");
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        assert!(!staging_dir(&out).exists());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn spilled_lines_give_the_same_files_and_journal_line() {
        use crate::model::KpiRecord;
        let dir = tempfile::tempdir().unwrap();
        let kpi = |name: String| KpiRecord {
            name,
            region: None,
            unit: None,
            baseline: None,
            values: vec![],
            target: None,
            progress: vec![],
            notes: vec!["a\nb".into()],
            source: "k".into(),
            page: None,
        };
        // Three records, the middle one larger than the spill threshold.
        let kpis = || {
            vec![
                kpi("x".into()),
                kpi("取".repeat(Lines::SPILL_BYTES / 2)),
                kpi("y".into()),
            ]
        };
        let d = doc("k");
        let mut mem = Rendered::new(&d, &[], &kpis()).unwrap();
        let mut spilled = Rendered::from_records(&d, vec![], kpis(), Some(dir.path())).unwrap();
        assert!(!mem.kpis.spilled() && spilled.kpis.spilled());
        assert_eq!(spilled.kpi_count, 3);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        mem.kpis.copy_to(&mut a).unwrap();
        spilled.kpis.copy_to(&mut b).unwrap();
        assert!(a == b);
        let ja = mem.journal_line("s").unwrap();
        let jb = spilled.journal_line("s").unwrap();
        assert!(ja == jb);
        let v: serde_json::Value = serde_json::from_slice(&jb).unwrap();
        assert_eq!(v["output"]["kpis"].as_array().unwrap().len(), 3);
        assert_eq!(v["output"]["kpis"][0]["notes"][0], "a\nb");
        assert_eq!(v["output"]["initiatives"], serde_json::json!([]));
    }

    #[test]
    fn first_run_creates_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/out");
        fs::create_dir(dir.path().join("new")).unwrap();
        let o = Output::create(&out).unwrap();
        o.commit().unwrap();
        assert!(out.join(INITIATIVES).is_file());
    }

    #[test]
    fn schema_names_the_files() {
        let s = schema();
        assert!(s[INITIATIVES]["properties"]["periods"].is_object());
        assert!(s[DOCUMENTS]["properties"]["sha256"].is_object());
    }
}
