//! The torikumi command line: flags, the thread pool, progress and exit codes.
//! Everything else lives in the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use torikumi::pipeline::{self, DocOutput, Options};
use torikumi::source::fetch::{self, FetchOptions, Fetcher};
use torikumi::source::shard::{self, Shard};
use torikumi::source::{self, Input};
use torikumi::{Limits, emit};

// Allocation-heavy work on short-lived per-document threads: mimalloc's
// thread-local heaps are faster than glibc malloc there (benches/README.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns Japanese prefectural and municipal reports (HTML, PDF, text) into a
/// JSON Lines dataset of the initiatives they list.
#[derive(Parser)]
#[command(name = "torikumi", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read documents and write documents.jsonl, initiatives.jsonl and kpis.jsonl.
    ///
    /// Formats are detected from content (PDF, HTML in UTF-8 / Shift_JIS /
    /// EUC-JP / ISO-2022-JP, plain text), never from file names. One bad
    /// document gets an `error` in documents.jsonl and a line on stderr; the
    /// others go on. Exit status: 0 all read, 1 some failed, 2 bad usage.
    Ingest(IngestArgs),
    /// Stream mapper for Spark, Hadoop streaming, GNU parallel and xargs:
    /// paths or URLs on standard input, one a line; on standard output one
    /// JSON line per record, `{"kind":"document"|"initiative"|"kpi",...}`,
    /// every record of a document together, in input order, flushed after
    /// each document.
    ///
    /// A document that cannot be read is a `document` line with its `error`
    /// (and a line on stderr); the batch goes on. Exit status: 0 when the
    /// input was read to its end, even if some documents failed; 1 when the
    /// mapper could not read its input or write its output; 2 on bad usage.
    /// Needs no environment (HOME, PATH, TMPDIR): --cache and --tmp say where
    /// files go.
    Map(MapArgs),
    /// Write Parquet or CSV tables from an output directory's JSON Lines
    /// files (documents, initiatives, kpis and the tidy periods table), into
    /// the same directory; each file is written under a temporary name and
    /// renamed into place.
    Convert(ConvertArgs),
    /// Write one self-contained HTML page showing what torikumi found in one
    /// document: PDF pages drawn from torikumi's text positions with every
    /// initiative boxed and numbered, its fields beside it; other formats as
    /// their text with the initiatives highlighted.
    View(ViewArgs),
    /// Print the JSON Schema of the output records (one object keyed by file name).
    Schema,
    /// Print a document's text as torikumi reads it: normalized, in reading
    /// order, a table row's cells separated by a tab, pages by a form feed.
    Text {
        /// A file or a URL.
        input: String,
    },
    /// Train the structure reader from gold annotations and write its two
    /// models (units.crf, columns.crf) into --out.
    ///
    /// Every *.gold.json in each --gold directory is read; its renderings
    /// (the gold's `sources`) are looked up by file name under the gold
    /// directory's parent and under each --docs directory. Training is
    /// deterministic. `ingest --model DIR` reads the result; copying it into
    /// models/ and rebuilding makes it the built-in model.
    Train(TrainArgs),
}

#[derive(clap::Args)]
struct ConvertArgs {
    /// An output directory of `torikumi ingest` (with its .jsonl files).
    dir: PathBuf,
    /// The formats to write.
    #[arg(long, value_enum, value_delimiter = ',', required = true)]
    to: Vec<TableFormat>,
    #[command(flatten)]
    options: FormatOptions,
}

