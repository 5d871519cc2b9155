//! The JTL reader (the byte-level fast path over the blocks of the one evidence reader, with any
//! block size) gives exactly what the plain `csv`-crate reader below gives: the same figures and
//! time, or the same reason, word for word, on random JTLs with quoted commas, quotes and line
//! breaks, CRLF, a BOM, reordered and extra columns, failures, huge and zero elapsed, blank and
//! malformed rows.

use proptest::prelude::*;
use relcheck::evidence::jmeter::{self, RowProblem, Stats};
use relcheck::evidence::Reading;
use std::io::BufReader;

/// The oracle: the JTL read row by row with the `csv` crate, as simply as it can be written.
fn reference(bytes: &[u8]) -> Result<Reading, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let headers = rdr
        .byte_headers()
        .map_err(|e| format!("not a JTL: cannot read the header row: {e}"))?
        .clone();
    let cols = jmeter::columns(&headers)?;
    let mut stats = Stats::default();
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(format!("malformed JTL: {e}")),
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        let (Some(t), Some(e), Some(s)) = (
            record.get(cols.ts),
            record.get(cols.el),
            record.get(cols.ok),
        ) else {
            return Err(RowProblem::Short(record.len()).message(line));
        };
        let int = |b: &[u8]| {
            std::str::from_utf8(b.trim_ascii())
                .ok()?
                .parse::<i64>()
                .ok()
        };
        let t = int(t).ok_or_else(|| RowProblem::Stamp.message(line))?;
        let e = int(e)
            .and_then(|e| u64::try_from(e).ok())
            .ok_or_else(|| RowProblem::Elapsed.message(line))?;
        // Only exactly `true` is a success.
        stats.add(t, e, s == b"true");
    }
    Ok(stats.reading())
}

/// Reads with the production reader, handed blocks of `block` bytes.
fn fast(bytes: &[u8], block: usize) -> Result<Reading, String> {
    jmeter::read(&mut BufReader::with_capacity(block, bytes))
}

fn same_everywhere(bytes: &[u8]) -> Result<(), TestCaseError> {
    let want = reference(bytes);
    for block in [1, 2, 3, 7, 16, 61, 256, 4096, 1 << 20] {
        let got = fast(bytes, block);
        prop_assert_eq!(
            &got,
            &want,
            "block {} on {:?}",
            block,
            String::from_utf8_lossy(bytes)
        );
    }
    Ok(())
}

/// A field's raw text: plain, or quoted with commas, doubled quotes and line breaks.
fn junk() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z /:._-]{0,12}",
        1 => "[a-z ,\"\r\n]{0,10}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
        1 => Just(String::new()),
    ]
}

/// A number the way it may appear in the three columns, sometimes not quite a number.
fn stamp() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (1_700_000_000_000i64..1_700_000_100_000).prop_map(|t| t.to_string()),
        1 => Just("-5".to_string()),
        1 => Just("+1700000000000".to_string()),
        1 => (0i64..1000).prop_map(|t| format!(" {t} ")),
        1 => (0i64..1000).prop_map(|t| format!("\"{t}\"")),
        1 => Just("9223372036854775807".to_string()),
    ]
}

fn elapsed() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (0u64..2000).prop_map(|e| e.to_string()),
        1 => Just("0".to_string()),
        1 => (65_530u64..65_540).prop_map(|e| e.to_string()),
        1 => (1u64..u64::from(u32::MAX)).prop_map(|e| (e * 1000).to_string()),
        1 => Just("9223372036854775807".to_string()),
        1 => (0u64..100).prop_map(|e| format!("\"{e}\"")),
    ]
}

fn bad_number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("".to_string()),
        Just("-1".to_string()),
        Just("1.5".to_string()),
        Just("x".to_string()),
        Just("99999999999999999999".to_string()),
        Just("\"1\"2".to_string()),
        Just("\"1\"\"\"".to_string()),
    ]
}

fn success() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just("true".to_string()),
        2 => Just("false".to_string()),
        1 => Just(" true ".to_string()),
        1 => Just("\"true\"".to_string()),
        1 => Just("TRUE".to_string()),
        1 => Just("\"tr\nue\"".to_string()),
        1 => Just(String::new()),
    ]
}

