//! `jmeter`: a JTL in JMeter's CSV layout, with a header row naming the columns.
//!
//! Columns are found by name (`timeStamp`, `elapsed`, `success`), in any order, among any
//! others. Quoted fields may hold commas, quotes and newlines. Percentiles are exact: `elapsed`
//! is whole milliseconds, so a count per millisecond gives the nearest-rank p99 in memory that
//! does not grow with the file.

pub mod jtl_fast;
pub mod statistics;

use super::load;
use super::{Figures, Reading, Thresholds};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::io::{BufRead, Read};

const NO_P99: &str = "no p99: the JTL has no samples";

/// Reads a JTL to its end (see [`jtl_fast`]), or the dashboard's `statistics.json`
/// (see [`statistics`]) when the first byte that is not blank (after a UTF-8 BOM) is
/// `{`: the content decides, never the file's name.
pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    let (brace, prefix) = peek(input)?;
    if brace {
        let json = prefix.strip_prefix(BOM).unwrap_or(&prefix).to_vec();
        statistics::read(&mut std::io::Cursor::new(json).chain(input))
    } else {
        jtl_fast::read(&mut std::io::Cursor::new(prefix).chain(input))
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The blank bytes (and a BOM) before the first other byte can be many: past this many the
/// file is read as a JTL (which then fails), so memory stays flat.
const MAX_PEEK: usize = 64 << 10;

/// Takes the file's first bytes up to and including the first one that is not blank (after a
/// BOM): whether that byte is `{`, and the bytes taken, which the reader is then handed again.
fn peek(input: &mut dyn BufRead) -> Result<(bool, Vec<u8>), String> {
    let mut taken = Vec::new();
    loop {
        let buf = input
            .fill_buf()
            .map_err(|e| format!("cannot read the JMeter file: {e}"))?;
        if buf.is_empty() {
            return Ok((false, taken));
        }
        let mut used = 0;
        let mut decided = None;
        for &b in buf {
            taken.push(b);
            used += 1;
            if taken.len() <= BOM.len() && BOM.starts_with(&taken) {
                continue;
            }
            if !b.is_ascii_whitespace() {
                decided = Some(b == b'{');
                break;
            }
            if taken.len() >= MAX_PEEK {
                decided = Some(false);
                break;
            }
        }
        input.consume(used);
        if let Some(brace) = decided {
            return Ok((brace, taken));
        }
    }
}

/// Where the three columns relcheck reads sit in a JTL's rows (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub ts: usize,
    pub el: usize,
    pub ok: usize,
    /// How many fields a row needs to reach all three.
    pub need: usize,
}

/// The columns relcheck reads, by their header names.
const NEEDED: [&str; 3] = ["timeStamp", "elapsed", "success"];

/// Finds the columns by name in the header row, or says why the file is not a JTL. The reason
/// names no text of the file but the needed column names: a file that is not a JTL may be
/// anything, and reasons are published.
pub fn columns(headers: &csv::ByteRecord) -> Result<Columns, String> {
    if headers.is_empty() {
        return Err("not a JTL: the file is empty (no header row)".into());
    }
    let mut at = [None; 3];
    for (i, h) in headers.iter().enumerate() {
        let h = strip_bom(h).trim_ascii();
        for (slot, name) in at.iter_mut().zip(NEEDED) {
            if h.eq_ignore_ascii_case(name.as_bytes()) {
                if let Some(first) = *slot {
                    return Err(format!(
                        "not a JTL: the header row names {name} twice (columns {} and {}), \
                         so which one to read is ambiguous",
                        first + 1,
                        i + 1
                    ));
                }
                *slot = Some(i);
            }
        }
    }
    if headers
        .get(0)
        .is_some_and(|h| strip_bom(h).trim_ascii_start().starts_with(b"<"))
    {
        return Err(
            "not a JTL: the file is JMeter's XML output, and relcheck reads CSV \
             (set jmeter.save.saveservice.output_format=csv in JMeter's user.properties and run \
             the test again)"
                .into(),
        );
    }
    let [Some(ts), Some(el), Some(ok)] = at else {
        let missing: Vec<&str> = NEEDED
            .iter()
            .zip(at)
            .filter(|(_, a)| a.is_none())
            .map(|(n, _)| *n)
            .collect();
        return Err(format!(
            "not a JTL: the header row needs timeStamp, elapsed and success columns; \
             it has {} column{}, without {}",
            headers.len(),
            if headers.len() == 1 { "" } else { "s" },
            missing.join(", ")
        ));
    };
    Ok(Columns {
        ts,
        el,
        ok,
        need: ts.max(el).max(ok) + 1,
    })
}

/// What can be wrong with one row; the same words whichever reader finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowProblem {
    /// The row has this many fields, too few to reach the three columns.
    Short(usize),
    Stamp,
    Elapsed,
    /// Longer than [`jtl_fast::MAX_RECORD`].
    TooLong,
    TooManyFields,
}