#[derive(clap::Args)]
struct ViewArgs {
    /// A file or a URL.
    input: String,
    /// Where to write the page (default: the input's file name with .html
    /// added, in the current directory).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TableFormat {
    Parquet,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutFormat {
    Jsonl,
    Parquet,
    Csv,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CsvEncodingArg {
    /// UTF-8 with a byte order mark (Excel reads it as UTF-8).
    #[value(name = "utf-8-bom")]
    Utf8Bom,
    /// UTF-8 without a byte order mark.
    #[value(name = "utf-8")]
    Utf8,
    /// Windows-31J, as Excel on Japanese Windows writes (unencodable characters become 〓).
    Cp932,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CompressionArg {
    Zstd,
    Snappy,
    None,
}

#[derive(clap::Args)]
struct FormatOptions {
    /// Character encoding of CSV files.
    #[arg(long, value_enum, default_value = "utf-8-bom")]
    csv_encoding: CsvEncodingArg,
    /// Compression of Parquet files.
    #[arg(long, value_enum, default_value = "zstd")]
    parquet_compression: CompressionArg,
}

impl FormatOptions {
    fn formats(&self, jsonl: bool, parquet: bool, csv: bool) -> emit::convert::Formats {
        use emit::convert::{CsvEncoding, ParquetCompression};
        emit::convert::Formats {
            jsonl,
            parquet,
            csv,
            csv_encoding: match self.csv_encoding {
                CsvEncodingArg::Utf8Bom => CsvEncoding::Utf8Bom,
                CsvEncodingArg::Utf8 => CsvEncoding::Utf8,
                CsvEncodingArg::Cp932 => CsvEncoding::Cp932,
            },
            parquet_compression: match self.parquet_compression {
                CompressionArg::Zstd => ParquetCompression::Zstd,
                CompressionArg::Snappy => ParquetCompression::Snappy,
                CompressionArg::None => ParquetCompression::None,
            },
        }
    }
}

#[derive(clap::Args)]
struct TrainArgs {
    /// Directories of *.gold.json files.
    #[arg(long, default_values_t = [String::from("../shared/corpus-dev/gold"), String::from("../shared/corpus-real/gold"), String::from("training/synthetic/gold")])]
    gold: Vec<String>,
    /// More directories to look for renderings in (searched recursively).
    #[arg(long)]
    docs: Vec<PathBuf>,
    /// Leave out the document with this name (a gold file's `document`); repeatable.
    #[arg(long)]
    exclude: Vec<String>,
    /// Where to write units.crf and columns.crf.
    #[arg(long, short, default_value = "models")]
    out: PathBuf,
    /// L2 regularization of the unit model (chosen by tools/crossval.sh).
    #[arg(long, default_value_t = 0.01)]
    c2: f64,
    /// L1 regularization of the unit model: it keeps few, general features.
    #[arg(long, default_value_t = 2.0)]
    c1: f64,
    /// L2 regularization of the column model.
    #[arg(long, default_value_t = 0.1)]
    column_c2: f64,
    /// L1 regularization of the column model.
    #[arg(long, default_value_t = 0.0)]
    column_c1: f64,
    /// Weight of one synthetic training document (gold marked "synthetic")
    /// against one real gold document.
    #[arg(long, default_value_t = 2.0)]
    synthetic_weight: f64,
    /// Train the unit model on column roles predicted in this many folds
    /// (each by a column model trained on the other folds), as `ingest`
    /// predicts them; 0 trains it on the gold's column roles.
    #[arg(long, default_value_t = 0)]
    stack_folds: usize,
    /// Print the gold documents found and exit.
    #[arg(long)]
    list: bool,
}

#[derive(clap::Args)]
struct IngestArgs {
    /// Files, directories (read recursively), glob patterns, URLs, or @FILE
    /// for a manifest (one path or URL a line). Default: the shipped corpus/.
    inputs: Vec<String>,
    /// Output directory; its three files are replaced atomically at the end.
    #[arg(long, short, default_value = "output")]
    out: PathBuf,
    /// Worker threads (default: one per core). The output does not depend on it.
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Read only shard K of N (K from 0 to N-1): the inputs whose source
    /// hashes to it. The N shards' outputs together hold exactly the records
    /// of one run over all inputs.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Shard count N, with the index K taken from JOB_COMPLETION_INDEX
    /// (Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch
    /// array job). Default: $TORIKUMI_SHARDS.
    #[arg(long, value_name = "N")]
    shards: Option<u32>,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    fetch: FetchArgs,
    /// From each URL given, also fetch the PDF and HTML reports it links on the
    /// same host, Word/Excel/PowerPoint files included (.doc, .jtd and the
    /// like are listed as skipped).
    #[arg(long)]
    follow: bool,
    /// How many links deep --follow goes.
    #[arg(long, default_value_t = 1, value_name = "N")]
    depth: u32,
    /// Continue an interrupted run on the same --out: documents it finished
    /// (same source, same sha256) are taken from its journal, not read again.
    #[arg(long)]
    resume: bool,
    /// Output formats, comma-separated: jsonl (documents.jsonl, ...),
    /// parquet and csv (documents, initiatives, kpis and the tidy periods
    /// table). The output directory holds the formats of this run only.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "jsonl")]
    format: Vec<OutFormat>,
    #[command(flatten)]
    format_options: FormatOptions,
}

#[derive(clap::Args)]
struct MapArgs {
    /// Documents read at once. One by default: engines run one mapper per
    /// core already.
    #[arg(long, short = 'j', default_value_t = 1)]
    threads: usize,
    /// Read relative paths from this directory; `source` stays the path as
    /// written on the input line.
    #[arg(long, value_name = "DIR")]
    base: Option<PathBuf>,
    /// Where a document whose records outgrow 8 MB of JSON waits before it is
    /// written. Default: $TMPDIR, else /tmp.
    #[arg(long, value_name = "DIR")]
    tmp: Option<PathBuf>,
    /// No error lines on stderr.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    fetch: FetchArgs,
}

#[derive(clap::Args)]
struct ModelArgs {
    /// Read the structure models from this directory (units.crf, columns.crf,
    /// as `torikumi train` writes them) instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
}

impl ModelArgs {
    /// `--model DIR`: makes the models read from DIR the ones every document
    /// is parsed with.
    fn install(&self) -> Result<(), ExitCode> {
        if let Some(dir) = &self.model {
            match torikumi::parse::labeller::Labeller::from_dir(dir) {
                Ok(l) => {
                    let _ = torikumi::parse::labeller::install(l);
                }
                Err(e) => {
                    eprintln!("torikumi: --model: {e}");
                    return Err(ExitCode::from(2));
                }
            }
        }
        Ok(())
    }
}

#[derive(clap::Args)]
struct LimitArgs {
    /// Largest document read, in MB.
    #[arg(long, default_value_t = 256, value_name = "MB")]
    max_size: u64,
    /// Largest decompressed PDF stream or Office zip part, in MB (all parts of one file: 4 times this).
    #[arg(long, default_value_t = 64, value_name = "MB")]
    max_stream: u64,
    /// Most PDF pages (workbook sheets, slides) read from one document.
    #[arg(long, default_value_t = 5000)]
    max_pages: u32,
    /// Deepest nesting followed (PDF arrays and dictionaries, form XObjects,
    /// HTML elements); deeper content is cut off with a warning or an error.
    #[arg(long, default_value_t = 64, value_name = "N")]
    max_depth: u32,
    /// Wall time one document may take, in seconds; past it the document fails.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    timeout: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_input_bytes: self.max_size.saturating_mul(1 << 20),
            max_stream_bytes: self.max_stream.saturating_mul(1 << 20),
            max_pages: self.max_pages,
            max_depth: self.max_depth,
            max_time: Duration::from_secs(self.timeout),
            ..Limits::default()
        }
    }
}

#[derive(clap::Args)]
struct FetchArgs {
    /// Most requests per second to one host, in this process (N processes
    /// fetching from one host make N times as many: see "Running at scale"
    /// in the README).
    #[arg(long, default_value_t = 1.0, value_name = "R")]
    rate: f64,
    /// Cache of fetched documents (bodies by sha256, ETag / Last-Modified per
    /// URL). Default: $XDG_CACHE_HOME/torikumi or ~/.cache/torikumi, else
    /// .torikumi-cache in the working directory.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Do not cache fetched documents.
    #[arg(long, conflicts_with_all = ["cache", "offline"])]
    no_cache: bool,
    /// Use only the cache: no network.
    #[arg(long)]
    offline: bool,
}

fn main() -> ExitCode {
    // A panic inside one document is caught and reported as that document's
    // error; the default hook would print a second, noisier message.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Schema => {
            let s = serde_json::to_string_pretty(&emit::schema()).expect("schema serializes");
            println!("{s}");
            ExitCode::SUCCESS
        }
        Command::Text { input } => text(&input),
        Command::Ingest(args) => ingest(args),
        Command::Train(args) => train(args),
        Command::Map(args) => map(args),
        Command::Convert(args) => convert(args),
        Command::View(args) => view(args),
    }
}