#[derive(Debug, Clone)]
enum RowKind {
    Good(String, String, String),
    Bad(String, String, String),
    Short(usize),
    Blank(String),
}

fn row() -> impl Strategy<Value = RowKind> {
    prop_oneof![
        30 => (stamp(), elapsed(), success()).prop_map(|(t, e, s)| RowKind::Good(t, e, s)),
        1 => (bad_number(), elapsed(), success()).prop_map(|(t, e, s)| RowKind::Bad(t, e, s)),
        1 => (stamp(), bad_number(), success()).prop_map(|(t, e, s)| RowKind::Bad(t, e, s)),
        1 => (0usize..3).prop_map(RowKind::Short),
        2 => "[ \t]{0,3}".prop_map(RowKind::Blank),
    ]
}

#[derive(Debug, Clone)]
struct Jtl {
    /// Column order: a permutation of the three columns among `extra` others.
    order: Vec<usize>,
    extra: usize,
    rows: Vec<(RowKind, Vec<String>)>,
    crlf: bool,
    bom: bool,
    trailing_newline: bool,
    lone_cr: bool,
}

fn jtl() -> impl Strategy<Value = Jtl> {
    (0usize..4, any::<u64>()).prop_flat_map(|(extra, seed)| {
        let width = extra + 3;
        (
            Just(extra),
            Just(seed),
            proptest::collection::vec((row(), proptest::collection::vec(junk(), width)), 0..40),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            proptest::bool::weighted(0.1),
        )
            .prop_map(move |(extra, seed, rows, crlf, bom, trailing, lone_cr)| {
                // A permutation of 0..width picked by the seed.
                let mut order: Vec<usize> = (0..width).collect();
                let mut s = seed;
                for i in (1..width).rev() {
                    s = s
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    order.swap(i, (s >> 33) as usize % (i + 1));
                }
                Jtl {
                    order,
                    extra,
                    rows,
                    crlf,
                    bom,
                    trailing_newline: trailing,
                    lone_cr,
                }
            })
    })
}

