//! CSV tables for spreadsheets: one row per record, a header row, the
//! columns of the Parquet tables.
//!
//! - Lists are joined with [`LIST_SEPARATOR`] (` | `): `section`,
//!   `policy_codes`, `orgs`, `regions`, `warnings`, `notes`, `fiscal_years`,
//!   `bbox`; `periods` and `quantities` as their `raw` texts; `fields` as
//!   `key: value` pairs; KPI `values` and `progress` as `year=value` pairs.
//!   The tidy `periods.csv` has one row per (initiative, period) with
//!   `start`, `end` and the fiscal years as their own columns.
//! - Absent values are empty cells. Numbers are written as in the JSON Lines.
//! - Quoting as RFC 4180 (a cell with a comma, quote or newline is quoted).
//! - Encoding: UTF-8 with a byte order mark by default (so that Excel on a
//!   Japanese Windows does not read it as Shift_JIS), plain UTF-8, or CP932
//!   ([`CsvEncoding`]).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::convert::{self, AtomicFile, ConvertError, Converted, CsvEncoding, Inputs, PeriodRow};
use crate::model::{DocumentRecord, InitiativeRecord, KpiRecord, YearValue};

/// What joins the items of a list in one cell.
pub const LIST_SEPARATOR: &str = " | ";

/// Header of `documents.csv`.
pub const DOCUMENT_COLUMNS: [&str; 9] = [
    "source",
    "sha256",
    "format",
    "pages",
    "title",
    "initiatives",
    "warnings",
    "error",
    "final_url",
];

/// Header of `initiatives.csv`.
pub const INITIATIVE_COLUMNS: [&str; 17] = [
    "id",
    "source",
    "ordinal",
    "page",
    "bbox",
    "section",
    "category",
    "fields",
    "marker",
    "title",
    "text",
    "policy_codes",
    "periods",
    "fiscal_years",
    "quantities",
    "orgs",
    "regions",
];

/// Header of `kpis.csv`.
pub const KPI_COLUMNS: [&str; 12] = [
    "name",
    "region",
    "unit",
    "baseline_year",
    "baseline",
    "values",
    "target_year",
    "target",
    "progress",
    "notes",
    "source",
    "page",
];

/// Header of the tidy `periods.csv`.
pub const PERIOD_COLUMNS: [&str; 10] = [
    "id",
    "source",
    "sha256",
    "ordinal",
    "index",
    "raw",
    "start",
    "end",
    "fiscal_year_first",
    "fiscal_year_last",
];

/// A number as the JSON Lines write it (5000, not 5000.0).
fn num(v: f64) -> String {
    serde_json::Number::from_f64(v)
        .map(|n| {
            if v.fract() == 0.0 && v.abs() < 9.0e15 {
                (v as i64).to_string()
            } else {
                n.to_string()
            }
        })
        .unwrap_or_default()
}

fn join<T: AsRef<str>>(items: impl IntoIterator<Item = T>) -> String {
    let mut out = String::new();
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(LIST_SEPARATOR);
        }
        out.push_str(s.as_ref());
    }
    out
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The cells of a document record's row.
pub fn document_row(d: &DocumentRecord) -> Vec<String> {
    vec![
        d.source.clone(),
        d.sha256.clone(),
        opt(d.format.map(|f| f.as_str())),
        opt(d.pages),
        d.title.clone().unwrap_or_default(),
        d.initiatives.to_string(),
        join(&d.warnings),
        d.error.clone().unwrap_or_default(),
        d.fetch
            .as_ref()
            .map(|f| f.final_url.clone())
            .unwrap_or_default(),
    ]
}