fn convert(args: ConvertArgs) -> ExitCode {
    let formats = args.options.formats(
        false,
        args.to.contains(&TableFormat::Parquet),
        args.to.contains(&TableFormat::Csv),
    );
    match emit::convert::convert_dir(&args.dir, &formats) {
        Ok(done) => {
            for w in &done.warnings {
                eprintln!("torikumi: warning: {w}");
            }
            for f in &done.files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("torikumi: convert: {e}");
            ExitCode::from(1)
        }
    }
}

/// The bytes of a file or URL, and the HTTP charset of a URL.
fn read_input(input: &str) -> Result<(Vec<u8>, Option<String>), ExitCode> {
    if source::is_url(input) {
        let opts = FetchOptions {
            cache_dir: Some(fetch::default_cache_dir()),
            ..FetchOptions::default()
        };
        match Fetcher::new(opts).and_then(|f| f.fetch(input)) {
            Ok(f) => Ok((f.bytes, f.charset)),
            Err(e) => {
                eprintln!("torikumi: {input}: {e}");
                Err(ExitCode::from(1))
            }
        }
    } else {
        match std::fs::read(input) {
            Ok(b) => Ok((b, None)),
            Err(e) => {
                eprintln!("torikumi: {input}: {e}");
                Err(ExitCode::from(1))
            }
        }
    }
}