impl RowProblem {
    /// The reason, for a row the CSV reader places at `line`.
    pub fn message(self, line: u64) -> String {
        match self {
            RowProblem::Short(n) => {
                format!("malformed JTL: line {line} has {n} fields, fewer than the header")
            }
            RowProblem::Stamp => {
                format!(
                    "malformed JTL: line {line}: timeStamp is not milliseconds since the epoch \
                     (set jmeter.save.saveservice.timestamp_format=ms in JMeter's user.properties \
                     and run the test again)"
                )
            }
            RowProblem::Elapsed => {
                format!("malformed JTL: line {line}: elapsed is not whole milliseconds")
            }
            RowProblem::TooLong | RowProblem::TooManyFields => {
                format!("malformed JTL: line {line} is {}", self.what())
            }
        }
    }

    /// What is too large about a record.
    pub fn what(self) -> String {
        match self {
            RowProblem::TooManyFields => "a record with too many fields".into(),
            _ => format!("a record longer than {} MiB", jtl_fast::MAX_RECORD >> 20),
        }
    }
}

pub fn judge(f: &Figures, t: &Thresholds) -> Vec<String> {
    load::judge(f, t, NO_P99)
}

/// Running totals over a JTL: enough for samples, error rate, exact p99 and TPS.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub samples: u64,
    pub errors: u64,
    /// The smallest timeStamp, the largest timeStamp + elapsed, the largest timeStamp; they
    /// mean nothing while `samples` is 0.
    first_start: i64,
    last_end: i64,
    last_stamp: i64,
    /// Counts per millisecond below [`DENSE`]; sparse above it.
    dense: Vec<u64>,
    sparse: BTreeMap<u64, u64>,
}

/// Elapsed times below this many milliseconds are counted in a flat array.
pub const DENSE: u64 = 1 << 16;

impl Default for Stats {
    fn default() -> Self {
        Stats {
            samples: 0,
            errors: 0,
            first_start: i64::MAX,
            last_end: i64::MIN,
            last_stamp: i64::MIN,
            dense: vec![0; DENSE as usize],
            sparse: BTreeMap::new(),
        }
    }
}

impl Stats {
    #[inline]
    pub fn add(&mut self, stamp: i64, elapsed: u64, success: bool) {
        self.samples += 1;
        self.errors += u64::from(!success);
        self.first_start = self.first_start.min(stamp);
        let end = stamp.saturating_add(i64::try_from(elapsed).unwrap_or(i64::MAX));
        self.last_end = self.last_end.max(end);
        self.last_stamp = self.last_stamp.max(stamp);
        // `dense` holds DENSE counts: an index past it is a longer elapsed.
        match usize::try_from(elapsed)
            .ok()
            .and_then(|i| self.dense.get_mut(i))
        {
            Some(n) => *n += 1,
            None => *self.sparse.entry(elapsed).or_default() += 1,
        }
    }

    /// The nearest-rank p99: the smallest elapsed whose cumulative count reaches ⌈0.99·n⌉.
    pub fn p99(&self) -> Option<u64> {
        if self.samples == 0 {
            return None;
        }
        let rank = (u128::from(self.samples) * 99).div_ceil(100) as u64;
        let mut seen = 0u64;
        for (ms, &n) in self.dense.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(ms as u64);
            }
        }
        for (&ms, &n) in &self.sparse {
            seen += n;
            if seen >= rank {
                return Some(ms);
            }
        }
        None
    }

    pub fn reading(&self) -> Reading {
        let any = self.samples > 0;
        // i128: a negative first stamp and a saturated last end are more than i64 apart.
        let span = i128::from(self.last_end) - i128::from(self.first_start);
        let tps = (any && span > 0).then(|| self.samples as f64 / (span as f64 / 1000.0));
        Reading {
            figures: Figures {
                samples: Some(self.samples),
                error_rate: any.then(|| self.errors as f64 / self.samples as f64),
                p99_ms: self.p99().map(|p| p as f64),
                tps,
                ..Figures::default()
            },
            time: any
                .then(|| DateTime::<Utc>::from_timestamp_millis(self.last_stamp))
                .flatten(),
            note: None,
            timed: true,
        }
    }
}