/// The cells of an initiative record's row.
pub fn initiative_row(i: &InitiativeRecord) -> Vec<String> {
    let field = |(k, v): (&String, &serde_json::Value)| match v {
        serde_json::Value::String(s) => format!("{k}: {s}"),
        other => format!("{k}: {other}"),
    };
    vec![
        i.id.clone(),
        i.source.clone(),
        i.ordinal.to_string(),
        opt(i.page),
        i.bbox
            .map(|b| join(b.iter().map(|&v| num(v))))
            .unwrap_or_default(),
        join(&i.section),
        i.category.clone().unwrap_or_default(),
        join(i.fields.iter().map(field)),
        i.marker.clone(),
        i.title.clone(),
        i.text.clone(),
        join(&i.policy_codes),
        join(i.periods.iter().map(|p| &p.raw)),
        join(i.fiscal_years.iter().map(|y| y.to_string())),
        join(i.quantities.iter().map(|q| &q.raw)),
        join(&i.orgs),
        join(&i.regions),
    ]
}

/// The cells of a KPI record's row.
pub fn kpi_row(k: &KpiRecord) -> Vec<String> {
    let year = |v: &Option<YearValue>| opt(v.as_ref().map(|y| y.fiscal_year));
    let value = |v: &Option<YearValue>| v.as_ref().map(|y| num(y.value)).unwrap_or_default();
    let pair = |v: &YearValue| format!("{}={}", v.fiscal_year, num(v.value));
    vec![
        k.name.clone(),
        k.region.clone().unwrap_or_default(),
        k.unit.clone().unwrap_or_default(),
        year(&k.baseline),
        value(&k.baseline),
        join(k.values.iter().map(pair)),
        year(&k.target),
        value(&k.target),
        join(
            k.progress
                .iter()
                .map(|p| format!("{}={}", p.fiscal_year, num(p.percent))),
        ),
        join(&k.notes),
        k.source.clone(),
        opt(k.page),
    ]
}

/// The cells of a tidy periods row.
pub fn period_row(r: &PeriodRow<'_>) -> Vec<String> {
    vec![
        r.id.to_string(),
        r.source.to_string(),
        r.sha256.to_string(),
        r.ordinal.to_string(),
        r.index.to_string(),
        r.period.raw.clone(),
        r.period.start.clone(),
        r.period.end.clone().unwrap_or_default(),
        opt(r.fiscal_year_first),
        opt(r.fiscal_year_last),
    ]
}

/// One CSV file being written (atomically: see [`AtomicFile`]).
struct Table {
    file: AtomicFile,
    out: std::io::BufWriter<std::fs::File>,
    csv: csv::WriterBuilder,
    encoding: CsvEncoding,
    unmappable: usize,
}

impl Table {
    fn create(path: &Path, header: &[&str], encoding: CsvEncoding) -> Result<Table, ConvertError> {
        let file = AtomicFile::create(path)?;
        let handle = file
            .tmp
            .as_file()
            .try_clone()
            .map_err(|e| ConvertError::io(path, e))?;
        let mut t = Table {
            file,
            out: std::io::BufWriter::with_capacity(1 << 16, handle),
            csv: {
                let mut b = csv::WriterBuilder::new();
                b.terminator(csv::Terminator::CRLF);
                b
            },
            encoding,
            unmappable: 0,
        };
        if encoding == CsvEncoding::Utf8Bom {
            t.out
                .write_all("\u{feff}".as_bytes())
                .map_err(|e| ConvertError::io(path, e))?;
        }
        t.row(header)?;
        Ok(t)
    }

    fn row<S: AsRef<[u8]>>(&mut self, cells: &[S]) -> Result<(), ConvertError> {
        let path = &self.file.path;
        let csv_err = |reason: String| ConvertError::Csv {
            path: path.clone(),
            reason,
        };
        let mut w = self.csv.from_writer(Vec::with_capacity(256));
        w.write_record(cells).map_err(|e| csv_err(e.to_string()))?;
        let utf8 = w.into_inner().map_err(|e| csv_err(e.to_string()))?;
        let bytes = match self.encoding {
            CsvEncoding::Utf8 | CsvEncoding::Utf8Bom => utf8,
            CsvEncoding::Cp932 => {
                let text = String::from_utf8(utf8).map_err(|e| csv_err(e.to_string()))?;
                let (b, n) = to_cp932(&text);
                self.unmappable += n;
                b
            }
        };
        self.out
            .write_all(&bytes)
            .map_err(|e| ConvertError::io(path, e))
    }

