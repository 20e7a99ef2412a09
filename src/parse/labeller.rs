//! The trained structure reader: two linear-chain CRFs (the `crfs` crate).
//!
//! The column model labels the columns of each table (main, row label, code,
//! field); the unit model labels each unit of the document: heading,
//! initiative start, continuation of the item above, KPI row, prose, note,
//! page furniture or other. Both are trained by `torikumi train` from the gold
//! (see [`crate::train`]) and embedded in the binary; `--model DIR` reads
//! others.

use super::features;
use super::units::{ColRole, Segmented, TableView, tables};
use crate::model::Block;
use std::path::Path;
use std::sync::OnceLock;

/// File names of the two models in a model directory.
pub const UNITS_FILE: &str = "units.crf";
/// See [`UNITS_FILE`].
pub const COLUMNS_FILE: &str = "columns.crf";

static EMBEDDED_UNITS: &[u8] = include_bytes!("../../models/units.crf");
static EMBEDDED_COLUMNS: &[u8] = include_bytes!("../../models/columns.crf");

/// What the unit model says a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// A heading: it goes into the section path of what follows.
    Heading,
    /// Starts an initiative.
    Start,
    /// Continues the item above.
    Cont,
    /// A KPI row or line (read by the KPI reader).
    Kpi,
    /// A paragraph of prose that is no initiative.
    Prose,
    /// A note (※, 注, 資料:).
    Note,
    /// Page furniture: running heads, page numbers.
    Furniture,
    /// Anything else: captions, diagram text, table rows of figures.
    Other,
}

impl Label {
    /// Every label, in a fixed order.
    pub const ALL: [Label; 8] = [
        Label::Heading,
        Label::Start,
        Label::Cont,
        Label::Kpi,
        Label::Prose,
        Label::Note,
        Label::Furniture,
        Label::Other,
    ];
    /// The label's one-letter name in the model.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Heading => "H",
            Label::Start => "B",
            Label::Cont => "I",
            Label::Kpi => "K",
            Label::Prose => "P",
            Label::Note => "N",
            Label::Furniture => "F",
            Label::Other => "O",
        }
    }
    /// The label named `s` (unknown names read as [`Label::Other`]).
    pub fn parse(s: &str) -> Label {
        Label::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .unwrap_or(Label::Other)
    }
}

/// A pair of trained models.
pub struct Labeller {
    units: Option<Box<crfs::Model<'static>>>,
    columns: Option<Box<crfs::Model<'static>>>,
}

impl std::fmt::Debug for Labeller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Labeller")
            .field("units", &self.units.is_some())
            .field("columns", &self.columns.is_some())
            .finish()
    }
}

fn model(bytes: &'static [u8]) -> std::io::Result<Option<Box<crfs::Model<'static>>>> {
    if bytes.is_empty() {
        return Ok(None);
    }
    crfs::Model::new(bytes).map(|m| Some(Box::new(m)))
}

impl Labeller {
    /// Models from their bytes (an empty model labels everything
    /// [`Label::Other`], every column a field). The bytes live as long as the
    /// process: models are loaded once.
    pub fn from_bytes(units: Vec<u8>, columns: Vec<u8>) -> std::io::Result<Labeller> {
        Ok(Labeller {
            units: model(Box::leak(units.into_boxed_slice()))?,
            columns: model(Box::leak(columns.into_boxed_slice()))?,
        })
    }

    /// Reads `units.crf` and `columns.crf` from a directory `torikumi train` wrote.
    pub fn from_dir(dir: &Path) -> std::io::Result<Labeller> {
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| {
                std::io::Error::new(e.kind(), format!("{}: {e}", dir.join(name).display()))
            })
        };
        Labeller::from_bytes(read(UNITS_FILE)?, read(COLUMNS_FILE)?)
    }

    /// The models built into the binary.
    pub fn embedded() -> &'static Labeller {
        static L: OnceLock<Labeller> = OnceLock::new();
        L.get_or_init(|| Labeller {
            units: model(EMBEDDED_UNITS).expect("the embedded unit model is valid"),
            columns: model(EMBEDDED_COLUMNS).expect("the embedded column model is valid"),
        })
    }

    /// Column roles of one table.
    pub fn column_roles(&self, tv: &TableView<'_>) -> Vec<ColRole> {
        let (cols, feats) = features::model_columns(tv);
        let mut roles = vec![ColRole::Field; tv.grid.ncols];
        if let Some(m) = &self.columns {
            for (c, l) in cols.into_iter().zip(tag(m, feats)) {
                roles[c] = ColRole::from_label(&l);
            }
        }
        roles
    }

    /// A document's units, with the tables' column roles set by the column model.
    pub fn segment<'a>(&self, blocks: &'a [Block]) -> Segmented<'a> {
        let mut ts = tables(blocks);
        for tv in &mut ts {
            tv.roles = self.column_roles(tv);
        }
        super::units::segment(blocks, ts)
    }

    /// Labels of a document's units, from their features.
    pub fn label_units(&self, feats: Vec<Vec<String>>) -> Vec<Label> {
        match &self.units {
            Some(m) => tag(m, feats).iter().map(|l| Label::parse(l)).collect(),
            None => vec![Label::Other; feats.len()],
        }
    }
}

/// The model installed by the command line (`--model`), else the embedded one.
static INSTALLED: OnceLock<Labeller> = OnceLock::new();

/// Makes `l` the labeller [`current`] returns, for the whole process. Fails
/// (returning it) when one is installed already.
pub fn install(l: Labeller) -> Result<(), Labeller> {
    INSTALLED.set(l)
}

/// The labeller in use: the installed one, else the embedded one.
pub fn current() -> &'static Labeller {
    INSTALLED.get().unwrap_or_else(Labeller::embedded)
}

fn tag(m: &crfs::Model<'static>, feats: Vec<Vec<String>>) -> Vec<String> {
    if feats.is_empty() {
        return Vec::new();
    }
    let xseq: Vec<Vec<crfs::Attribute>> = feats
        .into_iter()
        .map(|f| f.into_iter().map(crfs::Attribute::from).collect())
        .collect();
    let n = xseq.len();
    match m.tagger().and_then(|t| {
        t.tag(&xseq)
            .map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>())
    }) {
        Ok(v) if v.len() == n => v,
        // A model that cannot tag (corrupt file) labels nothing.
        _ => vec![String::new(); n],
    }
}
