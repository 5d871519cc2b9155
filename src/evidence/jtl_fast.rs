//! The fast JTL row parser: the same answers as [`super::jmeter::read`], from bytes in a buffer.
//!
//! JMeter writes one row per line and quotes a field only when it holds a comma, a quote or a
//! line break, so nearly every line is split with `memchr` and a short scan for commas, with no
//! allocation per row. A line that holds a `"` or a lone `\r` goes through [`slow_record`], a
//! byte-for-byte copy of the `csv` crate's state machine (quotes only at the start of a field,
//! `""` inside quotes, `\r`, `\n` and `\r\n` all end a record, blank lines skipped), so a quoted
//! field with commas, quotes or newlines reads exactly as the reference reads it.
//!
//! [`parse`] reads records from a position where the `csv` reader would be between records, and
//! stops at the first such position at or past a limit, or before a record the buffer does not
//! hold in full. It counts line breaks as it goes, so a malformed row is reported at the line the
//! reference reports, even when the rows before it were read by another thread.

use super::jmeter::{Columns, RowProblem, Stats, DENSE};
use memchr::{memchr, memchr2};

/// Running totals, like [`Stats`], cheap to empty and to fold into another: it remembers the
/// range of its per-millisecond array that it touched, so a part of a file costs what it holds.
#[derive(Debug, Clone)]
pub struct Acc {
    samples: u64,
    errors: u64,
    first_start: i64,
    last_end: i64,
    last_stamp: i64,
    dense: Vec<u64>,
    lo: usize,
    hi: usize,
    sparse: std::collections::BTreeMap<u64, u64>,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            samples: 0,
            errors: 0,
            first_start: i64::MAX,
            last_end: i64::MIN,
            last_stamp: i64::MIN,
            dense: vec![0; DENSE as usize],
            lo: usize::MAX,
            hi: 0,
            sparse: Default::default(),
        }
    }
}

impl Acc {
    #[inline]
    pub fn add(&mut self, stamp: i64, elapsed: u64, success: bool) {
        self.samples += 1;
        self.errors += u64::from(!success);
        self.first_start = self.first_start.min(stamp);
        let end = stamp.saturating_add(i64::try_from(elapsed).unwrap_or(i64::MAX));
        self.last_end = self.last_end.max(end);
        self.last_stamp = self.last_stamp.max(stamp);
        if elapsed < DENSE {
            let i = elapsed as usize;
            self.dense[i] += 1;
            self.lo = self.lo.min(i);
            self.hi = self.hi.max(i + 1);
        } else {
            *self.sparse.entry(elapsed).or_default() += 1;
        }
    }

    /// Moves everything into `into` and leaves `self` empty.
    pub fn drain_into(&mut self, into: &mut Acc) {
        if self.samples == 0 {
            return;
        }
        into.samples += self.samples;
        into.errors += self.errors;
        into.first_start = into.first_start.min(self.first_start);
        into.last_end = into.last_end.max(self.last_end);
        into.last_stamp = into.last_stamp.max(self.last_stamp);
        if self.lo < self.hi {
            for (a, b) in into.dense[self.lo..self.hi]
                .iter_mut()
                .zip(&mut self.dense[self.lo..self.hi])
            {
                *a += std::mem::take(b);
            }
            into.lo = into.lo.min(self.lo);
            into.hi = into.hi.max(self.hi);
        }
        for (k, v) in std::mem::take(&mut self.sparse) {
            *into.sparse.entry(k).or_default() += v;
        }
        self.clear();
    }

    /// Forgets everything (a part of the file that turned out to be read from a wrong start).
    pub fn clear(&mut self) {
        if self.lo < self.hi {
            self.dense[self.lo..self.hi].fill(0);
        }
        let dense = std::mem::take(&mut self.dense);
        *self = Acc {
            dense,
            ..Acc::default_without_array()
        };
    }

    fn default_without_array() -> Acc {
        Acc {
            samples: 0,
            errors: 0,
            first_start: i64::MAX,
            last_end: i64::MIN,
            last_stamp: i64::MIN,
            dense: Vec::new(),
            lo: usize::MAX,
            hi: 0,
            sparse: Default::default(),
        }
    }

