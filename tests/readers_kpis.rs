//! The KPI reader on seed 004's KPI tables, in both shapes the extractors
//! produce: the text rendering's lines (read from the repository's corpus/)
//! and the HTML rendering's table (built here by hand, cell for cell, as the
//! HTML extractor builds it: `<th>` cells are headers, rowspans leave the
//! covered cells out of later rows, `col` counts the covered columns).

use torikumi::model::{
    Block, BlockKind, Cell, Document, Format, KpiRecord, Provenance, Row, Table,
};
use torikumi::normalize;
use torikumi::parse::kpis::find_kpis;

/// The gold KPIs of 004: name, region, unit, baseline, values, target, progress.
const GOLD: &[&str] = &[
    "認定こども園設置数|連携地域|カ所|2014:10|2015:11 2016:22 2017:40 2018:48|2019:43|2015:25.6 2016:51.2 2017:93 2018:111.6",
    "認定こども園設置数|上川地域|カ所|2014:6|2015:6 2016:16 2017:33 2018:41|2019:33|2015:18.2 2016:48.5 2017:100 2018:124.2",
    "認定こども園設置数|留萌地域|カ所|2014:2|2015:2 2016:3 2017:4 2018:4|2019:4|2015:50 2016:75 2017:100 2018:100",
    "認定こども園設置数|宗谷地域|カ所|2014:2|2015:3 2016:3 2017:3 2018:3|2019:6|2015:50 2016:50 2017:50 2018:50",
    "自主防災組織率|連携地域|%|2015:43.4|2016:47.2 2017:47.9 2018:49.3|2020:81|2016:58.3 2017:59.1 2018:60.9",
    "自主防災組織率|上川地域|%|2015:46.7|2016:51.2 2017:51.1 2018:52.5|2020:81|2016:63.2 2017:63.1 2018:64.8",
    "自主防災組織率|留萌地域|%|2015:37.9|2016:39.2 2017:39.7 2018:37.1|2020:81|2016:48.4 2017:49 2018:45.8",
    "自主防災組織率|宗谷地域|%|2015:22.8|2016:22.8 2017:29.3 2018:33.4|2020:81|2016:28.1 2017:36.2 2018:41.2",
];

fn show(k: &KpiRecord) -> String {
    let yv = |v: &torikumi::model::YearValue| format!("{}:{}", v.fiscal_year, v.value);
    format!(
        "{}|{}|{}|{}|{}|{}|{}",
        k.name,
        k.region.as_deref().unwrap_or("-"),
        k.unit.as_deref().unwrap_or("-"),
        k.baseline.as_ref().map(yv).unwrap_or_default(),
        k.values.iter().map(yv).collect::<Vec<_>>().join(" "),
        k.target.as_ref().map(yv).unwrap_or_default(),
        k.progress
            .iter()
            .map(|p| format!("{}:{}", p.fiscal_year, p.percent))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn cell(header: bool, col: u32, row_span: u32, text: &str) -> Cell {
    let blocks = text
        .split('\n')
        .map(|t| Block {
            kind: BlockKind::Paragraph {
                text: normalize::text(t),
            },
            prov: Provenance::line(1),
        })
        .collect();
    Cell {
        header,
        col,
        col_span: 1,
        row_span,
        blocks,
        prov: Provenance::line(1),
    }
}

/// One KPI table as the HTML extractor gives it. `rows` lists, per region,
/// (name, region, values by column (8 columns after the labels), progress by column).
fn table(years: [&str; 6], rows: &[(&str, &str, [&str; 6], [&str; 6])]) -> Block {
    let mut t = Table::default();
    let mut head = vec![
        cell(true, 0, 1, "指標"),
        cell(true, 1, 1, "地域"),
        cell(true, 2, 1, ""),
    ];
    head.extend(
        years
            .iter()
            .enumerate()
            .map(|(i, y)| cell(true, 3 + i as u32, 1, y)),
    );
    t.rows.push(Row { cells: head });
    for (name, region, values, progress) in rows {
        let mut r = vec![
            cell(false, 0, 2, name),
            cell(false, 1, 2, region),
            cell(false, 2, 1, ""),
        ];
        r.extend(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| cell(false, 3 + i as u32, 1, v)),
        );
        t.rows.push(Row { cells: r });
        // The progress row: columns 0 and 1 are covered by the rowspans above.
        let mut p = vec![cell(false, 2, 1, "進捗率")];
        p.extend(
            progress
                .iter()
                .enumerate()
                .map(|(i, v)| cell(false, 3 + i as u32, 1, v)),
        );
        t.rows.push(Row { cells: p });
    }
    Block {
        kind: BlockKind::Table(t),
        prov: Provenance::line(102),
    }
}

fn html_document() -> Document {
    let mut doc = Document::new(Format::Html);
    doc.blocks.push(Block {
        kind: BlockKind::Heading {
            level: 2,
            text: "【KPIの状況】".into(),
        },
        prov: Provenance::line(101),
    });
    doc.blocks.push(table(
        ["H26(基準)", "H27", "H28", "H29", "H30", "R元(目標)"],
        &[
            (
                "○認定こども園設置数",
                "連携地域",
                [
                    "10カ所",
                    "11カ所",
                    "22カ所",
                    "40カ所",
                    "48カ所",
                    "43カ所\n(見直し前38カ所)",
                ],
                ["", "25.6%", "51.2%", "93.0%", "111.6%", ""],
            ),
            (
                "",
                "上川地域",
                [
                    "6カ所",
                    "6カ所",
                    "16カ所",
                    "33カ所",
                    "41カ所",
                    "33カ所\n(見直し前28カ所)",
                ],
                ["", "18.2%", "48.5%", "100.0%", "124.2%", ""],
            ),
            (
                "",
                "留萌地域",
                ["2カ所", "2カ所", "3カ所", "4カ所", "4カ所", "4カ所"],
                ["", "50.0%", "75.0%", "100.0%", "100.0%", ""],
            ),
            (
                "",
                "宗谷地域",
                ["2カ所", "3カ所", "3カ所", "3カ所", "3カ所", "6カ所"],
                ["", "50.0%", "50.0%", "50.0%", "50.0%", ""],
            ),
        ],
    ));
    doc.blocks.push(table(
        ["H27(基準)", "H28", "H29", "H30", "R元", "R2(目標)"],
        &[
            (
                "○自主防災組織率",
                "",
                ["43.4%", "47.2%", "47.9%", "49.3%", "", "81.0%"],
                ["", "58.3%", "59.1%", "60.9%", "", ""],
            ),
            (
                "",
                "上川地域",
                ["46.7%", "51.2%", "51.1%", "52.5%", "", "81.0%"],
                ["", "63.2%", "63.1%", "64.8%", "", ""],
            ),
            (
                "",
                "留萌地域",
                ["37.9%", "39.2%", "39.7%", "37.1%", "", "81.0%"],
                ["", "48.4%", "49.0%", "45.8%", "", ""],
            ),
            (
                "",
                "宗谷地域",
                ["22.8%", "22.8%", "29.3%", "33.4%", "", "81.0%"],
                ["", "28.1%", "36.2%", "41.2%", "", ""],
            ),
        ],
    ));
    doc
}

fn lines_document(text: &str) -> Document {
    let mut doc = Document::new(Format::Text);
    for (i, line) in text.lines().enumerate() {
        let t = normalize::text(line);
        if !t.is_empty() {
            doc.blocks.push(Block {
                kind: BlockKind::Line { text: t },
                prov: Provenance::line(i as u32 + 1),
            });
        }
    }
    doc
}

fn assert_gold(k: &[KpiRecord]) {
    let got: Vec<String> = k.iter().map(show).collect();
    let want: Vec<String> = GOLD.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want);
}

