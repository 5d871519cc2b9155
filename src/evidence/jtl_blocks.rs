//! Reading a JTL in large blocks on two threads, hashing every byte on the way.
//!
//! Every byte must go to two sha256 (the evidence's own and the release digest) and through the
//! parser. Each block is read once into a buffer that both threads see. The helper feeds both
//! hashes (side by side, which costs less than one after the other:
//! [`crate::sha256::update_both`]); this thread reads and parses. When the helper keeps up, it
//! also parses the last part of a block, from the first line feed past a split point. That line
//! feed is a record boundary unless it sits inside a quoted field; the first part's parse ends
//! exactly there when it is, so the helper's result is kept only when it did, and otherwise the
//! rest is read again here. While the helper works on a block, the next one is read into a
//! second buffer; a record cut by the block's end is copied in front of it. Memory stays at
//! about two blocks whatever the file's size.

use super::jmeter::Columns;
use super::jtl_fast::{self, Acc, Line, Outcome, Scratch};
use super::Reading;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::{mpsc, Arc};

/// How to read: block size and whether to use a second thread.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Bytes read per block (tests make it tiny to force many splits and carries).
    pub block: usize,
    /// Parse and hash on a second thread as well.
    pub threads: bool,
    /// Below this many bytes a block's rows are not split between the threads.
    pub min_split: usize,
    /// This thread's share of the first block's rows, in thousandths; it then follows
    /// whichever thread finished first. At 1000 the helper only hashes.
    pub share: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            block: 1 << 20,
            threads: true,
            min_split: 64 << 10,
            // The helper feeds both hashes while this thread only reads: hashing is the longer
            // task, so the rows start here.
            share: 1000,
        }
    }
}

/// Where the bytes go besides the parser.
pub struct Sinks<'a> {
    /// Given every byte, in file order, on the helper thread (on this one without threads).
    pub hash: &'a mut (dyn FnMut(&[u8]) + Send),
    /// Told the bytes read so far after each block.
    pub progress: &'a mut dyn FnMut(u64),
}

/// Reads `src` to its end as a JTL. The outer error is a failed read; the inner one says why
/// the bytes are not a JTL, in the words of [`super::jmeter::read`]. Also returns the bytes read.
pub fn read<R: Read>(
    src: R,
    opts: Options,
    sinks: Sinks,
) -> io::Result<(Result<Reading, String>, u64)> {
    let Sinks { hash, progress } = sinks;
    if !opts.threads {
        let mut helper = Inline { hash, reply: None };
        return drive(src, opts, &mut helper, progress);
    }
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (reply_tx, reply_rx) = mpsc::channel::<Reply>();
        scope.spawn(move || {
            for job in job_rx {
                if reply_tx.send(job.run(hash)).is_err() {
                    break;
                }
            }
        });
        let mut helper = Threaded {
            tx: job_tx,
            rx: reply_rx,
        };
        drive(src, opts, &mut helper, progress)
    })
}

/// The helper's share of one block.
struct Job {
    buf: Arc<Vec<u8>>,
    hash: Range<usize>,
    parse: Option<Part>,
}

/// Rows to parse on the helper, into its own totals.
struct Part {
    start: usize,
    end: usize,
    eof: bool,
    cols: Columns,
    acc: Box<Acc>,
    scratch: Box<Scratch>,
}

struct Reply {
    parsed: Option<(Outcome, Box<Acc>, Box<Scratch>)>,
}

impl Job {
    fn run(self, hash: &mut (dyn FnMut(&[u8]) + Send)) -> Reply {
        hash(&self.buf[self.hash.clone()]);
        let parsed = self.parse.map(|mut p| {
            let out = jtl_fast::parse(
                &self.buf[..p.end],
                p.start,
                p.end,
                p.eof,
                p.cols,
                &mut p.acc,
                &mut p.scratch,
            );
            (out, p.acc, p.scratch)
        });
        // `self.buf` is dropped here, before the reply, so the reader may reuse the buffer.
        Reply { parsed }
    }
}

