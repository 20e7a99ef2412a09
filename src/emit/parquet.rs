//! Parquet tables (`documents`, `initiatives`, `kpis`, `periods`) with
//! explicit types: what a reader infers does not depend on a batch's values.
//!
//! Types (Arrow names; Parquet logical types in brackets where they differ):
//!
//! - strings: `utf8` \[STRING\]; `sha256` and `id` included.
//! - `ordinal`, `initiatives` (counts): `int64`; `page`, `pages`,
//!   `fiscal_year*`, `status`: `int32`.
//! - `section`, `policy_codes`, `orgs`, `regions`, `warnings`, `notes`:
//!   `list<utf8>`; `fiscal_years`: `list<int32>`; `bbox`: `list<float64>`
//!   of 4 (x0, y0, x1, y1), null for non-PDF input.
//! - `periods`: `list<struct<raw utf8, start utf8, end utf8>>`; `end` null
//!   for an open range.
//! - `quantities`: `list<struct<raw utf8, value float64, unit utf8>>`:
//!   `value` is always a double, also when a batch holds only whole numbers.
//! - `fields`: `map<utf8, utf8>` \[MAP\], keys in the table's column order.
//! - KPIs: `baseline`, `target`: `struct<fiscal_year int32, value float64>`
//!   (null when absent); `values`: list of the same; `progress`:
//!   `list<struct<fiscal_year int32, percent float64>>`.
//! - documents' `fetch`: `struct<final_url, status int32, fetched_at, from_cache bool>`, null for files.
//!
//! List items, struct members and map entries are never null except where
//! said. See README.md ("Parquet schema") for the table of every column.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int32Array, Int64Array, ListArray, MapArray, RecordBatch,
    StringArray, StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::convert::{
    self, AtomicFile, ConvertError, Converted, Inputs, ParquetCompression, PeriodRow,
};
use crate::model::{DocumentRecord, InitiativeRecord, KpiRecord, YearPercent, YearValue};

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn item(t: DataType) -> FieldRef {
    Arc::new(Field::new("item", t, false))
}

fn list(t: DataType) -> DataType {
    DataType::List(item(t))
}

fn period_fields() -> Fields {
    Fields::from(vec![
        utf8("raw", false),
        utf8("start", false),
        utf8("end", true),
    ])
}

fn quantity_fields() -> Fields {
    Fields::from(vec![
        utf8("raw", false),
        Field::new("value", DataType::Float64, false),
        utf8("unit", false),
    ])
}

fn year_value_fields() -> Fields {
    Fields::from(vec![
        Field::new("fiscal_year", DataType::Int32, false),
        Field::new("value", DataType::Float64, false),
    ])
}

fn year_percent_fields() -> Fields {
    Fields::from(vec![
        Field::new("fiscal_year", DataType::Int32, false),
        Field::new("percent", DataType::Float64, false),
    ])
}

fn fetch_fields() -> Fields {
    Fields::from(vec![
        utf8("final_url", false),
        Field::new("status", DataType::Int32, false),
        utf8("fetched_at", false),
        Field::new("from_cache", DataType::Boolean, false),
    ])
}

fn map_entries() -> FieldRef {
    Arc::new(Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![utf8("key", false), utf8("value", false)])),
        false,
    ))
}

/// The schema of `documents.parquet`.
pub fn documents_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("source", false),
        utf8("sha256", false),
        utf8("format", true),
        Field::new("pages", DataType::Int32, true),
        utf8("title", true),
        Field::new("initiatives", DataType::Int64, false),
        Field::new("warnings", list(DataType::Utf8), false),
        utf8("error", true),
        Field::new("fetch", DataType::Struct(fetch_fields()), true),
    ]))
}

/// The schema of `initiatives.parquet`.
pub fn initiatives_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("id", false),
        utf8("source", false),
        Field::new("ordinal", DataType::Int64, false),
        Field::new("page", DataType::Int32, true),
        Field::new("bbox", list(DataType::Float64), true),
        Field::new("section", list(DataType::Utf8), false),
        utf8("category", true),
        Field::new("fields", DataType::Map(map_entries(), false), false),
        utf8("marker", false),
        utf8("title", false),
        utf8("text", false),
        Field::new("policy_codes", list(DataType::Utf8), false),
        Field::new("periods", list(DataType::Struct(period_fields())), false),
        Field::new("fiscal_years", list(DataType::Int32), false),
        Field::new(
            "quantities",
            list(DataType::Struct(quantity_fields())),
            false,
        ),
        Field::new("orgs", list(DataType::Utf8), false),
        Field::new("regions", list(DataType::Utf8), false),
    ]))
}

