//! Property tests: the readers never panic on any string, every period they
//! emit is well formed with start ≤ end, and fiscal years are sorted and unique.

use proptest::prelude::*;
use torikumi::model::{Block, BlockKind, Cell, Document, Format, Provenance, Row, Table};
use torikumi::normalize;
use torikumi::parse::{codes, dates, kpis, owners, quantities};

/// Strings built from the characters the readers react to, so that the
/// generator reaches their branches far more often than random Unicode would.
fn japanese_ish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "令和",
        "平成",
        "昭和",
        "R",
        "H",
        "S",
        "元",
        "年",
        "年度",
        "月",
        "日",
        "間",
        "から",
        "まで",
        "~",
        "〜",
        "-",
        "−",
        ".",
        ",",
        ":",
        " ",
        "(",
        ")",
        "【",
        "】",
        "、",
        "・",
        "等",
        "第",
        "約",
        "万",
        "億",
        "千",
        "百",
        "円",
        "千円",
        "人",
        "名",
        "件",
        "回",
        "%",
        "市町村",
        "町村",
        "振興局",
        "本庁",
        "日赤",
        "地域",
        "宗谷",
        "目",
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "9",
        "12",
        "29",
        "31",
        "2019",
        "13",
        "三",
        "十",
        "〇",
        "①",
        "進捗率",
        "(基準)",
        "(目標)",
        "○",
        "カ所",
        "施策コード",
        "コード",
        ":",
        "\n",
    ]);
    prop::collection::vec(atoms, 0..24).prop_map(|v| v.concat())
}

fn check_all(s: &str) -> Result<(), TestCaseError> {
    let t = normalize::text(s);
    let periods = dates::find_periods(&t);
    for p in &periods {
        prop_assert!(t.contains(&p.raw), "raw {:?} not in {:?}", p.raw, t);
        for d in std::iter::once(&p.start).chain(p.end.iter()) {
            prop_assert!(matches!(d.len(), 4 | 7 | 10), "bad date {d:?}");
        }
        if let Some(e) = &p.end {
            prop_assert!(p.start <= *e, "start {} > end {} in {:?}", p.start, e, t);
        }
    }
    let fy = dates::fiscal_years(&periods);
    prop_assert!(fy.windows(2).all(|w| w[0] < w[1]));
    for q in quantities::find_quantities(&t) {
        prop_assert!(q.value.is_finite() && q.value >= 0.0);
        prop_assert!(!q.unit.is_empty());
    }
    let _ = owners::find_orgs(&t);
    let _ = owners::find_regions(&t);
    let _ = codes::codes_in_text(&t);
    let _ = codes::codes_in_cell(&t);
    let _ = codes::is_code_header(&t);
    // KPI reader over the same text as lines and as a one-row table.
    let mut doc = Document::new(Format::Text);
    for line in s.split('\n') {
        doc.blocks.push(Block {
            kind: BlockKind::Line {
                text: normalize::text(line),
            },
            prov: Provenance::line(1),
        });
    }
    let cell = |col: u32, text: &str| Cell {
        header: false,
        col,
        col_span: 1,
        row_span: 1,
        blocks: vec![Block {
            kind: BlockKind::Paragraph {
                text: text.to_string(),
            },
            prov: Provenance::default(),
        }],
        prov: Provenance::default(),
    };
    let row = Row {
        cells: t
            .split(' ')
            .enumerate()
            .map(|(i, x)| cell(i as u32, x))
            .collect(),
    };
    doc.blocks.push(Block {
        kind: BlockKind::Table(Table {
            rows: vec![row.clone(), row],
        }),
        prov: Provenance::default(),
    });
    let _ = kpis::find_kpis(&doc, "p");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_any_string(s in any::<String>()) {
        check_all(&s)?;
    }

    #[test]
    fn never_panics_on_japanese_ish_text(s in japanese_ish()) {
        check_all(&s)?;
    }

    #[test]
    fn era_years_round_trip(y in 1u32..=99, m in 1u32..=12) {
        let p = dates::find_periods(&format!("R{y}.{m}"));
        prop_assert_eq!(p.len(), 1);
        prop_assert_eq!(&p[0].start, &format!("{:04}-{:02}", 2018 + y, m));
        let fy = dates::fiscal_years(&p);
        prop_assert_eq!(fy, vec![if m < 4 { 2017 + y as i32 } else { 2018 + y as i32 }]);
    }

    #[test]
    fn numbers_with_counters_read_back(n in 0u32..1_000_000) {
        let with_commas = {
            let s = n.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 { out.push(','); }
                out.push(c);
            }
            out
        };
        let q = quantities::find_quantities(&format!("実績 {with_commas}件"));
        prop_assert_eq!(q.len(), 1);
        prop_assert_eq!(q[0].value, f64::from(n));
    }
}
