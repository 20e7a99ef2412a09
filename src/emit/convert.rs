//! Parquet and CSV versions of an output directory's JSON Lines, and the
//! tidy companion tables.
//!
//! Both formats are made from the JSON Lines files, read back one batch of
//! records at a time (memory stays bounded by a batch, not the dataset):
//! `ingest --format` does it in the staging directory before the atomic swap,
//! `torikumi convert` in an existing output directory, each file written to
//! a temporary file beside its final name and renamed into place. The bytes
//! depend only on the JSON Lines (no time stamps, no thread count).
//!
//! Tables, each as `NAME.parquet` and/or `NAME.csv`:
//!
//! | table | one row per | join keys |
//! |---|---|---|
//! | `documents` | document | `source`, `sha256` |
//! | `initiatives` | initiative | `id`; `source` → documents |
//! | `kpis` | KPI row | `source` → documents |
//! | `periods` | (initiative, period) | `id` → initiatives; `source`, `sha256` → documents |

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::model::{DocumentRecord, InitiativeRecord, KpiRecord, Period};

/// Records converted at a time (one Parquet row group each at most).
pub const BATCH: usize = 8192;

/// The tidy periods table's name (`periods.parquet`, `periods.csv`).
pub const PERIODS: &str = "periods";

/// The tables, by base name, in the order they are written.
pub const TABLES: [&str; 4] = ["documents", "initiatives", "kpis", PERIODS];

/// Why a conversion failed: the file and the reason.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: io::Error,
    },
    /// A line of a JSON Lines file is not the record it should be.
    #[error("{path}:{line}: not a valid record: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// The reason.
        source: serde_json::Error,
    },
    /// The Parquet writer refused the data.
    #[error("{path}: cannot write Parquet: {reason}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The reason.
        reason: String,
    },
    /// The CSV writer failed.
    #[error("{path}: cannot write CSV: {reason}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The reason.
        reason: String,
    },
}

impl ConvertError {
    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        ConvertError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The character encoding of CSV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    /// UTF-8 with a byte order mark: Excel (Japanese Windows included) reads
    /// it as UTF-8. The default.
    #[default]
    Utf8Bom,
    /// UTF-8 without a byte order mark.
    Utf8,
    /// Windows-31J (CP932, Shift_JIS as Windows writes it); a character it
    /// cannot encode is written as 〓 (geta) and counted in a warning.
    Cp932,
}

/// The compression codec of Parquet files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParquetCompression {
    /// Zstandard, level 3. The default.
    #[default]
    Zstd,
    /// Snappy (fastest to read and write, larger files).
    Snappy,
    /// No compression.
    None,
}

/// Which output formats a run writes, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// The JSON Lines files (documents.jsonl, initiatives.jsonl, kpis.jsonl).
    pub jsonl: bool,
    /// The Parquet tables.
    pub parquet: bool,
    /// The CSV tables.
    pub csv: bool,
    /// Encoding of the CSV tables.
    pub csv_encoding: CsvEncoding,
    /// Codec of the Parquet tables.
    pub parquet_compression: ParquetCompression,
}

impl Default for Formats {
    /// JSON Lines only.
    fn default() -> Self {
        Formats {
            jsonl: true,
            parquet: false,
            csv: false,
            csv_encoding: CsvEncoding::default(),
            parquet_compression: ParquetCompression::default(),
        }
    }
}

impl Formats {
    /// Parses a comma-separated list of `jsonl`, `parquet`, `csv`.
    pub fn parse_list(list: &str) -> Result<Formats, String> {
        let mut f = Formats {
            jsonl: false,
            ..Formats::default()
        };
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "jsonl" => f.jsonl = true,
                "parquet" => f.parquet = true,
                "csv" => f.csv = true,
                other => {
                    return Err(format!(
                        "unknown format {other:?} (expected jsonl, parquet or csv)"
                    ));
                }
            }
        }
        if !(f.jsonl || f.parquet || f.csv) {
            return Err("no format given (expected jsonl, parquet or csv)".into());
        }
        Ok(f)
    }

    /// Every file name a run may write, whichever formats it writes: files
    /// of these names left in an output directory by an earlier run are not
    /// carried over.
    pub fn all_file_names() -> Vec<String> {
        let mut names: Vec<String> = [super::DOCUMENTS, super::INITIATIVES, super::KPIS]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for t in TABLES {
            names.push(format!("{t}.parquet"));
            names.push(format!("{t}.csv"));
        }
        names
    }
}

/// What a conversion wrote.
#[derive(Debug, Default, Clone)]
pub struct Converted {
    /// The files written, in order.
    pub files: Vec<PathBuf>,
    /// Things to tell the user (characters CP932 cannot encode).
    pub warnings: Vec<String>,
}

/// Writes the Parquet and/or CSV tables (as `formats` asks) of the JSON
/// Lines files in `dir` into `dir`. JSON Lines files are left as they are.
pub fn convert_dir(dir: &Path, formats: &Formats) -> Result<Converted, ConvertError> {
    let mut done = Converted::default();
    if formats.parquet {
        super::parquet::write_dir(dir, formats.parquet_compression, &mut done)?;
    }
    if formats.csv {
        super::csv::write_dir(dir, formats.csv_encoding, &mut done)?;
    }
    Ok(done)
}