fn strip_bom(h: &[u8]) -> &[u8] {
    h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_content_not_the_name_tells_a_statistics_json_from_a_jtl_whatever_the_chunks() {
        let json = "\u{feff} \n\t{\"Total\":{\"sampleCount\":10,\"errorCount\":1,\
                    \"pct3ResTime\":99.5,\"throughput\":2.5}}";
        let jtl = " timeStamp,elapsed,success\n1700000000000,5,true\n";
        for cap in [1, 2, 3, 4096] {
            let f = read(&mut std::io::BufReader::with_capacity(cap, json.as_bytes()))
                .unwrap()
                .figures;
            assert_eq!(
                (f.samples, f.error_rate, f.p99_ms),
                (Some(10), Some(0.1), Some(99.5))
            );
            let r = read(&mut std::io::BufReader::with_capacity(cap, jtl.as_bytes())).unwrap();
            assert_eq!((r.figures.samples, r.timed), (Some(1), true), "{cap}");
        }
    }

    use super::*;

    fn read_str(s: &str) -> Result<Reading, String> {
        read(&mut s.as_bytes())
    }

    const HEAD: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes\n";

    #[test]
    fn a_plain_jtl_gives_samples_error_rate_p99_and_tps() {
        let mut s = HEAD.to_string();
        for i in 0..100 {
            let ok = if i < 3 { "false" } else { "true" };
            s += &format!(
                "{},{},GET /,200,OK,t1,text,{ok},,100\n",
                1_700_000_000_000i64 + i * 10,
                i + 1
            );
        }
        let r = read_str(&s).unwrap();
        assert_eq!(r.figures.samples, Some(100));
        assert_eq!(r.figures.error_rate, Some(0.03));
        assert_eq!(r.figures.p99_ms, Some(99.0));
        // from 1_700_000_000_000 to the last start 990 ms later + 100 ms elapsed
        assert_eq!(r.figures.tps, Some(100.0 / 1.09));
        assert_eq!(r.time.unwrap().timestamp_millis(), 1_700_000_000_990);
    }

    #[test]
    fn quoted_fields_with_commas_and_newlines_crlf_and_a_bom_are_read() {
        let s = "\u{feff}label,success,elapsed,extra,timeStamp\r\n\"GET /a, b\",true,5,\"x\r\ny\",1000\r\n\"say \"\"hi\"\"\",false,7,,2000\r\n";
        let r = read_str(s).unwrap();
        assert_eq!(r.figures.samples, Some(2));
        assert_eq!(r.figures.error_rate, Some(0.5));
        assert_eq!(r.figures.p99_ms, Some(7.0));
        assert_eq!(r.time.unwrap().timestamp_millis(), 2000);
    }

    #[test]
    fn a_header_only_jtl_has_no_samples() {
        let r = read_str(HEAD).unwrap();
        assert_eq!(r.figures.samples, Some(0));
        assert!(r.time.is_none());
        assert_eq!(
            judge(
                &r.figures,
                &Thresholds {
                    max_error_rate: Some(0.01),
                    max_p99_ms: None,
                    min_samples: None,
                    min_tps: None,
                    min_tests: 1
                }
            ),
            ["no samples"]
        );
    }

    #[test]
    fn files_that_are_not_jtls_are_refused_with_a_reason() {
        assert!(read_str("").unwrap_err().contains("empty"));
        assert!(read_str("a,b,c\n1,2,3\n")
            .unwrap_err()
            .contains("timeStamp"));
        assert!(
            read_str("timeStamp,elapsed,success\n2026/11/27 10:00,5,true\n")
                .unwrap_err()
                .contains("line 2")
        );
        assert!(read_str("timeStamp,elapsed,success\n1000,5\n")
            .unwrap_err()
            .contains("fewer"));
        assert!(read_str("timeStamp,elapsed,success\n1000,-5,true\n").is_err());
    }

    #[test]
    fn success_other_than_true_counts_as_an_error() {
        let r =
            read_str("timeStamp,elapsed,success\n1000,1,TRUE\n1000,1,true\n1000,1,\n1000,1,yes\n")
                .unwrap();
        assert_eq!(r.figures.error_rate, Some(0.75));
    }

    #[test]
    fn nearest_rank_p99_is_exact_at_the_boundary_and_for_huge_elapsed() {
        let mut st = Stats::default();
        for e in 1..=200u64 {
            st.add(0, e, true);
        }
        assert_eq!(st.p99(), Some(198)); // rank ceil(0.99*200) = 198
        let mut big = Stats::default();
        big.add(0, 10_000_000, true);
        big.add(0, 1, true);
        assert_eq!(big.p99(), Some(10_000_000));
    }

    #[test]
    fn a_header_that_names_a_needed_column_twice_is_ambiguous() {
        // The first would win and the second, never `true`, would be all failures.
        let why =
            read_str("timeStamp,elapsed,success,label,Success\n1000,5,true,GET,x\n").unwrap_err();
        assert_eq!(
            why,
            "not a JTL: the header row names success twice (columns 3 and 5), \
             so which one to read is ambiguous"
        );
    }

    #[test]
    fn a_file_that_is_not_a_jtl_is_described_never_quoted() {
        let shadow = "root:*:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\n";
        let why = read_str(shadow).unwrap_err();
        assert_eq!(
            why,
            "not a JTL: the header row needs timeStamp, elapsed and success columns; \
             it has 1 column, without timeStamp, elapsed, success"
        );
        let why = read_str("timeStamp,label,secret-token-123\n").unwrap_err();
        assert!(!why.contains("secret"), "{why}");
        assert!(
            why.ends_with("it has 3 columns, without elapsed, success"),
            "{why}"
        );
    }
}
