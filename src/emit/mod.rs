//! Output: JSON Lines files written atomically, the JSON Schema of each
//! record, and the plain-text view of a document.
//!
//! A run writes its three files into a staging directory beside the output
//! directory (`.NAME.torikumi-staging`), then swaps the two directories in
//! one atomic step (Linux `renameat2(RENAME_EXCHANGE)`; a rename where the
//! output does not exist yet). A run killed at any moment therefore leaves
//! either the previous complete output or the new one, never a mix. The
//! staging directory also holds the run's journal, which `--resume` reads.

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

/// One document's lines of the three files, serialized once: on the worker
/// thread that read the document, so that the thread writing the files in
/// order only copies bytes, and the journal reuses the same bytes.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Its line of documents.jsonl, newline included.
    pub document: Vec<u8>,
    /// Its lines of initiatives.jsonl.
    pub initiatives: Vec<u8>,
    /// Its lines of kpis.jsonl.
    pub kpis: Vec<u8>,
    /// How many lines `initiatives` holds.
    pub initiative_count: usize,
    /// How many lines `kpis` holds.
    pub kpi_count: usize,
}

impl Rendered {
    /// Serializes one document's records.
    pub fn new(
        doc: &DocumentRecord,
        initiatives: &[InitiativeRecord],
        kpis: &[KpiRecord],
    ) -> io::Result<Self> {
        fn lines<T: Serialize>(records: &[T], out: &mut Vec<u8>) -> io::Result<()> {
            for r in records {
                serde_json::to_writer(&mut *out, r).map_err(io::Error::other)?;
                out.push(b'\n');
            }
            Ok(())
        }
        let mut r = Rendered {
            initiative_count: initiatives.len(),
            kpi_count: kpis.len(),
            ..Rendered::default()
        };
        lines(std::slice::from_ref(doc), &mut r.document)?;
        lines(initiatives, &mut r.initiatives)?;
        lines(kpis, &mut r.kpis)?;
        Ok(r)
    }

    /// The journal's line for this document: the same JSON as serializing
    /// `{"sha256": .., "output": {"record": .., "initiatives": [..], "kpis": [..]}}`,
    /// made from the lines already serialized. (A newline inside a JSON
    /// string is escaped, so every raw newline ends a record.)
    pub fn journal_line(&self, sha256: &str) -> Vec<u8> {
        fn array(lines: &[u8], out: &mut Vec<u8>) {
            out.push(b'[');
            let body = lines.strip_suffix(b"\n").unwrap_or(lines);
            out.extend(body.iter().map(|&b| if b == b'\n' { b',' } else { b }));
            out.push(b']');
        }
        let mut out = Vec::with_capacity(
            self.document.len() + self.initiatives.len() + self.kpis.len() + 160,
        );
        out.extend_from_slice(b"{\"sha256\":");
        serde_json::to_writer(&mut out, sha256).expect("a string serializes");
        out.extend_from_slice(b",\"output\":{\"record\":");
        out.extend_from_slice(self.document.strip_suffix(b"\n").unwrap_or(&self.document));
        out.extend_from_slice(b",\"initiatives\":");
        array(&self.initiatives, &mut out);
        out.extend_from_slice(b",\"kpis\":");
        array(&self.kpis, &mut out);
        out.extend_from_slice(b"}}\n");
        out
    }
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
    pub fn write_rendered(&mut self, r: &Rendered) -> io::Result<()> {
        self.documents.write_raw(&r.document, 1)?;
        self.initiatives
            .write_raw(&r.initiatives, r.initiative_count as u64)?;
        self.kpis.write_raw(&r.kpis, r.kpi_count as u64)
    }

    /// Puts the new output in place in one atomic step.
    pub fn commit(self) -> io::Result<()> {
        self.documents.finish()?;
        self.initiatives.finish()?;
        self.kpis.finish()?;
        let _ = fs::remove_file(self.staging.join(JOURNAL));
        // Other files a user keeps in the output directory stay there.
        if let Ok(entries) = fs::read_dir(&self.out) {
            for e in entries.flatten() {
                let name = e.file_name();
                let keep = ![DOCUMENTS, INITIATIVES, KPIS].iter().any(|n| name == *n);
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
        Ok(())
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
        DocumentRecord {
            source: source.into(),
            sha256: String::new(),
            format: None,
            pages: None,
            title: None,
            initiatives: 0,
            warnings: vec![],
            error: None,
            fetch: None,
        }
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