trait Helper {
    fn parallel(&self) -> bool;
    fn submit(&mut self, job: Job);
    /// The reply if it is already there.
    fn ready(&mut self) -> Option<Reply>;
    fn wait(&mut self) -> Reply;
}

struct Inline<'a> {
    hash: &'a mut (dyn FnMut(&[u8]) + Send),
    reply: Option<Reply>,
}

impl Helper for Inline<'_> {
    fn parallel(&self) -> bool {
        false
    }
    fn submit(&mut self, job: Job) {
        self.reply = Some(job.run(self.hash));
    }
    fn ready(&mut self) -> Option<Reply> {
        self.reply.take()
    }
    fn wait(&mut self) -> Reply {
        self.reply.take().expect("a job was submitted")
    }
}

struct Threaded {
    tx: mpsc::Sender<Job>,
    rx: mpsc::Receiver<Reply>,
}

impl Helper for Threaded {
    fn parallel(&self) -> bool {
        true
    }
    fn submit(&mut self, job: Job) {
        self.tx.send(job).expect("the helper thread is running");
    }
    fn ready(&mut self) -> Option<Reply> {
        self.rx.try_recv().ok()
    }
    fn wait(&mut self) -> Reply {
        self.rx.recv().expect("the helper thread answers")
    }
}

enum Phase {
    /// The header row is not complete yet.
    Header,
    Rows(Rows),
    /// The answer is known (a malformed row); the rest is only hashed.
    Done(Result<Reading, String>),
}

/// Where the row reading stands between blocks.
struct Rows {
    cols: Columns,
    /// The line the reference reader would give the next record.
    line: u64,
    /// Line feeds before the start of the buffer.
    newlines: u64,
}

impl Rows {
    /// Takes one part's outcome, in file order; a malformed row gives the final answer.
    fn apply(&mut self, out: &Outcome) -> Option<String> {
        if let Some((at, problem)) = out.problem {
            let line = match at {
                Line::Carried => self.line,
                Line::After(k) => 1 + self.newlines + k,
            };
            return Some(problem.message(line));
        }
        if let Some(k) = out.last_end {
            self.line = 1 + self.newlines + k;
        }
        self.newlines += out.newlines;
        None
    }
}

/// Room kept before each block for the record carried over from the block before it.
const ROOM: usize = 64 << 10;

/// The helper and the jobs it has not answered yet.
///
/// A job that only hashes is not waited for: this thread goes on reading and parsing, and
/// collects the answer when it needs the job's buffer again, so a helper that is busier than
/// this thread always has its next block waiting. A job with rows to parse is waited for at
/// once, since the next block's rows start where its rows end. Answers come in job order.
struct Pipe<'h> {
    helper: &'h mut dyn Helper,
    unanswered: usize,
    /// Whether the job before the last one only hashed: it held the buffer read next.
    before_last_hash_only: bool,
    last_hash_only: bool,
}

impl Pipe<'_> {
    fn hash_only(&mut self, job: Job) {
        debug_assert!(job.parse.is_none());
        self.helper.submit(job);
        if self.helper.parallel() {
            self.unanswered += 1;
        } else {
            self.helper.wait();
        }
        self.before_last_hash_only = std::mem::replace(&mut self.last_hash_only, true);
    }

    fn submit(&mut self, job: Job) {
        self.helper.submit(job);
        self.before_last_hash_only = std::mem::replace(&mut self.last_hash_only, false);
    }

    /// The answer to the last job submitted, and whether it was already there when asked
    /// (the helper finished first).
    fn answer(&mut self) -> (Reply, bool) {
        self.settle();
        match self.helper.ready() {
            Some(reply) => (reply, true),
            None => (self.helper.wait(), false),
        }
    }

    /// Collects the answers to every job that only hashed.
    fn settle(&mut self) {
        while self.unanswered > 0 {
            self.helper.wait();
            self.unanswered -= 1;
        }
    }

    /// Waits until the helper is done with `buf`, which the job before the last one used. When
    /// that job only hashed, whether it had to wait moves this thread's share of the rows: up
    /// when the helper was behind, down when it was done first.
    fn reclaim(&mut self, buf: &Arc<Vec<u8>>, share: &mut usize) {
        let mut waited = false;
        while Arc::strong_count(buf) > 1 && self.unanswered > 0 {
            self.helper.wait();
            self.unanswered -= 1;
            waited = true;
        }
        if self.before_last_hash_only && self.helper.parallel() {
            *share = if waited {
                (*share + 10).min(1000)
            } else {
                share.saturating_sub(10).max(100)
            };
        }
    }
}