    pub fn into_stats(self) -> Stats {
        let any = self.samples > 0;
        Stats {
            samples: self.samples,
            errors: self.errors,
            first_start: any.then_some(self.first_start),
            last_end: any.then_some(self.last_end),
            last_stamp: any.then_some(self.last_stamp),
            dense: if self.lo < self.hi {
                self.dense
            } else {
                Vec::new()
            },
            sparse: self.sparse,
        }
    }
}

/// Where a malformed row is, as the reference reader numbers lines: one more than the line
/// breaks before the end of the previous record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// The first record of this part: its line is where the part before it left off.
    Carried,
    /// This many line breaks after the start of this part, plus one.
    After(u64),
}

/// How a call to [`parse`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Where it stopped, between records: at or past the limit, before a record the buffer does
    /// not hold in full, or before a malformed row.
    pub stop: usize,
    /// Line breaks in `start..stop`.
    pub newlines: u64,
    /// Line breaks from `start` to the end of the last record read here, if one was.
    pub last_end: Option<u64>,
    /// The first malformed row, where it is and what is wrong.
    pub problem: Option<(Line, RowProblem)>,
}

/// Scratch space for the fields of quoted rows, reused from row to row.
#[derive(Debug, Default)]
pub struct Scratch {
    fields: [Vec<u8>; 3],
}

/// Reads records of `buf` from `start`, a position between records, into `acc`.
///
/// Stops between records at the first position `>= limit`, or before a record that does not end
/// inside `buf` (unless `eof`: then the buffer's end ends it, as the end of the file would).
pub fn parse(
    buf: &[u8],
    start: usize,
    limit: usize,
    eof: bool,
    cols: Columns,
    acc: &mut Acc,
    scratch: &mut Scratch,
) -> Outcome {
    let mut p = start;
    let mut newlines = 0u64;
    let mut last_end: Option<u64> = None;
    let line = |last_end: Option<u64>| last_end.map_or(Line::Carried, Line::After);
    // The next quote or carriage return: lines before it need no further look.
    let next_special =
        |from: usize| memchr2(b'"', b'\r', &buf[from..]).map_or(buf.len(), |i| from + i);
    let mut special = next_special(start);
    while p < limit && p < buf.len() {
        let b = buf[p];
        if b == b'\n' || b == b'\r' {
            newlines += u64::from(b == b'\n');
            p += 1;
            continue;
        }
        if special < p {
            special = next_special(p);
        }
        let rest = &buf[p..];
        let nl = memchr(b'\n', rest);
        let line_end = nl.map_or(buf.len(), |n| p + n);
        // A line the fast path can take: no quote, and no carriage return but one just before
        // the line feed.
        let simple = if special >= line_end {
            Some(line_end - p)
        } else if nl.is_some() && special + 1 == line_end && buf[special] == b'\r' {
            Some(special - p)
        } else {
            None
        };
        if let Some(content_len) = simple {
            // The record ends at its terminator, which must be in the buffer (or the file ends).
            let Some(n) = nl else {
                if !eof {
                    break;
                }
                let row = fields_plain(&rest[..content_len], cols);
                if let Err(problem) = take(row, acc) {
                    return Outcome {
                        stop: p,
                        newlines,
                        last_end,
                        problem: Some((line(last_end), problem)),
                    };
                }
                p = buf.len();
                last_end = Some(newlines);
                continue;
            };
            let row = fields_plain(&rest[..content_len], cols);
            if let Err(problem) = take(row, acc) {
                return Outcome {
                    stop: p,
                    newlines,
                    last_end,
                    problem: Some((line(last_end), problem)),
                };
            }
            if content_len == n {
                // Ended by the line feed.
                newlines += 1;
                last_end = Some(newlines);
                p += n + 1;
            } else {
                // Ended by the carriage return; the line feed after it is skipped next.
                last_end = Some(newlines);
                p += content_len + 1;
            }
            continue;
        }
        match slow_record(rest, eof, cols, scratch) {
            None => break,
            Some(rec) => {
                let row = if rec.fields < cols.need {
                    Row::Short {
                        fields: rec.fields,
                        blank: rec.fields == 1 && rec.blank,
                    }
                } else {
                    Row::Fields(
                        scratch.fields[0].trim_ascii(),
                        scratch.fields[1].trim_ascii(),
                        scratch.fields[2].trim_ascii(),
                    )
                };
                if let Err(problem) = take(row, acc) {
                    return Outcome {
                        stop: p,
                        newlines,
                        last_end,
                        problem: Some((line(last_end), problem)),
                    };
                }
                newlines += rec.newlines;
                last_end = Some(newlines);
                p += rec.len;
            }
        }
    }
    Outcome {
        stop: p,
        newlines,
        last_end,
        problem: None,
    }
}