    fn commit(mut self, done: &mut Converted) -> Result<(), ConvertError> {
        self.out
            .flush()
            .map_err(|e| ConvertError::io(&self.file.path, e))?;
        if self.unmappable > 0 {
            done.warnings.push(format!(
                "{}: {} characters have no CP932 form and are written as 〓",
                self.file.path.display(),
                self.unmappable
            ));
        }
        drop(self.out);
        done.files.push(self.file.commit()?);
        Ok(())
    }
}

/// Encodes text as Windows-31J (CP932); each character without a CP932
/// form becomes 〓. Returns the bytes and how many characters were replaced.
pub fn to_cp932(text: &str) -> (Vec<u8>, usize) {
    let enc = encoding_rs::SHIFT_JIS;
    let mut encoder = enc.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    let mut replaced = 0;
    loop {
        let cap = encoder
            .max_buffer_length_from_utf8_without_replacement(rest.len())
            .unwrap_or(rest.len() * 2 + 16);
        let start = out.len();
        out.resize(start + cap, 0);
        let (result, read, written) =
            encoder.encode_from_utf8_without_replacement(rest, &mut out[start..], true);
        out.truncate(start + written);
        rest = &rest[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => break,
            encoding_rs::EncoderResult::OutputFull => continue,
            encoding_rs::EncoderResult::Unmappable(_) => {
                replaced += 1;
                out.extend_from_slice(&[0x81, 0xac]); // 〓 in Shift_JIS
            }
        }
    }
    (out, replaced)
}

/// Writes `documents.csv`, `initiatives.csv`, `kpis.csv` and `periods.csv`
/// into `dir` from its JSON Lines files.
pub fn write_dir(
    dir: &Path,
    encoding: CsvEncoding,
    done: &mut Converted,
) -> Result<(), ConvertError> {
    let inputs = Inputs::of(dir);
    let path = |t: &str| dir.join(format!("{t}.csv"));
    let mut documents = Table::create(&path("documents"), &DOCUMENT_COLUMNS, encoding)?;
    let sha: HashMap<String, String> = convert::sha_by_source(&inputs.documents, |b| {
        b.iter().try_for_each(|d| documents.row(&document_row(d)))
    })?;
    documents.commit(done)?;

    let mut initiatives = Table::create(&path("initiatives"), &INITIATIVE_COLUMNS, encoding)?;
    let mut periods = Table::create(&path(convert::PERIODS), &PERIOD_COLUMNS, encoding)?;
    convert::for_each_batch::<InitiativeRecord>(&inputs.initiatives, |b| {
        b.iter()
            .try_for_each(|i| initiatives.row(&initiative_row(i)))?;
        convert::period_rows(b, &sha)
            .iter()
            .try_for_each(|r| periods.row(&period_row(r)))
    })?;
    initiatives.commit(done)?;
    let mut kpis = Table::create(&path("kpis"), &KPI_COLUMNS, encoding)?;
    convert::kpi_batches(&inputs.kpis, |b| {
        b.iter().try_for_each(|k| kpis.row(&kpi_row(k)))
    })?;
    kpis.commit(done)?;
    periods.commit(done)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp932_encodes_japanese_and_replaces_what_it_cannot() {
        let (b, n) = to_cp932("取組①,😀");
        assert_eq!(n, 1);
        let (back, _, bad) = encoding_rs::SHIFT_JIS.decode(&b);
        assert!(!bad);
        assert_eq!(back, "取組①,〓");
    }

    #[test]
    fn numbers_read_as_in_json_lines() {
        assert_eq!(num(5000.0), "5000");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(join(["a", "b"]), "a | b");
    }
}