/// Reads a JSON Lines file of `T` in batches of [`BATCH`] records, handing
/// each batch to `each`. A missing file is an error naming it.
pub(crate) fn for_each_batch<T: DeserializeOwned>(
    path: &Path,
    mut each: impl FnMut(&[T]) -> Result<(), ConvertError>,
) -> Result<(), ConvertError> {
    let file = fs::File::open(path).map_err(|e| ConvertError::io(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut batch: Vec<T> = Vec::with_capacity(BATCH);
    let mut line = String::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| ConvertError::io(path, e))?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.trim().is_empty() {
            continue;
        }
        let rec = serde_json::from_str(&line).map_err(|source| ConvertError::Json {
            path: path.to_path_buf(),
            line: number,
            source,
        })?;
        batch.push(rec);
        if batch.len() == BATCH {
            each(&batch)?;
            batch.clear();
        }
    }
    if !batch.is_empty() || number == 0 {
        each(&batch)?;
    }
    Ok(())
}

/// The three JSON Lines files of `dir`.
pub(crate) struct Inputs {
    pub documents: PathBuf,
    pub initiatives: PathBuf,
    pub kpis: PathBuf,
}

impl Inputs {
    pub(crate) fn of(dir: &Path) -> Inputs {
        Inputs {
            documents: dir.join(super::DOCUMENTS),
            initiatives: dir.join(super::INITIATIVES),
            kpis: dir.join(super::KPIS),
        }
    }
}

/// Each document's sha256, by source (for the tidy tables' join keys).
pub(crate) fn sha_by_source(
    documents: &Path,
    mut each: impl FnMut(&[DocumentRecord]) -> Result<(), ConvertError>,
) -> Result<HashMap<String, String>, ConvertError> {
    let mut map = HashMap::new();
    for_each_batch::<DocumentRecord>(documents, |b| {
        for d in b {
            map.insert(d.source.clone(), d.sha256.clone());
        }
        each(b)
    })?;
    Ok(map)
}

/// One row of the tidy periods table.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRow<'a> {
    /// The initiative's id.
    pub id: &'a str,
    /// The initiative's source.
    pub source: &'a str,
    /// The document's sha256 ("" when documents.jsonl does not list the source).
    pub sha256: &'a str,
    /// The initiative's ordinal in its document.
    pub ordinal: usize,
    /// 0-based position of the period among the initiative's periods.
    pub index: usize,
    /// The period.
    pub period: &'a Period,
    /// First fiscal year the period touches (April to March), if its start is a date.
    pub fiscal_year_first: Option<i32>,
    /// Last fiscal year it touches.
    pub fiscal_year_last: Option<i32>,
}

/// The periods table's rows for a batch of initiatives.
pub fn period_rows<'a>(
    initiatives: &'a [InitiativeRecord],
    sha: &'a HashMap<String, String>,
) -> Vec<PeriodRow<'a>> {
    let mut rows = Vec::new();
    for i in initiatives {
        let sha256 = sha.get(&i.source).map_or("", String::as_str);
        for (index, p) in i.periods.iter().enumerate() {
            let years = crate::parse::dates::fiscal_years(std::slice::from_ref(p));
            rows.push(PeriodRow {
                id: &i.id,
                source: &i.source,
                sha256,
                ordinal: i.ordinal,
                index,
                period: p,
                fiscal_year_first: years.first().copied(),
                fiscal_year_last: years.last().copied(),
            });
        }
    }
    rows
}

/// Reads every KPI record batch of a file (for the writers).
pub(crate) fn kpi_batches(
    path: &Path,
    each: impl FnMut(&[KpiRecord]) -> Result<(), ConvertError>,
) -> Result<(), ConvertError> {
    for_each_batch::<KpiRecord>(path, each)
}

/// A file written under a temporary name beside its final one and renamed
/// into place by [`AtomicFile::commit`]; dropped uncommitted, it is removed.
pub(crate) struct AtomicFile {
    pub path: PathBuf,
    pub tmp: tempfile::NamedTempFile,
}

impl AtomicFile {
    pub(crate) fn create(path: &Path) -> Result<AtomicFile, ConvertError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".torikumi-").suffix(".tmp");
        // Readable by all, as the JSON Lines files are (not tempfile's 0600).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let tmp = builder
            .tempfile_in(dir)
            .map_err(|e| ConvertError::io(path, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
        })
    }

    pub(crate) fn commit(self) -> Result<PathBuf, ConvertError> {
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| ConvertError::io(&self.path, e))?;
        self.tmp
            .persist(&self.path)
            .map_err(|e| ConvertError::io(&self.path, e.error))?;
        Ok(self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_lists() {
        let f = Formats::parse_list("jsonl,parquet").unwrap();
        assert!(f.jsonl && f.parquet && !f.csv);
        let f = Formats::parse_list("csv").unwrap();
        assert!(!f.jsonl && !f.parquet && f.csv);
        assert!(Formats::parse_list("xml").unwrap_err().contains("xml"));
        assert!(Formats::parse_list(",").is_err());
    }

    #[test]
    fn a_bad_line_names_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kpis.jsonl");
        fs::write(&p, "{\"name\":1}\n").unwrap();
        let e = kpi_batches(&p, |_| Ok(())).unwrap_err().to_string();
        assert!(e.contains("kpis.jsonl:1:"), "{e}");
        let e = kpi_batches(&dir.path().join("none.jsonl"), |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("none.jsonl"), "{e}");
    }
}