/// One row's three fields (trimmed), or why it has not got them.
enum Row<'a> {
    Fields(&'a [u8], &'a [u8], &'a [u8]),
    Short { fields: usize, blank: bool },
}

#[inline]
fn take(row: Row, acc: &mut Acc) -> Result<(), RowProblem> {
    match row {
        Row::Short { blank: true, .. } => Ok(()),
        Row::Short { fields, .. } => Err(RowProblem::Short(fields)),
        Row::Fields(t, e, s) => {
            let t = parse_i64(t).ok_or(RowProblem::Stamp)?;
            let e = parse_i64(e)
                .and_then(|e| u64::try_from(e).ok())
                .ok_or(RowProblem::Elapsed)?;
            acc.add(t, e, s == b"true");
            Ok(())
        }
    }
}

/// Splits a line with no quotes and no line ends at its commas, as far as the columns need.
/// Commas are found eight bytes at a time (a word compare that cannot carry between bytes).
#[inline]
fn fields_plain(line: &[u8], cols: Columns) -> Row<'_> {
    let mut got: [&[u8]; 3] = [&[]; 3];
    let mut field = 0usize;
    let mut from = 0usize;
    // Ends field `field` at `end`; true when every needed field has been seen.
    let mut end_field = |field: &mut usize, from: &mut usize, end: usize| {
        let f = &line[*from..end];
        if *field == cols.ts {
            got[0] = f;
        } else if *field == cols.el {
            got[1] = f;
        } else if *field == cols.ok {
            got[2] = f;
        }
        *field += 1;
        *from = end + 1;
        *field == cols.need
    };
    let mut pos = 0usize;
    let done = 'scan: {
        while pos + 8 <= line.len() {
            let word = u64::from_le_bytes(line[pos..pos + 8].try_into().expect("8 bytes"));
            let mut m = byte_mask(word, b',');
            while m != 0 {
                let at = pos + (m.trailing_zeros() / 8) as usize;
                if end_field(&mut field, &mut from, at) {
                    break 'scan true;
                }
                m &= m - 1;
            }
            pos += 8;
        }
        while pos < line.len() {
            if line[pos] == b',' && end_field(&mut field, &mut from, pos) {
                break 'scan true;
            }
            pos += 1;
        }
        end_field(&mut field, &mut from, line.len())
    };
    if done {
        Row::Fields(
            got[0].trim_ascii(),
            got[1].trim_ascii(),
            got[2].trim_ascii(),
        )
    } else {
        Row::Short {
            fields: field,
            blank: field == 1 && line.trim_ascii().is_empty(),
        }
    }
}