/// The schema of `kpis.parquet`.
pub fn kpis_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("name", false),
        utf8("region", true),
        utf8("unit", true),
        Field::new("baseline", DataType::Struct(year_value_fields()), true),
        Field::new("values", list(DataType::Struct(year_value_fields())), false),
        Field::new("target", DataType::Struct(year_value_fields()), true),
        Field::new(
            "progress",
            list(DataType::Struct(year_percent_fields())),
            false,
        ),
        Field::new("notes", list(DataType::Utf8), false),
        utf8("source", false),
        Field::new("page", DataType::Int32, true),
    ]))
}

/// The schema of the tidy `periods.parquet`: one row per (initiative, period).
pub fn periods_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("id", false),
        utf8("source", false),
        utf8("sha256", false),
        Field::new("ordinal", DataType::Int64, false),
        Field::new("index", DataType::Int32, false),
        utf8("raw", false),
        utf8("start", false),
        utf8("end", true),
        Field::new("fiscal_year_first", DataType::Int32, true),
        Field::new("fiscal_year_last", DataType::Int32, true),
    ]))
}

// ------------------------------------------------------------ column helpers

fn strs<'a>(v: impl Iterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(v))
}

fn opt_strs<'a>(v: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(v.collect::<StringArray>())
}

fn i32s(v: impl Iterator<Item = Option<i32>>) -> ArrayRef {
    Arc::new(v.collect::<Int32Array>())
}

fn i64s(v: impl Iterator<Item = i64>) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(v))
}

fn u32_to_i32(v: Option<u32>) -> Option<i32> {
    v.map(|x| i32::try_from(x).unwrap_or(i32::MAX))
}

/// A list column from each row's item count and all items' values.
fn list_col(
    values: ArrayRef,
    lens: impl Iterator<Item = usize>,
    valid: Option<Vec<bool>>,
) -> ArrayRef {
    let field = item(values.data_type().clone());
    Arc::new(ListArray::new(
        field,
        OffsetBuffer::from_lengths(lens),
        values,
        valid.map(NullBuffer::from),
    ))
}

fn str_lists<'a, R: 'a>(rows: &'a [R], f: impl Fn(&'a R) -> &'a [String]) -> ArrayRef {
    let values = strs(rows.iter().flat_map(|r| f(r).iter().map(String::as_str)));
    list_col(values, rows.iter().map(|r| f(r).len()), None)
}

fn struct_col(fields: Fields, cols: Vec<ArrayRef>, valid: Option<Vec<bool>>) -> ArrayRef {
    Arc::new(StructArray::new(fields, cols, valid.map(NullBuffer::from)))
}

fn year_values<'a>(v: impl Iterator<Item = Option<&'a YearValue>> + Clone) -> ArrayRef {
    let valid: Vec<bool> = v.clone().map(|x| x.is_some()).collect();
    let all_valid = valid.iter().all(|&b| b);
    struct_col(
        year_value_fields(),
        vec![
            i32s(v.clone().map(|x| Some(x.map_or(0, |y| y.fiscal_year)))),
            Arc::new(Float64Array::from_iter_values(
                v.map(|x| x.map_or(0.0, |y| y.value)),
            )),
        ],
        (!all_valid).then_some(valid),
    )
}

fn year_percents<'a>(v: impl Iterator<Item = &'a YearPercent> + Clone) -> ArrayRef {
    struct_col(
        year_percent_fields(),
        vec![
            i32s(v.clone().map(|x| Some(x.fiscal_year))),
            Arc::new(Float64Array::from_iter_values(v.map(|x| x.percent))),
        ],
        None,
    )
}

// ------------------------------------------------------------------ batches

/// A batch of document records as a record batch of [`documents_schema`].
pub fn documents_batch(rows: &[DocumentRecord]) -> Result<RecordBatch, String> {
    let fetch_valid: Vec<bool> = rows.iter().map(|d| d.fetch.is_some()).collect();
    let f = |d: &DocumentRecord| {
        d.fetch.clone().unwrap_or_else(|| crate::model::FetchInfo {
            final_url: String::new(),
            status: 0,
            fetched_at: String::new(),
            from_cache: false,
        })
    };
    let fetches: Vec<_> = rows.iter().map(f).collect();
    let cols = vec![
        strs(rows.iter().map(|d| d.source.as_str())),
        strs(rows.iter().map(|d| d.sha256.as_str())),
        opt_strs(rows.iter().map(|d| d.format.map(|f| f.as_str()))),
        i32s(rows.iter().map(|d| u32_to_i32(d.pages))),
        opt_strs(rows.iter().map(|d| d.title.as_deref())),
        i64s(rows.iter().map(|d| d.initiatives as i64)),
        str_lists(rows, |d| &d.warnings),
        opt_strs(rows.iter().map(|d| d.error.as_deref())),
        struct_col(
            fetch_fields(),
            vec![
                strs(fetches.iter().map(|x| x.final_url.as_str())),
                i32s(fetches.iter().map(|x| Some(i32::from(x.status)))),
                strs(fetches.iter().map(|x| x.fetched_at.as_str())),
                Arc::new(
                    fetches
                        .iter()
                        .map(|x| Some(x.from_cache))
                        .collect::<BooleanArray>(),
                ),
            ],
            Some(fetch_valid),
        ),
    ];
    RecordBatch::try_new(documents_schema(), cols).map_err(|e| e.to_string())
}