#[test]
fn kpis_from_the_html_table() {
    let k = find_kpis(&html_document(), "004.html");
    assert_gold(&k);
    assert_eq!(k[0].notes, vec!["見直し前38カ所"]);
    assert_eq!(k[1].notes, vec!["見直し前28カ所"]);
    assert!(k[2].notes.is_empty());
    assert!(k.iter().all(|r| r.source == "004.html"));
}

#[test]
fn kpis_from_the_text_rendering() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/004_0736b6ba3a49c0cc.txt"
    );
    let text = std::fs::read_to_string(path).expect("corpus/004 text rendering");
    let k = find_kpis(&lines_document(&text), "004.txt");
    assert_gold(&k);
    assert_eq!(k[0].notes, vec!["見直し前38カ所"]);
}

#[test]
fn kpis_from_typed_lines_with_a_gap() {
    // 自主防災組織率 has no R元 value: the target is still the last value.
    let text = "H27（基準） H28 H29 H30 R元 R2（目標）\n○自主防災組織率 43.4%\n47.2% 47.9% 49.3%\n\n81.0％\n進捗率 58.3% 59.1% 60.9%\n【ＫＰＩの状況】\n";
    let k = find_kpis(&lines_document(text), "x");
    assert_eq!(k.len(), 1);
    assert_eq!(
        show(&k[0]),
        "自主防災組織率|-|%|2015:43.4|2016:47.2 2017:47.9 2018:49.3|2020:81|2016:58.3 2017:59.1 2018:60.9"
    );
}

#[test]
fn no_kpis_without_a_year_header() {
    let text = "○認定こども園設置数 連携地域 10カ所\n11カ所 22カ所\n進捗率 25.6%\n";
    assert!(find_kpis(&lines_document(text), "x").is_empty());
    let text = "H27 H28 H29 の実績\n○設置数 10カ所";
    assert!(find_kpis(&lines_document(text), "x").is_empty());
}

#[test]
fn kpis_page_comes_from_the_block() {
    let mut doc = Document::new(Format::Pdf);
    for l in [
        "H26(基準) H27 R元(目標)",
        "○設置数 全道 10カ所 11カ所 12カ所",
        "進捗率 50%",
    ] {
        doc.blocks.push(Block {
            kind: BlockKind::Line { text: l.into() },
            prov: Provenance::page(3, None),
        });
    }
    let k = find_kpis(&doc, "x.pdf");
    assert_eq!(k.len(), 1);
    assert_eq!(k[0].page, Some(3));
    assert_eq!(
        show(&k[0]),
        "設置数|全道|カ所|2014:10|2015:11|2019:12|2015:50"
    );
}

#[test]
fn kpis_with_a_header_broken_one_cell_a_line() {
    // A PDF rendering may give each header cell its own line.
    let text = "H26(基準)\nH27\nH28\nR元(目標)\n○設置数\n連携地域\n10カ所\n11カ所\n12カ所\n20カ所\n進捗率\n10%\n20%\n";
    let k = find_kpis(&lines_document(text), "x");
    assert_eq!(k.len(), 1);
    assert_eq!(
        show(&k[0]),
        "設置数|連携地域|カ所|2014:10|2015:11 2016:12|2019:20|2015:10 2016:20"
    );
}

#[test]
fn a_lone_year_line_inside_a_table_is_not_a_region() {
    let text = "H26(基準) H27 R元(目標)\n○設置数 全道 10カ所\nH27\n11カ所 12カ所\n進捗率 50%\n";
    let k = find_kpis(&lines_document(text), "x");
    assert_eq!(k.len(), 1);
    assert_eq!(
        show(&k[0]),
        "設置数|全道|カ所|2014:10|2015:11|2019:12|2015:50"
    );
}
