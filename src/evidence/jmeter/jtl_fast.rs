//! Reading a JTL: the header row, then every row, from the blocks of [`crate::evidence::read`].
//!
//! JMeter writes one row per line and quotes a field only when it holds a comma, a quote or a
//! line break, so nearly every line is split with `memchr` and a short scan for commas, with no
//! allocation per row. A line that holds a `"` or a lone `\r` is read by `csv-core`, the state
//! machine under the `csv` crate, so a quoted field with commas, quotes or newlines reads
//! exactly as the `csv` crate reads it (the test oracle in `tests/jtl_props.rs` is that crate).
//!
//! Rows are read straight from each block. The record a block cuts in two is carried into a
//! small buffer and completed from the next block; a record longer than [`MAX_RECORD`] fails
//! the evidence, so memory stays flat whatever the file holds.

use super::{Columns, RowProblem, Stats};
use crate::evidence::Reading;
use memchr::{memchr, memchr2};
use std::io::BufRead;

pub use crate::evidence::read::MAX_RECORD;

/// Reads a JTL to its end: its figures, or why its bytes are not a JTL.
pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    // The header row, read by the `csv` crate itself so it is taken exactly as the oracle
    // takes it; it may span blocks.
    let mut carry: Vec<u8> = Vec::new();
    let mut eof;
    let (cols, end, line) = loop {
        let block = fill(input)?;
        eof = block.is_empty();
        // As much again as is carried: the header is read a bounded number of times, and the
        // rows after it are copied no further than the first 64 KiB.
        let take = block
            .len()
            .min(carry.len().max(64 << 10))
            .min(MAX_RECORD + 1 - carry.len());
        carry.extend_from_slice(&block[..take]);
        input.consume(take);
        match header(&carry, eof) {
            Some(Ok((_, end, _))) if end > MAX_RECORD => {}
            Some(found) => break found?,
            None => {}
        }
        if carry.len() > MAX_RECORD {
            return Err(format!(
                "not a JTL: the header row is {}",
                RowProblem::TooLong.what()
            ));
        }
    };
    carry.drain(..end);
    let mut rows = Rows {
        line,
        newlines: line - 1,
    };
    let mut stats = Stats::default();
    let mut scratch = Scratch::default();
    loop {
        // Complete the carried record with bytes from the next block: at least as many again
        // as are carried, so a record that keeps going is re-read a bounded number of times.
        while !carry.is_empty() {
            let block = if eof { &[][..] } else { fill(input)? };
            eof = block.is_empty();
            let old = carry.len();
            if old > MAX_RECORD {
                return Err(RowProblem::TooLong.message(rows.line));
            }
            let take = block.len().min(old.max(64 << 10)).min(MAX_RECORD + 1 - old);
            carry.extend_from_slice(&block[..take]);
            let last = eof || take == 0;
            let out = parse(&carry, 0, carry.len(), last, cols, &mut stats, &mut scratch);
            rows.apply(&out)?;
            if out.stop >= old {
                input.consume(out.stop - old);
                carry.clear();
            } else {
                input.consume(take);
                carry.drain(..out.stop);
            }
        }
        if eof {
            break;
        }
        let block = fill(input)?;
        if block.is_empty() {
            break;
        }
        let out = parse(block, 0, block.len(), false, cols, &mut stats, &mut scratch);
        rows.apply(&out)?;
        carry.extend_from_slice(&block[out.stop..]);
        let n = block.len();
        input.consume(n);
    }
    Ok(stats.reading())
}

/// The next bytes; a read error ends the reading (the reader has kept the error to report).
fn fill(input: &mut dyn BufRead) -> Result<&[u8], String> {
    input
        .fill_buf()
        .map_err(|e| format!("cannot read the JTL: {e}"))
}

/// The columns, where the rows start, and the line the reference gives the first row.
type Header = (Columns, usize, u64);

/// The header row: `None` while it may go on past what is buffered.
fn header(data: &[u8], eof: bool) -> Option<Result<Header, String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(data);
    let headers = match rdr.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return Some(Err(format!("not a JTL: cannot read the header row: {e}"))),
    };
    let pos = rdr.position();
    let end = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
    if !eof && end >= data.len() {
        return None;
    }
    Some(super::columns(&headers).map(|cols| (cols, end, pos.line())))
}

/// Where the row reading stands between parts of the file.
struct Rows {
    /// The line the reference reader would give the next record.
    line: u64,
    /// Line feeds before the start of the part being read.
    newlines: u64,
}