/// A batch of initiative records as a record batch of [`initiatives_schema`].
pub fn initiatives_batch(rows: &[InitiativeRecord]) -> Result<RecordBatch, String> {
    let bbox = list_col(
        Arc::new(Float64Array::from_iter_values(
            rows.iter().flat_map(|r| r.bbox.iter().flatten().copied()),
        )),
        rows.iter().map(|r| if r.bbox.is_some() { 4 } else { 0 }),
        Some(rows.iter().map(|r| r.bbox.is_some()).collect()),
    );
    let field_value = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let keys = strs(
        rows.iter()
            .flat_map(|r| r.fields.keys().map(String::as_str)),
    );
    let values: Vec<String> = rows
        .iter()
        .flat_map(|r| r.fields.values().map(field_value))
        .collect();
    let entries = StructArray::new(
        Fields::from(vec![utf8("key", false), utf8("value", false)]),
        vec![keys, strs(values.iter().map(String::as_str))],
        None,
    );
    let fields: ArrayRef = Arc::new(
        MapArray::try_new(
            map_entries(),
            OffsetBuffer::from_lengths(rows.iter().map(|r| r.fields.len())),
            entries,
            None,
            false,
        )
        .map_err(|e| e.to_string())?,
    );
    let periods = rows.iter().flat_map(|r| r.periods.iter());
    let periods = list_col(
        struct_col(
            period_fields(),
            vec![
                strs(periods.clone().map(|p| p.raw.as_str())),
                strs(periods.clone().map(|p| p.start.as_str())),
                opt_strs(periods.map(|p| p.end.as_deref())),
            ],
            None,
        ),
        rows.iter().map(|r| r.periods.len()),
        None,
    );
    let qs = rows.iter().flat_map(|r| r.quantities.iter());
    let quantities = list_col(
        struct_col(
            quantity_fields(),
            vec![
                strs(qs.clone().map(|q| q.raw.as_str())),
                Arc::new(Float64Array::from_iter_values(qs.clone().map(|q| q.value))),
                strs(qs.map(|q| q.unit.as_str())),
            ],
            None,
        ),
        rows.iter().map(|r| r.quantities.len()),
        None,
    );
    let cols = vec![
        strs(rows.iter().map(|r| r.id.as_str())),
        strs(rows.iter().map(|r| r.source.as_str())),
        i64s(rows.iter().map(|r| r.ordinal as i64)),
        i32s(rows.iter().map(|r| u32_to_i32(r.page))),
        bbox,
        str_lists(rows, |r| &r.section),
        opt_strs(rows.iter().map(|r| r.category.as_deref())),
        fields,
        strs(rows.iter().map(|r| r.marker.as_str())),
        strs(rows.iter().map(|r| r.title.as_str())),
        strs(rows.iter().map(|r| r.text.as_str())),
        str_lists(rows, |r| &r.policy_codes),
        periods,
        list_col(
            i32s(
                rows.iter()
                    .flat_map(|r| r.fiscal_years.iter().map(|&y| Some(y))),
            ),
            rows.iter().map(|r| r.fiscal_years.len()),
            None,
        ),
        quantities,
        str_lists(rows, |r| &r.orgs),
        str_lists(rows, |r| &r.regions),
    ];
    RecordBatch::try_new(initiatives_schema(), cols).map_err(|e| e.to_string())
}

/// A batch of KPI records as a record batch of [`kpis_schema`].
pub fn kpis_batch(rows: &[KpiRecord]) -> Result<RecordBatch, String> {
    let values = rows.iter().flat_map(|k| k.values.iter().map(Some));
    let progress = rows.iter().flat_map(|k| k.progress.iter());
    let cols = vec![
        strs(rows.iter().map(|k| k.name.as_str())),
        opt_strs(rows.iter().map(|k| k.region.as_deref())),
        opt_strs(rows.iter().map(|k| k.unit.as_deref())),
        year_values(rows.iter().map(|k| k.baseline.as_ref())),
        list_col(
            year_values(values),
            rows.iter().map(|k| k.values.len()),
            None,
        ),
        year_values(rows.iter().map(|k| k.target.as_ref())),
        list_col(
            year_percents(progress),
            rows.iter().map(|k| k.progress.len()),
            None,
        ),
        str_lists(rows, |k| &k.notes),
        strs(rows.iter().map(|k| k.source.as_str())),
        i32s(rows.iter().map(|k| u32_to_i32(k.page))),
    ];
    RecordBatch::try_new(kpis_schema(), cols).map_err(|e| e.to_string())
}

