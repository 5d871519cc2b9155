//! `jmeter`: a JTL in JMeter's CSV layout, with a header row naming the columns.
//!
//! Columns are found by name (`timeStamp`, `elapsed`, `success`), in any order, among any
//! others. Quoted fields may hold commas, quotes and newlines. Percentiles are exact: `elapsed`
//! is whole milliseconds, so a count per millisecond gives the nearest-rank p99 in memory that
//! does not grow with the file.

use super::load;
use super::{Figures, Reading, Thresholds};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::io::BufRead;

const NO_P99: &str = "no p99: the JTL has no samples";

pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let headers = rdr
        .byte_headers()
        .map_err(|e| format!("not a JTL: cannot read the header row: {e}"))?
        .clone();
    let Columns { ts, el, ok, .. } = columns(&headers)?;
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
        let field = |i: usize| record.get(i).map(|f| f.trim_ascii());
        let (Some(t), Some(e), Some(s)) = (field(ts), field(el), field(ok)) else {
            return Err(RowProblem::Short(record.len()).message(line));
        };
        let t: i64 = parse_int(t).ok_or_else(|| RowProblem::Stamp.message(line))?;
        let e: u64 = parse_int(e)
            .and_then(|e| u64::try_from(e).ok())
            .ok_or_else(|| RowProblem::Elapsed.message(line))?;
        stats.add(t, e, s == b"true");
    }
    Ok(stats.reading())
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

/// Finds the columns by name in the header row, or says why the file is not a JTL.
pub fn columns(headers: &csv::ByteRecord) -> Result<Columns, String> {
    let col = |name: &str| {
        headers.iter().position(|h| {
            strip_bom(h)
                .trim_ascii()
                .eq_ignore_ascii_case(name.as_bytes())
        })
    };
    if headers.is_empty() {
        return Err("not a JTL: the file is empty (no header row)".into());
    }
    let (Some(ts), Some(el), Some(ok)) = (col("timeStamp"), col("elapsed"), col("success")) else {
        let names = String::from_utf8_lossy(headers.as_slice()).into_owned();
        return Err(format!(
            "not a JTL: the header row needs timeStamp, elapsed and success columns, found {}",
            truncate(&names, 120)
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
}

impl RowProblem {
    /// The reason, for a row the CSV reader places at `line`.
    pub fn message(self, line: u64) -> String {
        match self {
            RowProblem::Short(n) => {
                format!("malformed JTL: line {line} has {n} fields, fewer than the header")
            }
            RowProblem::Stamp => {
                format!("malformed JTL: line {line}: timeStamp is not milliseconds since the epoch")
            }
            RowProblem::Elapsed => {
                format!("malformed JTL: line {line}: elapsed is not whole milliseconds")
            }
        }
    }
}

pub fn judge(f: &Figures, t: &Thresholds) -> Vec<String> {
    load::judge(f, t, NO_P99)
}

/// Running totals over a JTL: enough for samples, error rate, exact p99 and TPS.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub samples: u64,
    pub errors: u64,
    pub first_start: Option<i64>,
    pub last_end: Option<i64>,
    pub last_stamp: Option<i64>,
    /// Counts per millisecond below [`DENSE`]; sparse above it.
    pub dense: Vec<u64>,
    pub sparse: BTreeMap<u64, u64>,
}

/// Elapsed times below this many milliseconds are counted in a flat array.
pub const DENSE: u64 = 1 << 16;

impl Stats {
    pub fn add(&mut self, stamp: i64, elapsed: u64, success: bool) {
        self.samples += 1;
        self.errors += u64::from(!success);
        self.first_start = Some(self.first_start.map_or(stamp, |f| f.min(stamp)));
        let end = stamp.saturating_add(i64::try_from(elapsed).unwrap_or(i64::MAX));
        self.last_end = Some(self.last_end.map_or(end, |l| l.max(end)));
        self.last_stamp = Some(self.last_stamp.map_or(stamp, |l| l.max(stamp)));
        if elapsed < DENSE {
            if self.dense.is_empty() {
                self.dense = vec![0; DENSE as usize];
            }
            self.dense[elapsed as usize] += 1;
        } else {
            *self.sparse.entry(elapsed).or_default() += 1;
        }
    }

    /// Folds another part of the same file into this one.
    pub fn merge(&mut self, other: Stats) {
        self.samples += other.samples;
        self.errors += other.errors;
        let pick = |a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> i64| match (a, b) {
            (Some(a), Some(b)) => Some(f(a, b)),
            (a, b) => a.or(b),
        };
        self.first_start = pick(self.first_start, other.first_start, i64::min);
        self.last_end = pick(self.last_end, other.last_end, i64::max);
        self.last_stamp = pick(self.last_stamp, other.last_stamp, i64::max);
        if !other.dense.is_empty() {
            if self.dense.is_empty() {
                self.dense = other.dense;
            } else {
                for (a, b) in self.dense.iter_mut().zip(other.dense) {
                    *a += b;
                }
            }
        }
        for (k, v) in other.sparse {
            *self.sparse.entry(k).or_default() += v;
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
        let tps = match (self.first_start, self.last_end) {
            // i128: a negative first stamp and a saturated last end are more than i64 apart.
            (Some(a), Some(b)) if b > a => {
                let span = i128::from(b) - i128::from(a);
                Some(self.samples as f64 / (span as f64 / 1000.0))
            }
            _ => None,
        };
        Reading {
            figures: Figures {
                samples: Some(self.samples),
                error_rate: (self.samples > 0).then(|| self.errors as f64 / self.samples as f64),
                p99_ms: self.p99().map(|p| p as f64),
                tps,
                ..Figures::default()
            },
            time: self
                .last_stamp
                .and_then(DateTime::<Utc>::from_timestamp_millis),
            note: None,
        }
    }
}

fn strip_bom(h: &[u8]) -> &[u8] {
    h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
}

fn parse_int(b: &[u8]) -> Option<i64> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
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
    fn merging_parts_equals_reading_the_whole() {
        let mut whole = Stats::default();
        let (mut a, mut b) = (Stats::default(), Stats::default());
        for i in 0..50i64 {
            let e = (i * 7919 % 100_000) as u64;
            whole.add(i, e, i % 3 != 0);
            if i < 20 {
                a.add(i, e, i % 3 != 0)
            } else {
                b.add(i, e, i % 3 != 0)
            }
        }
        a.merge(b);
        assert_eq!(a, whole);
    }
}