impl Rows {
    /// Takes one part's outcome, in file order; a malformed row gives the final answer.
    fn apply(&mut self, out: &Outcome) -> Result<(), String> {
        if let Some((at, problem)) = out.problem {
            let line = match at {
                Line::Carried => self.line,
                Line::After(k) => 1 + self.newlines + k,
            };
            return Err(problem.message(line));
        }
        if let Some(k) = out.last_end {
            self.line = 1 + self.newlines + k;
        }
        self.newlines += out.newlines;
        Ok(())
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

/// The `csv-core` reader for quoted rows and room for one row's fields, reused from row to
/// row.
#[derive(Debug)]
pub struct Scratch {
    rdr: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            // `Reader::default()` is not a configured reader; `new()` is.
            rdr: csv_core::Reader::new(),
            out: vec![0; 4096],
            ends: vec![0; 16],
        }
    }
}

/// More fields than this in one quoted row fail the evidence, like a record too long.
const MAX_FIELDS: usize = 1 << 16;

/// One quoted row as `csv-core` read it.
struct Quoted {
    /// Bytes it took, its terminator included.
    len: usize,
    fields: usize,
    /// Line feeds in `..len`.
    newlines: u64,
}

enum Got {
    Record(Quoted),
    /// The row does not end inside the buffer and the file goes on.
    More,
    TooLong(RowProblem),
}

/// Reads one row from the start of `buf` (which is not a line end) with `csv-core`'s default
/// settings, its fields into `scratch`.
fn quoted_record(buf: &[u8], eof: bool, s: &mut Scratch) -> Got {
    use csv_core::ReadRecordResult as R;
    s.rdr.reset();
    // A reset reader strips a UTF-8 BOM from the start of what it reads first, as at the start
    // of a file; this row is not: one empty line first (skipped) makes it read on as after one.
    let _ = s.rdr.read_record(b"\n", &mut s.out, &mut s.ends);
    let (mut nin, mut nout, mut nend) = (0, 0, 0);
    loop {
        let (res, i, o, e) =
            s.rdr
                .read_record(&buf[nin..], &mut s.out[nout..], &mut s.ends[nend..]);
        nin += i;
        nout += o;
        nend += e;
        match res {
            // With the whole rest of the file given, the next call's empty input is its end.
            R::InputEmpty if eof => {}
            R::InputEmpty => return Got::More,
            R::OutputFull if s.out.len() >= MAX_RECORD => return Got::TooLong(RowProblem::TooLong),
            R::OutputFull => s.out.resize(2 * s.out.len(), 0),
            R::OutputEndsFull if s.ends.len() >= MAX_FIELDS => {
                return Got::TooLong(RowProblem::TooManyFields)
            }
            R::OutputEndsFull => s.ends.resize(2 * s.ends.len(), 0),
            R::Record | R::End => break,
        }
    }
    Got::Record(Quoted {
        len: nin,
        fields: nend,
        newlines: memchr::memchr_iter(b'\n', &buf[..nin]).count() as u64,
    })
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
    acc: &mut Stats,
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
        if simple.is_some_and(|n| n > MAX_RECORD) {
            return Outcome {
                stop: p,
                newlines,
                last_end,
                problem: Some((line(last_end), RowProblem::TooLong)),
            };
        }
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
        let rec = match quoted_record(rest, eof, scratch) {
            Got::More => break,
            Got::Record(rec) if rec.len <= MAX_RECORD => Ok(rec),
            Got::Record(_) => Err(RowProblem::TooLong),
            Got::TooLong(problem) => Err(problem),
        };
        let rec = match rec {
            Ok(rec) => rec,
            Err(problem) => {
                return Outcome {
                    stop: p,
                    newlines,
                    last_end,
                    problem: Some((line(last_end), problem)),
                }
            }
        };
        let field = |k: usize| {
            let from = if k == 0 { 0 } else { scratch.ends[k - 1] };
            &scratch.out[from..scratch.ends[k]]
        };
        let row = if rec.fields < cols.need {
            Row::Short {
                fields: rec.fields,
                blank: rec.fields == 1 && field(0).trim_ascii().is_empty(),
            }
        } else {
            Row::Fields(
                field(cols.ts).trim_ascii(),
                field(cols.el).trim_ascii(),
                field(cols.ok),
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
    Outcome {
        stop: p,
        newlines,
        last_end,
        problem: None,
    }
}

/// One row's three fields (the numbers trimmed, `success` as it is), or why it has not got
/// them.
enum Row<'a> {
    Fields(&'a [u8], &'a [u8], &'a [u8]),
    Short { fields: usize, blank: bool },
}

#[inline]
fn take(row: Row, acc: &mut Stats) -> Result<(), RowProblem> {
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
        Row::Fields(got[0].trim_ascii(), got[1].trim_ascii(), got[2])
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
        let mut acc = Stats::default();
        let out = parse(
            buf,
            0,
            buf.len(),
            eof,
            COLS,
            &mut acc,
            &mut Scratch::default(),
        );
        (out, acc)
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
