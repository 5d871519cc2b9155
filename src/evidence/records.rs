//! CSV records read one at a time with `csv-core`, for the kinds whose files are CSV tables
//! (locust, ngrinder): each record at most [`MAX_RECORD`] bytes, so memory stays flat whatever
//! the file holds.

use super::read::MAX_RECORD;
use std::io::BufRead;

/// CSV records read one at a time with `csv-core`, each at most [`MAX_RECORD`] bytes long, so
/// memory stays flat whatever the file holds.
pub struct Records<'a> {
    what: &'static str,
    input: &'a mut dyn BufRead,
    rdr: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    done: bool,
}

/// One record: its fields and the line it starts on.
pub struct Record<'r> {
    out: &'r [u8],
    ends: &'r [usize],
    /// The line the record starts on (1-based).
    pub line: u64,
}

impl Record<'_> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[from..self.ends[i]]
    }

    pub fn fields(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl<'a> Records<'a> {
    /// `what` names the file in reasons, e.g. "locust stats CSV".
    pub fn new(input: &'a mut dyn BufRead, what: &'static str) -> Self {
        Records {
            what,
            input,
            rdr: csv_core::Reader::new(),
            out: vec![0; 4096],
            ends: vec![0; 32],
            done: false,
        }
    }

    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, String> {
        use csv_core::ReadRecordResult as R;
        if self.done {
            return Ok(None);
        }
        let (mut nout, mut nend) = (0, 0);
        // Where the reader stands: the record's first line, unless blank lines come first.
        let line = self.rdr.line();
        loop {
            let buf = self
                .input
                .fill_buf()
                .map_err(|e| format!("cannot read the {}: {e}", self.what))?;
            let (res, nin, o, e) =
                self.rdr
                    .read_record(buf, &mut self.out[nout..], &mut self.ends[nend..]);
            self.input.consume(nin);
            nout += o;
            nend += e;
            match res {
                R::InputEmpty => {}
                R::OutputFull if self.out.len() >= MAX_RECORD => {
                    return Err(format!(
                        "malformed {}: a record longer than {} MiB",
                        self.what,
                        MAX_RECORD >> 20
                    ))
                }
                R::OutputFull => self.out.resize(2 * self.out.len(), 0),
                R::OutputEndsFull if self.ends.len() >= MAX_FIELDS => {
                    return Err(format!(
                        "malformed {}: a record with too many fields",
                        self.what
                    ))
                }
                R::OutputEndsFull => self.ends.resize(2 * self.ends.len(), 0),
                R::Record => {
                    return Ok(Some(Record {
                        out: &self.out[..nout],
                        ends: &self.ends[..nend],
                        line,
                    }))
                }
                R::End => {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
    }
}

/// More fields than this in one record fail the file.
const MAX_FIELDS: usize = 1 << 16;