impl Jtl {
    fn bytes(&self) -> Vec<u8> {
        let width = self.extra + 3;
        let nl = if self.crlf { "\r\n" } else { "\n" };
        let names = ["timeStamp", "elapsed", "success"];
        let header: Vec<String> = (0..width)
            .map(|c| match self.order[c] {
                k @ 0..=2 => names[k].to_string(),
                k => format!("x{k}"),
            })
            .collect();
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        out += &header.join(",");
        for (i, (kind, junk)) in self.rows.iter().enumerate() {
            out += if self.lone_cr && i % 5 == 4 { "\r" } else { nl };
            let line = match kind {
                RowKind::Good(t, e, s) | RowKind::Bad(t, e, s) => (0..width)
                    .map(|c| match self.order[c] {
                        0 => t.clone(),
                        1 => e.clone(),
                        2 => s.clone(),
                        k => junk[k].clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                RowKind::Short(n) => junk[..*n].join(","),
                RowKind::Blank(b) => b.clone(),
            };
            out += &line;
        }
        if self.trailing_newline {
            out += nl;
        }
        out.into_bytes()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_fast_reader_matches_the_reference_on_random_jtls(j in jtl()) {
        same_everywhere(&j.bytes())?;
    }

    #[test]
    fn the_fast_reader_matches_the_reference_on_arbitrary_bytes(
        body in proptest::collection::vec(
            prop_oneof![
                Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b' '),
                Just(b'1'), Just(b'0'), Just(b'-'), Just(b't'), Just(b'x'),
            ],
            0..120,
        ),
        head in prop_oneof![
            Just("timeStamp,elapsed,success\n"),
            Just("success,\"elapsed\",x,timeStamp\r\n"),
            Just("\u{feff}timeStamp,elapsed,success"),
            Just("\"time\nStamp\",timeStamp,elapsed,success\n"),
            Just(""),
        ],
    ) {
        let mut bytes = head.as_bytes().to_vec();
        bytes.extend(body);
        same_everywhere(&bytes)?;
    }
}

/// The production path end to end: a file through the one evidence reader.
fn through_a_file(bytes: &[u8]) -> Result<Reading, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.jtl");
    std::fs::write(&path, bytes).unwrap();
    let (reading, sha) =
        relcheck::evidence::read::read(&path, &relcheck::evidence::Quiet, |r| jmeter::read(r))
            .unwrap();
    assert_eq!(sha, relcheck::sha256::of(bytes));
    reading
}

#[test]
fn a_large_jtl_read_through_a_file_matches() {
    let mut s = String::from("timeStamp,elapsed,label,success,failureMessage\n");
    for i in 0..50_000u64 {
        let ok = if i % 97 == 0 { "false" } else { "true" };
        let msg = if i % 501 == 0 {
            "\"took 3,000 ms,\nthen \"\"gave up\"\"\""
        } else {
            ""
        };
        s += &format!(
            "{},{},GET /x,{ok},{msg}\n",
            1_700_000_000_000 + i * 3,
            (i * 7919) % 70_000
        );
    }
    let want = reference(s.as_bytes());
    assert!(want.is_ok());
    assert_eq!(through_a_file(s.as_bytes()), want);
    for block in [4096, 65_536] {
        assert_eq!(fast(s.as_bytes(), block), want, "block {block}");
    }
}

#[test]
fn records_and_headers_longer_than_a_block_are_carried_whole() {
    let long = "y".repeat(200_000);
    let mut s = format!("\"{long}\",timeStamp,elapsed,success\n");
    for i in 0..2_000u64 {
        let note = if i % 700 == 5 {
            format!("\"{}\n,\"\"{}\"", long, &long[..1000])
        } else {
            "n".to_string()
        };
        s += &format!("{note},{},{},true\n", 1_700_000_000_000 + i, i % 300);
    }
    let want = reference(s.as_bytes());
    assert_eq!(want.as_ref().map(|r| r.figures.samples), Ok(Some(2_000)));
    assert_eq!(through_a_file(s.as_bytes()), want);
    for block in [4096, 65_536, 300_000] {
        assert_eq!(fast(s.as_bytes(), block), want, "block {block}");
    }
}

#[test]
fn an_unclosed_quote_that_runs_to_the_end_is_read_like_the_reference() {
    // The quoted field never closes: every later byte belongs to it. Read in 4 KiB blocks,
    // this is a record of megabytes carried from block to block.
    let mut s = String::from("timeStamp,elapsed,success,note\n1000,5,true,ok\n1001,6,true,\"open");
    for i in 0..60_000u64 {
        s += &format!("\n{},{},true,more", 1002 + i, i % 100);
    }
    let want = reference(s.as_bytes());
    assert_eq!(fast(s.as_bytes(), 4096), want);
    assert_eq!(through_a_file(s.as_bytes()), want);
}

#[test]
fn success_is_a_success_only_when_it_is_exactly_true() {
    let s = "timeStamp,elapsed,success\n1000,1,true\n1000,1,\"true \"\n1000,1,true \n1000,1,\ttrue\n1000,1,\"true\"\n";
    let want = reference(s.as_bytes()).unwrap();
    // `true`, and `"true"` (quotes are CSV's, not the value's) pass; the padded ones do not.
    assert_eq!(want.figures.error_rate, Some(0.6));
    for block in [1, 7, 4096] {
        assert_eq!(fast(s.as_bytes(), block).unwrap(), want);
    }
}

#[test]
fn a_record_longer_than_the_cap_fails_the_evidence_in_flat_memory() {
    let cap = relcheck::evidence::jmeter::jtl_fast::MAX_RECORD;
    // A quoted field that never ends, and a plain line that never ends.
    for body in [
        format!("1000,5,true\n1001,6,\"{}", "x".repeat(cap + 10)),
        format!("1000,5,true\n{}", "7".repeat(cap + 10)),
    ] {
        let s = format!("timeStamp,elapsed,success\n{body}\n1002,5,true\n");
        let why = fast(s.as_bytes(), 1 << 20).unwrap_err();
        assert_eq!(why, "malformed JTL: line 3 is a record longer than 4 MiB");
    }
    let header = format!(
        "timeStamp,elapsed,success,{}\n1000,5,true\n",
        "h".repeat(cap + 10)
    );
    let why = fast(header.as_bytes(), 1 << 20).unwrap_err();
    assert_eq!(
        why,
        "not a JTL: the header row is a record longer than 4 MiB"
    );
}
