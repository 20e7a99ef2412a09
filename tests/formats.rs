//! Parquet and CSV output (`ingest --format`, `torikumi convert`) and the
//! viewer, on the shipped corpus: types as documented, the same records as
//! the JSON Lines, deterministic bytes, atomic replacement.

use std::fs;
use std::path::{Path, PathBuf};

use arrow_array::{Array, Float64Array, ListArray, MapArray, StringArray, StructArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use torikumi::emit::convert::{CsvEncoding, Formats};
use torikumi::emit::{self, parquet as pq};
use torikumi::model::InitiativeRecord;
use torikumi::pipeline::{self, Options};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn ingest(out: &Path, formats: Formats) {
    let inputs = torikumi::source::resolve(&[corpus().to_string_lossy().into_owned()]);
    let opts = Options {
        limits: torikumi::Limits::default(),
        threads: 2,
        out: out.to_path_buf(),
        resume: false,
        formats,
    };
    let s = pipeline::run(&inputs, &opts, None, &|_| {}).unwrap();
    assert_eq!(s.failed, 0);
}

fn all() -> Formats {
    Formats {
        jsonl: true,
        parquet: true,
        csv: true,
        ..Formats::default()
    }
}

fn read_parquet(path: &Path) -> (arrow_schema::SchemaRef, Vec<arrow_array::RecordBatch>) {
    let f = fs::File::open(path).unwrap();
    let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let schema = b.schema().clone();
    let batches = b.build().unwrap().collect::<Result<Vec<_>, _>>().unwrap();
    (schema, batches)
}

fn initiatives(dir: &Path) -> Vec<InitiativeRecord> {
    fs::read_to_string(dir.join(emit::INITIATIVES))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn parquet_tables_have_the_documented_types_and_the_json_lines_values() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ingest(&out, all());
    let recs = initiatives(&out);
    assert!(recs.len() > 1000);

    let (schema, batches) = read_parquet(&out.join("initiatives.parquet"));
    // Read back with the types written (the Arrow schema is stored in the file).
    assert_eq!(schema.fields(), pq::initiatives_schema().fields());
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, recs.len());
    let b = &batches[0];
    let title = b.column_by_name("title").unwrap();
    let title = title.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!(title.value(0), recs[0].title);
    assert!(
        title
            .value(0)
            .chars()
            .any(|c| ('\u{3040}'..='\u{9fff}').contains(&c))
    );
    // periods: list<struct<raw, start, end>>, row by row as in the JSON.
    let periods = b.column_by_name("periods").unwrap();
    let periods = periods.as_any().downcast_ref::<ListArray>().unwrap();
    let k = recs
        .iter()
        .take(b.num_rows())
        .position(|r| r.periods.len() >= 2)
        .expect("an initiative with two periods");
    let p = periods.value(k);
    let p = p.as_any().downcast_ref::<StructArray>().unwrap();
    assert_eq!(p.len(), recs[k].periods.len());
    let raw = p.column_by_name("raw").unwrap();
    let raw = raw.as_any().downcast_ref::<StringArray>().unwrap();
    let start = p.column_by_name("start").unwrap();
    let start = start.as_any().downcast_ref::<StringArray>().unwrap();
    for (j, want) in recs[k].periods.iter().enumerate() {
        assert_eq!(raw.value(j), want.raw);
        assert_eq!(start.value(j), want.start);
    }
    // quantities.value is a double even when every value is whole.
    let q = b.column_by_name("quantities").unwrap();
    let q = q.as_any().downcast_ref::<ListArray>().unwrap();
    let qv = q.values().as_any().downcast_ref::<StructArray>().unwrap();
    assert!(
        qv.column_by_name("value")
            .unwrap()
            .as_any()
            .is::<Float64Array>()
    );
    // fields: a map, in the JSON's key order.
    let fields = b.column_by_name("fields").unwrap();
    let fields = fields.as_any().downcast_ref::<MapArray>().unwrap();
    let all: Vec<&InitiativeRecord> = recs.iter().take(b.num_rows()).collect();
    let f = all.iter().position(|r| !r.fields.is_empty()).unwrap();
    let entry = fields.value(f);
    let keys = entry
        .column(0)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(keys.value(0), all[f].fields.keys().next().unwrap());
    // bbox: PDF rows have four numbers, others null.
    let bbox = b.column_by_name("bbox").unwrap();
    let bbox = bbox.as_any().downcast_ref::<ListArray>().unwrap();
    for (j, r) in all.iter().enumerate() {
        assert_eq!(bbox.is_null(j), r.bbox.is_none(), "row {j}");
    }

    for (name, want) in [
        ("documents", pq::documents_schema()),
        ("kpis", pq::kpis_schema()),
        ("periods", pq::periods_schema()),
    ] {
        let (schema, _) = read_parquet(&out.join(format!("{name}.parquet")));
        assert_eq!(schema.fields(), want.fields(), "{name}");
    }
    // The tidy periods table: one row per (initiative, period).
    let (_, batches) = read_parquet(&out.join("periods.parquet"));
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, recs.iter().map(|r| r.periods.len()).sum::<usize>());
}