/// Rows of the tidy periods table as a record batch of [`periods_schema`].
pub fn periods_batch(rows: &[PeriodRow<'_>]) -> Result<RecordBatch, String> {
    let cols = vec![
        strs(rows.iter().map(|r| r.id)),
        strs(rows.iter().map(|r| r.source)),
        strs(rows.iter().map(|r| r.sha256)),
        i64s(rows.iter().map(|r| r.ordinal as i64)),
        i32s(
            rows.iter()
                .map(|r| Some(i32::try_from(r.index).unwrap_or(i32::MAX))),
        ),
        strs(rows.iter().map(|r| r.period.raw.as_str())),
        strs(rows.iter().map(|r| r.period.start.as_str())),
        opt_strs(rows.iter().map(|r| r.period.end.as_deref())),
        i32s(rows.iter().map(|r| r.fiscal_year_first)),
        i32s(rows.iter().map(|r| r.fiscal_year_last)),
    ];
    RecordBatch::try_new(periods_schema(), cols).map_err(|e| e.to_string())
}

// ------------------------------------------------------------------ writing

/// One Parquet file being written (atomically: see [`AtomicFile`]).
struct Table {
    file: Option<AtomicFile>,
    writer: ArrowWriter<std::fs::File>,
}

impl Table {
    fn create(
        path: &Path,
        schema: SchemaRef,
        c: ParquetCompression,
    ) -> Result<Table, ConvertError> {
        let file = AtomicFile::create(path)?;
        let handle = file
            .tmp
            .as_file()
            .try_clone()
            .map_err(|e| ConvertError::io(path, e))?;
        let compression = match c {
            ParquetCompression::Zstd => {
                Compression::ZSTD(ZstdLevel::try_new(3).expect("3 is a valid zstd level"))
            }
            ParquetCompression::Snappy => Compression::SNAPPY,
            ParquetCompression::None => Compression::UNCOMPRESSED,
        };
        let props = WriterProperties::builder()
            .set_compression(compression)
            .set_created_by(format!("torikumi {}", env!("CARGO_PKG_VERSION")))
            .set_max_row_group_row_count(Some(convert::BATCH * 8))
            .build();
        let writer = ArrowWriter::try_new(handle, schema, Some(props)).map_err(|e| {
            ConvertError::Parquet {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }
        })?;
        Ok(Table {
            file: Some(file),
            writer,
        })
    }

    fn path(&self) -> &Path {
        self.file
            .as_ref()
            .map_or(Path::new(""), |f| f.path.as_path())
    }

    fn write(&mut self, batch: Result<RecordBatch, String>) -> Result<(), ConvertError> {
        let err = |reason: String, path: &Path| ConvertError::Parquet {
            path: path.to_path_buf(),
            reason,
        };
        let batch = batch.map_err(|r| err(r, self.path()))?;
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let path = self.path().to_path_buf();
        self.writer
            .write(&batch)
            .map_err(|e| err(e.to_string(), &path))
    }

    fn commit(mut self) -> Result<std::path::PathBuf, ConvertError> {
        let file = self.file.take().expect("a table commits once");
        self.writer.close().map_err(|e| ConvertError::Parquet {
            path: file.path.clone(),
            reason: e.to_string(),
        })?;
        file.commit()
    }
}

/// Writes `documents.parquet`, `initiatives.parquet`, `kpis.parquet` and
/// `periods.parquet` into `dir` from its JSON Lines files.
pub fn write_dir(
    dir: &Path,
    compression: ParquetCompression,
    done: &mut Converted,
) -> Result<(), ConvertError> {
    let inputs = Inputs::of(dir);
    let path = |t: &str| dir.join(format!("{t}.parquet"));
    let mut documents = Table::create(&path("documents"), documents_schema(), compression)?;
    let sha: HashMap<String, String> =
        convert::sha_by_source(&inputs.documents, |b| documents.write(documents_batch(b)))?;
    done.files.push(documents.commit()?);

    let mut initiatives = Table::create(&path("initiatives"), initiatives_schema(), compression)?;
    let mut periods = Table::create(&path(convert::PERIODS), periods_schema(), compression)?;
    convert::for_each_batch::<InitiativeRecord>(&inputs.initiatives, |b| {
        initiatives.write(initiatives_batch(b))?;
        periods.write(periods_batch(&convert::period_rows(b, &sha)))
    })?;
    let (i, p) = (initiatives.commit()?, periods.commit()?);

    let mut kpis = Table::create(&path("kpis"), kpis_schema(), compression)?;
    convert::kpi_batches(&inputs.kpis, |b| kpis.write(kpis_batch(b)))?;
    done.files.push(i);
    done.files.push(kpis.commit()?);
    done.files.push(p);
    Ok(())
}
