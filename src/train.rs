//! Training the structure reader from gold annotations.
//!
//! A gold file (`*.gold.json`, the scorer's format) lists a document's
//! initiatives (title, text, section, category, fields, codes) and KPIs, and
//! the file names of its renderings (`sources`). The aligner reads each
//! rendering as the pipeline does, maps every gold initiative onto its units
//! and derives the labels: the unit holding the title starts an item, the
//! units after it whose text the gold text holds continue it, units equal to
//! a section name are headings; table columns holding titles are main
//! columns, those holding categories or section names row labels. The two
//! CRFs are then trained on those labels with L-BFGS. Training is
//! deterministic: the same gold and renderings give the same model bytes.

use crate::limits::Limits;
use crate::parse::features;
use crate::parse::labeller::{COLUMNS_FILE, Label, UNITS_FILE};
use crate::parse::markers;
use crate::parse::table::is_kpi_year_row;
use crate::parse::units::{self, ColRole, Segmented, TableView, Unit, UnitKind, one_line};
use crate::pipeline;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// One gold initiative, as far as training reads it.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct GoldItem {
    /// Its title.
    pub title: String,
    /// Its whole text.
    pub text: String,
    /// Its heading path.
    pub section: Vec<String>,
    /// Its row label.
    pub category: Option<String>,
    /// Its other cells.
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Its codes.
    pub policy_codes: Vec<String>,
}

/// One gold KPI, as far as training reads it.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct GoldKpi {
    /// The indicator's name.
    pub name: String,
}

#[derive(Debug, Deserialize)]
struct GoldFile {
    document: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    initiatives: Vec<GoldItem>,
    #[serde(default)]
    kpis: Vec<GoldKpi>,
    #[serde(default)]
    synthetic: bool,
}

/// A gold document and the renderings of it that were found.
#[derive(Debug, Clone)]
pub struct GoldDoc {
    /// The document's name (the gold file's stem).
    pub stem: String,
    /// The gold file.
    pub path: PathBuf,
    /// Paths of its renderings.
    pub sources: Vec<PathBuf>,
    /// Source names listed in the gold but not found.
    pub missing: Vec<String>,
    /// Its initiatives.
    pub initiatives: Vec<GoldItem>,
    /// Its KPIs.
    pub kpis: Vec<GoldKpi>,
    /// A generated training document (`"synthetic": true` in the gold,
    /// tools/gen_synthetic.py): weighted by
    /// [`TrainOptions::synthetic_weight`], never an accuracy figure.
    pub synthetic: bool,
}

/// Every `*.gold.json` in `dirs`, with its renderings looked up by file name
/// under the gold directory's parent (recursively) and under `doc_dirs`.
pub fn load_gold(dirs: &[PathBuf], doc_dirs: &[PathBuf]) -> Result<Vec<GoldDoc>> {
    let mut out = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("{}: cannot read the gold directory", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".gold.json"))
            })
            .collect();
        files.sort();
        let mut roots: Vec<PathBuf> = doc_dirs.to_vec();
        roots.push(dir.parent().unwrap_or(dir).to_path_buf());
        let index = file_index(&roots);
        for path in files {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            let g: GoldFile = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a gold file", path.display()))?;
            let stem = g.document.clone().unwrap_or_else(|| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .trim_end_matches(".gold.json")
                    .to_string()
            });
            let mut sources = Vec::new();
            let mut missing = Vec::new();
            for s in &g.sources {
                let name = Path::new(s)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or(s);
                match index.get(name) {
                    Some(p) => sources.push(p.clone()),
                    None => missing.push(s.clone()),
                }
            }
            out.push(GoldDoc {
                stem,
                path,
                sources,
                missing,
                initiatives: g.initiatives,
                kpis: g.kpis,
                synthetic: g.synthetic,
            });
        }
    }
    Ok(out)
}

/// File name → path of every file under `roots` (the first found wins, in
/// sorted order).
fn file_index(roots: &[PathBuf]) -> BTreeMap<String, PathBuf> {
    let mut index = BTreeMap::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    let mut seen = 0usize;
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            seen += 1;
            if seen > 200_000 {
                return index;
            }
            if p.is_dir() {
                stack.push(p);
            } else if let Some(n) = p.file_name().and_then(|n| n.to_str()) {
                index.entry(n.to_string()).or_insert(p);
            }
        }
    }
    index
}

