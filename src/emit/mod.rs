//! Output: JSON Lines files written atomically, the JSON Schema of each
//! record, and the plain-text view of a document.
//!
//! Each output file is written to a temporary file in the output directory
//! and renamed over the old one only when the run has written it completely,
//! so an interrupted run leaves the previous output in place.

pub mod text;

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::NamedTempFile;

use crate::model::{DocumentRecord, InitiativeRecord, KpiRecord};

/// The file of document records.
pub const DOCUMENTS: &str = "documents.jsonl";
/// The file of initiative records.
pub const INITIATIVES: &str = "initiatives.jsonl";
/// The file of KPI records.
pub const KPIS: &str = "kpis.jsonl";

/// A JSON Lines file being written; invisible under its final name until
/// [`JsonLines::commit`].
pub struct JsonLines {
    out: BufWriter<NamedTempFile>,
    path: PathBuf,
    records: u64,
}

impl JsonLines {
    /// Starts `dir/name` (the directory is created if needed).
    pub fn create(dir: &Path, name: &str) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(JsonLines {
            out: BufWriter::with_capacity(1 << 16, tmp),
            path: dir.join(name),
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

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> io::Result<PathBuf> {
        let tmp = self.out.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(self.path)
    }
}

/// The three output files of a run, written together.
pub struct Output {
    /// documents.jsonl
    pub documents: JsonLines,
    /// initiatives.jsonl
    pub initiatives: JsonLines,
    /// kpis.jsonl
    pub kpis: JsonLines,
}

impl Output {
    /// Starts the three files in `dir`.
    pub fn create(dir: &Path) -> io::Result<Self> {
        Ok(Output {
            documents: JsonLines::create(dir, DOCUMENTS)?,
            initiatives: JsonLines::create(dir, INITIATIVES)?,
            kpis: JsonLines::create(dir, KPIS)?,
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

    /// Renames all three files into place: initiatives and KPIs first, the
    /// document list last, so a complete documents.jsonl means a complete run.
    pub fn commit(self) -> io::Result<()> {
        self.initiatives.commit()?;
        self.kpis.commit()?;
        self.documents.commit()?;
        Ok(())
    }
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

    #[test]
    fn nothing_visible_before_commit() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = JsonLines::create(dir.path(), "x.jsonl").unwrap();
        f.write(&serde_json::json!({"a": 1})).unwrap();
        assert!(!dir.path().join("x.jsonl").exists());
        f.commit().unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("x.jsonl")).unwrap(),
            "{\"a\":1}\n"
        );
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn dropped_writer_leaves_old_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("x.jsonl"), "old\n").unwrap();
        let mut f = JsonLines::create(dir.path(), "x.jsonl").unwrap();
        f.write(&1).unwrap();
        drop(f);
        assert_eq!(
            fs::read_to_string(dir.path().join("x.jsonl")).unwrap(),
            "old\n"
        );
    }

    #[test]
    fn schema_names_the_files() {
        let s = schema();
        assert!(s[INITIATIVES]["properties"]["periods"].is_object());
        assert!(s[DOCUMENTS]["properties"]["sha256"].is_object());
    }
}