fn drive<R: Read>(
    mut src: R,
    opts: Options,
    helper: &mut dyn Helper,
    progress: &mut dyn FnMut(u64),
) -> io::Result<(Result<Reading, String>, u64)> {
    let block = opts.block.max(1);
    // Two buffers: the helper works on one while the next block is read into the other.
    let mut cur = Arc::new(Vec::new());
    let mut next = Arc::new(Vec::new());
    let (mut n, mut eof) = read_block(&mut src, &mut cur, block)?;
    let mut total = n as u64;
    progress(total);
    // In `cur`: data from `base` (a carried record) to the new bytes at `fresh..fresh + n`.
    let (mut base, mut fresh) = (ROOM, ROOM);
    // Where the rows not yet read start in `cur`.
    let mut start = ROOM;
    let mut phase = Phase::Header;
    let mut acc = Acc::default();
    let mut spare = Some((Box::<Acc>::default(), Box::<Scratch>::default()));
    let mut scratch = Scratch::default();
    // This thread's share of a block's rows, in thousandths (see `Options::share`).
    let mut share = opts.share.clamp(100, 1000);
    let mut pipe = Pipe {
        helper,
        unanswered: 0,
        before_last_hash_only: false,
        last_hash_only: false,
    };
    loop {
        let filled = fresh + n;
        let new = fresh..filled;

        if matches!(phase, Phase::Header) {
            if let Some(found) = header(&cur[base..filled], eof) {
                phase = match found {
                    Ok((cols, end, line)) => {
                        start = base + end;
                        Phase::Rows(Rows {
                            cols,
                            line,
                            newlines: line - 1,
                        })
                    }
                    Err(why) => Phase::Done(Err(why)),
                };
            }
        }

        // What of `cur` must go on into the next block.
        let carry_from;
        let ahead;
        match &mut phase {
            Phase::Header | Phase::Done(_) => {
                pipe.hash_only(Job {
                    buf: cur.clone(),
                    hash: new,
                    parse: None,
                });
                ahead = if eof {
                    None
                } else {
                    pipe.reclaim(&next, &mut share);
                    Some(read_block(&mut src, &mut next, block)?)
                };
                carry_from = if matches!(phase, Phase::Header) {
                    base
                } else {
                    filled
                };
            }
            Phase::Rows(rows) => {
                let data = &cur[..filled];
                let split = (pipe.helper.parallel() && filled - start >= opts.min_split)
                    .then(|| {
                        let mid = start + (filled - start) * share / 1000;
                        memchr::memchr(b'\n', &data[mid..]).map(|i| mid + i + 1)
                    })
                    .flatten()
                    .filter(|&s| s < filled);
                let part = match (split, spare.take()) {
                    (Some(s), Some((acc, scratch))) => Some(Part {
                        start: s,
                        end: filled,
                        eof,
                        cols: rows.cols,
                        acc,
                        scratch,
                    }),
                    (_, taken) => {
                        spare = taken;
                        None
                    }
                };
                let split = part.as_ref().map(|p| p.start);
                let job = Job {
                    buf: cur.clone(),
                    hash: new,
                    parse: part,
                };
                if split.is_some() {
                    pipe.submit(job);
                } else {
                    pipe.hash_only(job);
                }
                ahead = if eof {
                    None
                } else {
                    pipe.reclaim(&next, &mut share);
                    Some(read_block(&mut src, &mut next, block)?)
                };
                let first = jtl_fast::parse(
                    data,
                    start,
                    split.unwrap_or(filled),
                    eof && split.is_none(),
                    rows.cols,
                    &mut acc,
                    &mut scratch,
                );
                let mut outcomes = vec![first];
                let parsed = if split.is_some() {
                    match pipe.answer() {
                        (reply, true) => {
                            share = share.saturating_sub(10).max(100);
                            reply.parsed
                        }
                        (reply, false) => {
                            share = (share + 10).min(1000);
                            reply.parsed
                        }
                    }
                } else {
                    None
                };
                if let Some((theirs, mut their_acc, their_scratch)) = parsed {
                    if first.problem.is_none() {
                        if Some(first.stop) == split {
                            their_acc.drain_into(&mut acc);
                            outcomes.push(theirs);
                        } else {
                            // The split fell inside a quoted field: read the rest here instead.
                            their_acc.clear();
                            outcomes.push(jtl_fast::parse(
                                data,
                                first.stop,
                                filled,
                                eof,
                                rows.cols,
                                &mut acc,
                                &mut scratch,
                            ));
                        }
                    } else {
                        their_acc.clear();
                    }
                    spare = Some((their_acc, their_scratch));
                }
                let mut stop = start;
                let mut failed = None;
                for out in &outcomes {
                    stop = out.stop;
                    if let Some(why) = rows.apply(out) {
                        failed = Some(why);
                        break;
                    }
                }
                carry_from = match failed {
                    Some(why) => {
                        phase = Phase::Done(Err(why));
                        filled
                    }
                    None => stop,
                };
            }
        }
        let Some((mut n2, mut eof2)) = ahead else {
            // Every byte must be hashed before the caller reads the hashes.
            pipe.settle();
            break;
        };
        total += n2 as u64;
        progress(total);
        // Put the carried bytes just before the next block's new bytes.
        let carry = &cur[carry_from..filled];
        if carry.len() <= ROOM {
            let b = Arc::get_mut(&mut next).expect("the helper has given the buffer back");
            b[ROOM - carry.len()..ROOM].copy_from_slice(carry);
            (base, fresh) = (ROOM - carry.len(), ROOM);
        } else {
            // A record longer than the room (or a long header): join them in a new buffer,
            // with at least as many new bytes again as are carried, so that a record that
            // keeps going (an unclosed quote) is re-read a bounded number of times: linear
            // time, and memory of the record's size, as the reference reader takes.
            let mut joined = Vec::with_capacity(2 * carry.len() + n2);
            joined.extend_from_slice(carry);
            joined.extend_from_slice(&next[ROOM..ROOM + n2]);
            if !eof2 && n2 < carry.len() {
                let at = joined.len();
                let want = carry.len() - n2;
                joined.resize(at + want, 0);
                let got = read_full(&mut src, &mut joined[at..])?;
                joined.truncate(at + got);
                (n2, eof2) = (n2 + got, got < want);
                total += got as u64;
                progress(total);
            }
            (base, fresh) = (0, carry.len());
            next = Arc::new(joined);
        }
        std::mem::swap(&mut cur, &mut next);
        (n, eof, start) = (n2, eof2, base);
    }
    let result = match phase {
        Phase::Done(r) => r,
        Phase::Header => unreachable!("the header is decided at the end of the file"),
        Phase::Rows(_) => Ok(acc.into_stats().reading()),
    };
    Ok((result, total))
}

/// Reads the next block into `buf` after its room; returns the bytes read and whether the
/// file ended.
fn read_block<R: Read>(
    src: &mut R,
    buf: &mut Arc<Vec<u8>>,
    block: usize,
) -> io::Result<(usize, bool)> {
    let b = Arc::get_mut(buf).expect("the helper has given the buffer back");
    if b.len() < ROOM + block {
        b.resize(ROOM + block, 0);
    }
    let n = read_full(src, &mut b[ROOM..ROOM + block])?;
    Ok((n, n < block))
}

/// The columns, where the rows start, and the line the reference gives the first row.
type Header = (Columns, usize, u64);

/// The header row read by the `csv` crate itself, so it is taken exactly as the reference takes
/// it: the columns, where the rows start, and the line the first row has.
/// `None`: the header may go on past what is buffered.
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
    Some(super::jmeter::columns(&headers).map(|cols| (cols, end, pos.line())))
}

/// Fills `buf` unless the file ends first; returns the bytes read.
fn read_full<R: Read>(src: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match src.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