/// Comparison form: NFKC, no white space (as the scorer compares).
pub fn norm(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let v: Vec<char> = s.chars().collect();
    let mut b: Vec<(char, char)> = v.windows(2).map(|w| (w[0], w[1])).collect();
    b.sort();
    b
}

/// Character-bigram Dice coefficient, as the scorer computes it.
pub fn dice(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (ba, bb) = (bigrams(a), bigrams(b));
    let total = ba.len() + bb.len();
    if total == 0 {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < ba.len() && j < bb.len() {
        match ba[i].cmp(&bb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / total as f64
}

/// One rendering, aligned: its units' features and labels and its tables'
/// column features and roles.
pub struct Aligned {
    /// Unit features.
    pub unit_features: Vec<Vec<String>>,
    /// Unit labels.
    pub unit_labels: Vec<Label>,
    /// Per table: column features and roles.
    pub columns: Vec<(Vec<Vec<String>>, Vec<ColRole>)>,
    /// Gold initiatives whose title no unit holds.
    pub unaligned: usize,
}

/// Column roles from the gold: columns holding titles are main columns,
/// those holding categories or section names row labels, those holding the
/// gold's codes code columns.
fn gold_roles(tv: &TableView<'_>, gold: &[GoldItem]) -> Vec<ColRole> {
    let titles: HashSet<String> = gold.iter().map(|g| norm(&g.title)).collect();
    let labels: HashSet<String> = gold
        .iter()
        .flat_map(|g| g.category.iter().chain(g.section.iter()))
        .map(|s| norm(s))
        .collect();
    let codes: HashSet<String> = gold
        .iter()
        .flat_map(|g| g.policy_codes.iter())
        .map(|s| norm(s))
        .collect();
    // Every text column is a candidate (its cells become units, and the unit
    // model decides which start initiatives). A text column that holds no
    // gold title is Text, not Main: the column model learns which columns
    // list initiatives, from the whole column, and the unit model sees that
    // judgement (trole=) on every one of its cells.
    let g = &tv.grid;
    let mut hits = vec![0usize; g.ncols];
    let mut lab = vec![0usize; g.ncols];
    let mut code = vec![0usize; g.ncols];
    for r in tv.header_rows..g.rows.len() {
        for c in 0..g.ncols {
            let Some(cell) = g.origin_cell(r, c) else {
                continue;
            };
            let whole = one_line(&cell.text());
            let whole_n = norm(markers::without_marker(&whole));
            let mut hit = titles.contains(&whole_n);
            if !hit {
                for l in cell.text().lines() {
                    if titles.contains(&norm(markers::without_marker(l.trim()))) {
                        hit = true;
                        break;
                    }
                }
            }
            if hit {
                hits[c] += 1;
            } else if !whole_n.is_empty() && labels.contains(&whole_n) {
                lab[c] += 1;
            }
            if !codes.is_empty() {
                let n = norm(&whole);
                if codes
                    .iter()
                    .any(|k| !k.is_empty() && n.contains(k.as_str()))
                {
                    code[c] += 1;
                }
            }
        }
    }
    (0..g.ncols)
        .map(|c| {
            if hits[c] > 0 {
                ColRole::Main
            } else if lab[c] > 0 {
                ColRole::Label
            } else if code[c] > 0
                || tv
                    .header(c)
                    .is_some_and(|h| crate::parse::codes::is_code_header(&h))
            {
                ColRole::Code
            } else if features::is_model_column(tv, c) {
                ColRole::Text
            } else {
                ColRole::Field
            }
        })
        .collect()
}

/// Aligns one rendering's blocks with its gold.
pub fn align(blocks: &[crate::model::Block], gold: &GoldDoc) -> Aligned {
    let (seg, columns) = gold_segment(blocks, gold);
    let (unit_labels, unaligned) = unit_labels(&seg, gold);
    Aligned {
        unit_features: features::unit_features(&seg),
        unit_labels,
        columns,
        unaligned,
    }
}

/// The units of a rendering as training sees them: its tables' column roles
/// come from the gold, not from the column model (so a table's header rows,
/// and with them the units, can differ from what `ingest` reads). Also
/// returns each table's column features and roles.
#[allow(clippy::type_complexity)]
pub fn gold_segment<'a>(
    blocks: &'a [crate::model::Block],
    gold: &GoldDoc,
) -> (Segmented<'a>, Vec<(Vec<Vec<String>>, Vec<ColRole>)>) {
    let mut ts = units::tables(blocks);
    let mut columns = Vec::new();
    for tv in &mut ts {
        tv.roles = gold_roles(tv, &gold.initiatives);
        let (cols, feats) = features::model_columns(tv);
        let roles = cols.iter().map(|&c| tv.roles[c]).collect();
        columns.push((feats, roles));
    }
    (units::segment(blocks, ts), columns)
}

/// The label of each unit of `seg` that the gold implies, and how many gold
/// initiatives no unit holds.
pub fn unit_labels(seg: &Segmented<'_>, gold: &GoldDoc) -> (Vec<Label>, usize) {
    let units = &seg.units;
    let n = units.len();
    let titles: Vec<String> = units.iter().map(|u| norm(u.title())).collect();
    let texts: Vec<String> = units.iter().map(|u| norm(&u.text)).collect();
    let mut labels: Vec<Option<Label>> = vec![None; n];
    let mut cursor = 0usize;
    let mut unaligned = 0;
    for g in &gold.initiatives {
        let gt = norm(&g.title);
        if gt.is_empty() {
            continue;
        }
        let free = |j: usize| labels[j].is_none();
        let exact = (cursor..n)
            .chain(0..cursor)
            .find(|&j| free(j) && titles[j] == gt);
        let found = exact
            .or_else(|| {
                let mut best: Option<(f64, usize)> = None;
                for j in (cursor..n).chain(0..cursor) {
                    if !free(j) {
                        continue;
                    }
                    let (a, b) = (titles[j].chars().count(), gt.chars().count());
                    if a * 2 < b || b * 2 < a {
                        continue;
                    }
                    let d = dice(&titles[j], &gt);
                    if d >= 0.8 && best.is_none_or(|(bd, _)| d > bd) {
                        best = Some((d, j));
                    }
                }
                best.map(|(_, j)| j)
            })
            .or_else(|| {
                (cursor..n)
                    .chain(0..cursor)
                    .find(|&j| free(j) && gt.chars().count() >= 4 && titles[j].starts_with(&gt))
            });
        let Some(j) = found else {
            unaligned += 1;
            continue;
        };
        labels[j] = Some(Label::Start);
        cursor = j + 1;
        let gtext = norm(&g.text);
        let mut k = j + 1;
        while k < n && labels[k].is_none() {
            let t = &texts[k];
            let shown = match (&units[k].implicit_marker, units[k].marker()) {
                (Some(m), None) => norm(&format!("{m}{}", units[k].text)),
                _ => t.clone(),
            };
            let contained =
                !t.is_empty() && (gtext.contains(t.as_str()) || gtext.contains(shown.as_str()));
            if !contained || titles[k] == gt {
                break;
            }
            labels[k] = Some(Label::Cont);
            k += 1;
        }
        cursor = cursor.max(k);
    }
    let sections: HashSet<String> = gold
        .initiatives
        .iter()
        .flat_map(|g| g.section.iter())
        .map(|s| norm(s))
        .collect();
    let kpi_names: Vec<String> = gold
        .kpis
        .iter()
        .map(|k| norm(&k.name))
        .filter(|k| k.chars().count() >= 4)
        .collect();
    for (j, u) in units.iter().enumerate() {
        if labels[j].is_some() {
            continue;
        }
        labels[j] = Some(rest_label(seg, u, &texts[j], &sections, &kpi_names));
    }
    let labels = labels
        .into_iter()
        .map(|l| l.unwrap_or(Label::Other))
        .collect();
    (labels, unaligned)
}

/// The label of a unit no gold initiative holds.
fn rest_label(
    seg: &Segmented<'_>,
    u: &Unit,
    t: &str,
    sections: &HashSet<String>,
    kpi_names: &[String],
) -> Label {
    if u.kind != UnitKind::HeaderRow && !t.is_empty() && sections.contains(t) {
        return Label::Heading;
    }
    let kpi_table = u.cell.is_some_and(|c| seg.tables[c.table].kpi);
    if kpi_table || is_kpi_year_row(&u.text) || kpi_names.iter().any(|k| t.contains(k.as_str())) {
        return Label::Kpi;
    }
    let s = u.text.as_str();
    if features::is_note_line(s) {
        return Label::Note;
    }
    let core: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !core.is_empty()
        && core.len() <= 8
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || "-–()".contains(c))
    {
        return Label::Furniture;
    }
    if s.ends_with('。') || s.chars().count() > 60 {
        return Label::Prose;
    }
    Label::Other
}

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// L2 regularization.
    pub c2: f64,
    /// L1 regularization.
    pub c1: f64,
    /// L-BFGS iterations at most.
    pub max_iterations: usize,
    /// L2 regularization of the column model.
    pub column_c2: f64,
    /// L1 regularization of the column model: far fewer, shorter sequences
    /// than the unit model, so a much smaller penalty.
    pub column_c1: f64,
    /// Total weight of one document's tables in the column model.
    pub table_weight: f64,
    /// Weight of one synthetic document against one real gold document.
    pub synthetic_weight: f64,
    /// Folds of the stacked column roles: with k > 1, the unit model learns
    /// from units whose tables' column roles were predicted, by a column
    /// model trained on the other folds' documents, as `ingest` predicts
    /// them, not read from the gold. 0 or 1: the gold's roles.
    pub stack_folds: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            c2: 0.01,
            c1: 2.0,
            max_iterations: 300,
            column_c2: 0.1,
            column_c1: 0.0,
            table_weight: 1.0,
            synthetic_weight: 2.0,
            stack_folds: 0,
        }
    }
}