fn view(args: ViewArgs) -> ExitCode {
    let (bytes, charset) = match read_input(&args.input) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let limits = Limits::default();
    let doc = match pipeline::read_document(&bytes, charset.as_deref(), &limits) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("torikumi: {}: {e}", args.input);
            return ExitCode::from(1);
        }
    };
    let sha = pipeline::sha256_hex(&bytes);
    let parsed = torikumi::parse::parse(&doc, &args.input, &sha);
    let html = torikumi::view::render(&doc, &parsed.initiatives, &args.input);
    let out = args.out.unwrap_or_else(|| {
        let name = args
            .input
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("document");
        PathBuf::from(format!("{name}.html"))
    });
    match emit::write_atomic(&out, html.as_bytes()) {
        Ok(()) => {
            eprintln!(
                "torikumi: {}: {} initiatives -> {}",
                args.input,
                parsed.initiatives.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("torikumi: {}: {e}", out.display());
            ExitCode::from(1)
        }
    }
}

fn train(args: TrainArgs) -> ExitCode {
    let dirs: Vec<PathBuf> = args.gold.iter().map(PathBuf::from).collect();
    let docs = match torikumi::train::load_gold(&dirs, &args.docs) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("torikumi: {e:#}");
            return ExitCode::from(2);
        }
    };
    if args.list {
        for d in &docs {
            println!(
                "{}\t{} initiatives\t{} kpis\t{} renderings{}",
                d.stem,
                d.initiatives.len(),
                d.kpis.len(),
                d.sources.len(),
                if d.missing.is_empty() {
                    String::new()
                } else {
                    format!("\tmissing: {}", d.missing.join(" "))
                }
            );
        }
        return ExitCode::SUCCESS;
    }
    for e in &args.exclude {
        if !docs.iter().any(|d| d.stem == *e) {
            eprintln!("torikumi: --exclude {e}: no such gold document");
            return ExitCode::from(2);
        }
    }
    let opts = torikumi::train::TrainOptions {
        c2: args.c2,
        c1: args.c1,
        column_c2: args.column_c2,
        column_c1: args.column_c1,
        synthetic_weight: args.synthetic_weight,
        stack_folds: args.stack_folds,
        ..Default::default()
    };
    match torikumi::train::train(&docs, &args.exclude, &args.out, &opts) {
        Ok(r) => {
            for f in &r.failures {
                eprintln!("torikumi: {f}");
            }
            eprintln!(
                "torikumi: trained on {} documents ({} renderings, {} units); {} of {} gold initiatives not aligned; models in {}",
                r.documents,
                r.renderings,
                r.units,
                r.unaligned,
                r.gold,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("torikumi: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn text(input: &str) -> ExitCode {
    let limits = Limits::default();
    let (bytes, charset) = if source::is_url(input) {
        let opts = FetchOptions {
            cache_dir: Some(fetch::default_cache_dir()),
            ..FetchOptions::default()
        };
        match Fetcher::new(opts).and_then(|f| f.fetch(input)) {
            Ok(f) => (f.bytes, f.charset),
            Err(e) => {
                eprintln!("torikumi: {input}: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        match std::fs::read(input) {
            Ok(b) => (b, None),
            Err(e) => {
                eprintln!("torikumi: {input}: {e}");
                return ExitCode::from(1);
            }
        }
    };
    match pipeline::read_document(&bytes, charset.as_deref(), &limits) {
        Ok(doc) => {
            for w in &doc.warnings {
                eprintln!("torikumi: {input}: warning: {w}");
            }
            let mut out = std::io::stdout().lock();
            if out.write_all(emit::text::render(&doc).as_bytes()).is_err() {
                return ExitCode::SUCCESS; // broken pipe: the reader has what it wanted
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("torikumi: {input}: {e}");
            ExitCode::from(1)
        }
    }
}

fn fetch_options(fetch: &FetchArgs, limits: &LimitArgs, depth: u32) -> FetchOptions {
    let cache_dir = if fetch.no_cache {
        None
    } else {
        Some(fetch.cache.clone().unwrap_or_else(fetch::default_cache_dir))
    };
    FetchOptions {
        cache_dir,
        offline: fetch.offline,
        depth,
        rate_per_host: fetch.rate,
        timeout_total: Duration::from_secs(limits.timeout.max(1)),
        max_bytes: limits.max_size.saturating_mul(1 << 20),
        ..FetchOptions::default()
    }
}

fn make_fetcher(args: &IngestArgs) -> Result<Fetcher, torikumi::Error> {
    Fetcher::new(fetch_options(&args.fetch, &args.limits, args.depth))
}

/// A fetcher made on the first URL, so that a mapper given only paths
/// creates no cache directory.
struct LazyFetcher {
    opts: FetchOptions,
    fetcher: std::sync::OnceLock<Result<Fetcher, String>>,
}

impl pipeline::Fetch for LazyFetcher {
    fn fetch(&self, url: &str) -> torikumi::Result<fetch::Fetched> {
        match self
            .fetcher
            .get_or_init(|| Fetcher::new(self.opts.clone()).map_err(|e| e.to_string()))
        {
            Ok(f) => f.fetch(url),
            Err(e) => Err(torikumi::Error::new(
                torikumi::Stage::Source,
                torikumi::ErrorKind::Fetch(e.clone()),
            )),
        }
    }
}

fn map(args: MapArgs) -> ExitCode {
    if let Err(code) = args.model.install() {
        return code;
    }
    let fetcher = LazyFetcher {
        opts: fetch_options(&args.fetch, &args.limits, 0),
        fetcher: std::sync::OnceLock::new(),
    };
    let opts = torikumi::mapper::MapOptions {
        limits: args.limits.limits(),
        threads: args.threads.max(1),
        base: args.base.clone(),
        spill_dir: Some(args.tmp.clone().unwrap_or_else(std::env::temp_dir)),
    };
    let quiet = args.quiet;
    let on_done = |d: &DocOutput| {
        if let (Some(err), false) = (&d.record.error, quiet) {
            eprintln!("torikumi: {}: {err}", d.record.source);
        }
    };
    let stdin = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
    let mut stdout = std::io::stdout().lock();
    match torikumi::mapper::run(stdin, &mut stdout, &opts, Some(&fetcher), &on_done) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("torikumi: map: {e}");
            ExitCode::from(1)
        }
    }
}

/// --follow: each URL input becomes the documents found from it, in order;
/// linked files not read are listed as skipped.
fn follow(inputs: Vec<Input>, fetcher: &Fetcher) -> Vec<Input> {
    let start: Vec<String> = inputs
        .iter()
        .filter_map(|i| {
            if let Input::Url(u) = i {
                Some(u.clone())
            } else {
                None
            }
        })
        .collect();
    let found = fetcher.discover(&start);
    let mut out: Vec<Input> = inputs
        .into_iter()
        .filter(|i| !matches!(i, Input::Url(_)))
        .collect();
    out.extend(found.documents.into_iter().map(Input::Url));
    out.extend(
        found
            .skipped
            .into_iter()
            .filter(|s| !matches!(s.kind, fetch::SkipKind::NotDocument))
            .map(|s| Input::Skipped {
                source: s.url,
                reason: format!("{} (linked from {})", s.reason, s.found_on),
            }),
    );
    out
}

/// The shipped corpus: `corpus/` here, else the one beside the crate's sources.
fn default_corpus() -> String {
    if Path::new("corpus").is_dir() {
        "corpus".to_string()
    } else {
        concat!(env!("CARGO_MANIFEST_DIR"), "/corpus").to_string()
    }
}

fn ingest(args: IngestArgs) -> ExitCode {
    if let Err(code) = args.model.install() {
        return code;
    }
    let inputs_args = if args.inputs.is_empty() {
        vec![default_corpus()]
    } else {
        args.inputs.clone()
    };
    let shard = match Shard::choose(args.shard.as_deref(), args.shards, |k| {
        std::env::var(k).ok()
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("torikumi: {e}");
            return ExitCode::from(2);
        }
    };
    if shard.is_none()
        && let Some(var) = shard::INDEX_VARS
            .iter()
            .find(|v| std::env::var_os(v).is_some())
        && !args.quiet
    {
        eprintln!(
            "torikumi: {var} is set but no shard count (--shards or {}): reading every input",
            shard::COUNT_VAR
        );
    }
    let mut inputs: Vec<Input> = source::resolve(&inputs_args);
    let fetcher = if inputs.iter().any(|i| matches!(i, Input::Url(_))) {
        match make_fetcher(&args) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("torikumi: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    if let (true, Some(f)) = (args.follow, &fetcher) {
        inputs = follow(inputs, f);
    }
    if inputs.is_empty() {
        eprintln!("torikumi: no documents found in {}", inputs_args.join(" "));
        return ExitCode::from(2);
    }
    // Sharding comes after --follow, so that the documents found are spread too.
    if let Some(shard) = shard {
        let all = inputs.len();
        inputs = shard.select(inputs);
        if !args.quiet {
            eprintln!(
                "torikumi: shard {shard}: {} of {all} documents",
                inputs.len()
            );
        }
    }
    let opts = Options {
        limits: args.limits.limits(),
        threads: args.threads.unwrap_or(0),
        out: args.out.clone(),
        resume: args.resume,
        formats: args.format_options.formats(
            args.format.contains(&OutFormat::Jsonl),
            args.format.contains(&OutFormat::Parquet),
            args.format.contains(&OutFormat::Csv),
        ),
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal() && inputs.len() > 1;
    let bar = if show_progress {
        let b = ProgressBar::new(inputs.len() as u64);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} documents {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let on_done = |d: &DocOutput| {
        if let Some(err) = &d.record.error {
            let line = format!("torikumi: {}: {err}", d.record.source);
            match &bar {
                Some(b) => b.println(line),
                None => eprintln!("{line}"),
            }
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let fetch_dyn = fetcher.as_ref().map(|f| f as &dyn pipeline::Fetch);
    let summary = match pipeline::run(&inputs, &opts, fetch_dyn, &on_done) {
        Ok(s) => s,
        Err(e) => {
            if let Some(b) = &bar {
                b.abandon();
            }
            eprintln!(
                "torikumi: cannot write output to {}: {e}",
                args.out.display()
            );
            return ExitCode::from(1);
        }
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    for w in &summary.warnings {
        eprintln!("torikumi: warning: {w}");
    }
    if !args.quiet {
        eprintln!(
            "torikumi: {} documents ({} failed{}), {} initiatives, {} KPI rows in {:.2} s -> {}",
            summary.documents,
            summary.failed,
            if summary.resumed > 0 {
                format!(", {} resumed", summary.resumed)
            } else {
                String::new()
            },
            summary.initiatives,
            summary.kpis,
            summary.elapsed.as_secs_f64(),
            args.out.display()
        );
    }
    if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