/// The high bit of each byte of `word` that equals `b`, and no other bit.
#[inline]
fn byte_mask(word: u64, b: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (ONES * u64::from(b));
    // A byte of x is zero exactly when its high bit stays clear here.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// `str::parse::<i64>` on bytes: an optional sign, then at least one digit, nothing else.
#[inline]
pub fn parse_i64(b: &[u8]) -> Option<i64> {
    let (neg, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    if digits.len() <= 18 {
        // Cannot overflow: no checks but the digits'.
        let mut v: i64 = 0;
        for &d in digits {
            let d = d.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            v = v * 10 + i64::from(d);
        }
        return Some(if neg { -v } else { v });
    }
    let mut v: i64 = 0;
    for &d in digits {
        let d = d.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(i64::from(d))?
        } else {
            v.checked_add(i64::from(d))?
        };
    }
    Some(v)
}

/// One record read by [`slow_record`].
struct SlowRecord {
    /// Bytes it took, its terminator included.
    len: usize,
    fields: usize,
    /// Its first field holds only ASCII whitespace.
    blank: bool,
    /// Line feeds in `..len`.
    newlines: u64,
}

/// Reads one record from the start of `buf` (which is not a line end) exactly as `csv-core`
/// does with its default settings, keeping the three columns' contents in `scratch`.
/// `None`: the record does not end inside `buf` and the file goes on.
fn slow_record(buf: &[u8], eof: bool, cols: Columns, scratch: &mut Scratch) -> Option<SlowRecord> {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        StartField,
        InField,
        InQuoted,
        QuoteInQuoted,
    }
    for f in &mut scratch.fields {
        f.clear();
    }
    let slot = |field: usize| {
        if field == cols.ts {
            Some(0)
        } else if field == cols.el {
            Some(1)
        } else if field == cols.ok {
            Some(2)
        } else {
            None
        }
    };
    let mut state = S::StartField;
    let mut field = 0usize;
    let mut cur = slot(0);
    let mut newlines = 0u64;
    let mut blank = true;
    for (i, &b) in buf.iter().enumerate() {
        newlines += u64::from(b == b'\n');
        let term = b == b'\n' || b == b'\r';
        let mut push = false;
        match state {
            S::StartField => {
                if b == b'"' {
                    state = S::InQuoted;
                } else if b == b',' {
                    field += 1;
                    cur = slot(field);
                } else if term {
                    return Some(SlowRecord {
                        len: i + 1,
                        fields: field + 1,
                        blank,
                        newlines,
                    });
                } else {
                    push = true;
                    state = S::InField;
                }
            }
            S::InField => {
                if b == b',' {
                    field += 1;
                    cur = slot(field);
                    state = S::StartField;
                } else if term {
                    return Some(SlowRecord {
                        len: i + 1,
                        fields: field + 1,
                        blank,
                        newlines,
                    });
                } else {
                    push = true;
                }
            }
            S::InQuoted => {
                if b == b'"' {
                    state = S::QuoteInQuoted;
                } else {
                    push = true;
                }
            }
            S::QuoteInQuoted => {
                if b == b'"' {
                    push = true;
                    state = S::InQuoted;
                } else if b == b',' {
                    field += 1;
                    cur = slot(field);
                    state = S::StartField;
                } else if term {
                    return Some(SlowRecord {
                        len: i + 1,
                        fields: field + 1,
                        blank,
                        newlines,
                    });
                } else {
                    push = true;
                    state = S::InField;
                }
            }
        }
        if push {
            blank &= field > 0 || b.is_ascii_whitespace();
            if let Some(k) = cur {
                scratch.fields[k].push(b);
            }
        }
    }
    eof.then_some(SlowRecord {
        len: buf.len(),
        fields: field + 1,
        blank,
        newlines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: Columns = Columns {
        ts: 0,
        el: 1,
        ok: 2,
        need: 3,
    };

    fn run(buf: &[u8], eof: bool) -> (Outcome, Stats) {
        let mut acc = Acc::default();
        let out = parse(
            buf,
            0,
            buf.len(),
            eof,
            COLS,
            &mut acc,
            &mut Scratch::default(),
        );
        (out, acc.into_stats())
    }

    #[test]
    fn parse_i64_agrees_with_str_parse() {
        for s in [
            "0",
            "-0",
            "+7",
            "",
            "-",
            "+",
            "12a",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "+-1",
            "٣",
        ] {
            assert_eq!(parse_i64(s.as_bytes()), s.parse::<i64>().ok(), "{s:?}");
        }
    }

    #[test]
    fn an_unfinished_last_line_waits_for_more_unless_the_file_ends() {
        let (out, st) = run(b"1,2,true\n3,4,fal", false);
        assert_eq!(out.stop, 9);
        assert_eq!(st.samples, 1);
        let (out, st) = run(b"1,2,true\n3,4,fal", true);
        assert_eq!(out.stop, 16);
        assert_eq!((st.samples, st.errors), (2, 1));
    }

    #[test]
    fn a_quoted_line_break_is_inside_the_record() {
        let (out, st) = run(b"1,2,\"tr\nue\"\n\"3\",\"4\"\"\",true\r\n", true);
        assert_eq!(out.problem, Some((Line::After(2), RowProblem::Elapsed)));
        assert_eq!(st.samples, 1);
        assert_eq!(st.errors, 1);
    }
}