/// What training saw.
#[derive(Debug, Default)]
pub struct TrainReport {
    /// Documents trained on.
    pub documents: usize,
    /// Renderings read.
    pub renderings: usize,
    /// Units labelled.
    pub units: usize,
    /// Gold initiatives (summed over renderings) whose title no unit holds.
    pub unaligned: usize,
    /// Gold initiatives, summed over renderings.
    pub gold: usize,
    /// Renderings that could not be read, with the reason.
    pub failures: Vec<String>,
}

/// Reads and aligns every rendering of `docs` except those named in
/// `exclude` (document stems), and writes `units.crf` and `columns.crf` into
/// `out`.
pub fn train(
    docs: &[GoldDoc],
    exclude: &[String],
    out: &Path,
    opts: &TrainOptions,
) -> Result<TrainReport> {
    let limits = Limits::default();
    let mut report = TrainReport::default();
    let lbfgs = |c1: f64, c2: f64| -> Result<crfs::train::Trainer<crfs::train::Lbfgs>> {
        let mut t = crfs::train::Trainer::lbfgs();
        let p = t.params_mut();
        p.set_c2(c2)?;
        p.set_c1(c1)?;
        p.set_max_iterations(opts.max_iterations)?;
        Ok(t)
    };
    let mut unit_trainer = lbfgs(opts.c1, opts.c2)?;
    let mut col_trainer = lbfgs(opts.column_c1, opts.column_c2)?;
    let folds = if opts.stack_folds > 1 {
        opts.stack_folds
    } else {
        0
    };
    // A rendering's units: aligned with the gold's column roles as it is
    // read, or (stacking) its blocks, segmented later with predicted roles.
    enum Units {
        Aligned(Vec<Vec<String>>, Vec<Label>, usize),
        Blocks(Vec<crate::model::Block>),
    }
    // Every readable rendering: its document's index (for the folds), its
    // weight, its tables' column features and gold roles, its units.
    struct Rendering<'d> {
        fold: usize,
        gold: &'d GoldDoc,
        weight: f64,
        columns: Vec<(Vec<Vec<String>>, Vec<ColRole>)>,
        units: Units,
    }
    let mut renderings = Vec::new();
    for doc in docs {
        if exclude.contains(&doc.stem) || doc.sources.is_empty() {
            continue;
        }
        let fold = report.documents;
        report.documents += 1;
        // Every document weighs the same, however many renderings it has.
        let weight = if doc.synthetic {
            opts.synthetic_weight
        } else {
            1.0
        } / doc.sources.len() as f64;
        for src in &doc.sources {
            let bytes = match std::fs::read(src) {
                Ok(b) => b,
                Err(e) => {
                    report.failures.push(format!("{}: {e}", src.display()));
                    continue;
                }
            };
            let d = match pipeline::read_document(&bytes, None, &limits) {
                Ok(d) => d,
                Err(e) => {
                    report.failures.push(format!("{}: {e}", src.display()));
                    continue;
                }
            };
            let (columns, units) = if folds > 0 {
                (gold_segment(&d.blocks, doc).1, Units::Blocks(d.blocks))
            } else {
                let a = align(&d.blocks, doc);
                let units = Units::Aligned(a.unit_features, a.unit_labels, a.unaligned);
                (a.columns, units)
            };
            renderings.push(Rendering {
                fold,
                gold: doc,
                weight,
                columns,
                units,
            });
        }
    }
    // Each document's tables weigh as much as one table of another (a report
    // of ninety statistics tables would drown the rest).
    let append_columns = |t: &mut crfs::train::Trainer<_>, r: &Rendering| -> Result<()> {
        let tables = r
            .columns
            .iter()
            .filter(|(f, _)| !f.is_empty())
            .count()
            .max(1);
        for (feats, roles) in &r.columns {
            if feats.is_empty() {
                continue;
            }
            let weight = r.weight / tables as f64 * opts.table_weight;
            let y: Vec<&str> = roles.iter().map(|r| r.label()).collect();
            t.append_with_weight(&attrs(feats.clone()), &y, weight)?;
        }
        Ok(())
    };
    for r in &renderings {
        append_columns(&mut col_trainer, r)?;
    }
    // The column model of each fold, trained without that fold's documents.
    let mut fold_models = Vec::new();
    if folds > 0 {
        std::fs::create_dir_all(out)
            .with_context(|| format!("{}: cannot create", out.display()))?;
        for k in 0..folds {
            let mut t = lbfgs(opts.column_c1, opts.column_c2)?;
            for r in renderings.iter().filter(|r| r.fold % folds != k) {
                append_columns(&mut t, r)?;
            }
            let path = out.join(format!(".columns.fold{k}.crf"));
            let bytes = match t.train(&path) {
                Ok(()) => std::fs::read(&path)?,
                Err(_) => Vec::new(),
            };
            let _ = std::fs::remove_file(&path);
            fold_models.push(crate::parse::labeller::Labeller::from_bytes(
                Vec::new(),
                bytes,
            )?);
        }
    }
    let mut any = false;
    for r in renderings {
        let (unit_features, unit_labels, unaligned) = match r.units {
            Units::Aligned(f, l, n) => (f, l, n),
            Units::Blocks(blocks) => {
                let seg = fold_models[r.fold % folds].segment(&blocks);
                let (labels, unaligned) = unit_labels(&seg, r.gold);
                (features::unit_features(&seg), labels, unaligned)
            }
        };
        report.renderings += 1;
        report.units += unit_features.len();
        report.unaligned += unaligned;
        report.gold += r.gold.initiatives.len();
        if !unit_features.is_empty() {
            let x = attrs(unit_features);
            let y: Vec<&str> = unit_labels.iter().map(|l| l.as_str()).collect();
            unit_trainer.append_with_weight(&x, &y, r.weight)?;
            any = true;
        }
    }
    if !any {
        bail!("no training data: no gold document with a readable rendering");
    }
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    unit_trainer.train(&out.join(UNITS_FILE))?;
    // A column model needs at least one table; without one, write the empty model.
    let cols = out.join(COLUMNS_FILE);
    if col_trainer.train(&cols).is_err() {
        std::fs::write(&cols, b"")?;
    }
    Ok(report)
}

fn attrs(feats: Vec<Vec<String>>) -> Vec<Vec<crfs::Attribute>> {
    feats
        .into_iter()
        .map(|f| f.into_iter().map(crfs::Attribute::from).collect())
        .collect()
}