#[test]
fn csv_tables_open_as_spreadsheets_and_hold_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ingest(&out, all());
    let recs = initiatives(&out);
    let bytes = fs::read(out.join("initiatives.csv")).unwrap();
    assert!(
        bytes.starts_with("\u{feff}id,source,".as_bytes()),
        "a BOM, then the header"
    );
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let headers = r.headers().unwrap().clone();
    let title = headers.iter().position(|h| h == "title").unwrap();
    let section = headers.iter().position(|h| h == "section").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), recs.len());
    for (row, rec) in rows.iter().zip(&recs) {
        assert_eq!(&row[title], rec.title);
        assert_eq!(&row[section], rec.section.join(emit::csv::LIST_SEPARATOR));
    }
    // CP932, for Excel set to Shift_JIS.
    let sjis = dir.path().join("sjis");
    fs::create_dir(&sjis).unwrap();
    for f in [emit::DOCUMENTS, emit::INITIATIVES, emit::KPIS] {
        fs::copy(out.join(f), sjis.join(f)).unwrap();
    }
    let formats = Formats {
        jsonl: false,
        csv: true,
        csv_encoding: CsvEncoding::Cp932,
        ..Formats::default()
    };
    emit::convert::convert_dir(&sjis, &formats).unwrap();
    let b = fs::read(sjis.join("initiatives.csv")).unwrap();
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&b);
    assert!(!bad);
    assert!(text.contains(&recs[0].title));
}

#[test]
fn output_is_deterministic_and_convert_gives_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ingest(&a, all());
    ingest(&b, all());
    let names = [
        "initiatives.parquet",
        "periods.parquet",
        "initiatives.csv",
        "kpis.csv",
    ];
    for n in names {
        assert!(
            fs::read(a.join(n)).unwrap() == fs::read(b.join(n)).unwrap(),
            "{n}"
        );
    }
    // convert on a JSON Lines output: the same bytes as ingest --format.
    let c = dir.path().join("c");
    ingest(&c, Formats::default());
    assert!(!c.join("initiatives.parquet").exists());
    let both = Formats {
        jsonl: false,
        parquet: true,
        csv: true,
        ..Formats::default()
    };
    emit::convert::convert_dir(&c, &both).unwrap();
    for n in names {
        assert!(
            fs::read(a.join(n)).unwrap() == fs::read(c.join(n)).unwrap(),
            "{n}"
        );
    }
    // A Parquet-only run replaces the directory: no JSON Lines, no stale CSV.
    let parquet_only = Formats {
        jsonl: false,
        parquet: true,
        ..Formats::default()
    };
    ingest(&c, parquet_only);
    assert!(c.join("initiatives.parquet").is_file());
    assert!(!c.join(emit::INITIATIVES).exists());
    assert!(!c.join("initiatives.csv").exists());
    let leftovers: Vec<_> = fs::read_dir(&c)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn viewer_boxes_every_initiative_of_a_corpus_pdf() {
    let path = corpus().join("000_a9577f83c0b17823.chromium.pdf");
    let bytes = fs::read(&path).unwrap();
    let l = torikumi::Limits::default();
    let doc = pipeline::read_document(&bytes, None, &l).unwrap();
    let out = pipeline::process_bytes(&bytes, "x.pdf", None, &l);
    assert!(out.initiatives.len() >= 5);
    let html = torikumi::view::render(&doc, &out.initiatives, "x.pdf");
    assert_eq!(html.matches("<svg ").count(), doc.page_sizes.len());
    assert_eq!(
        html.matches("class=\"ini\"").count(),
        out.initiatives.iter().filter(|i| i.bbox.is_some()).count()
    );
    for (k, i) in out.initiatives.iter().enumerate() {
        assert!(i.bbox.is_some(), "{} has a box", i.id);
        assert!(html.contains(&format!("data-id=\"{}\"", i.id)));
        assert!(html.contains(&format!("id=\"i{}\"", k + 1)));
    }
    // Self-contained: nothing to load.
    assert!(!html.contains("src=\"http") && !html.contains("<script"));
}
