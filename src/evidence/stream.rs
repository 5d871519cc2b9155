//! Reading a streamed kind (k6, Locust, JUnit, file) while a helper thread hashes it.
//!
//! The parser reads from a [`BufRead`] on this thread as before; every block it is handed is
//! also sent, in order, to a helper that feeds both sha256 (the evidence's own and the release
//! digest). The channel holds at most two blocks, so a parser that stops early and lets the rest
//! be drained only waits on the hashing, and memory stays at a few blocks whatever the file.

use crate::sha256::{update_both, Sha256};
use std::io::{self, BufRead, Read};
use std::sync::{mpsc, Arc};

const BLOCK: u64 = 256 << 10;

/// What reading gave: the parser's result, the bytes read, the evidence's own sha256, and the
/// read error, if one stopped it (the parser may have taken it for a malformed file).
pub struct Streamed<T> {
    pub result: T,
    pub count: u64,
    pub own: Sha256,
    pub error: Option<io::Error>,
}

/// Runs `parse` over `src`, then reads what it left, hashing everything on a helper thread.
pub fn read<R: Read, T>(
    src: R,
    digest: &mut Sha256,
    progress: &mut dyn FnMut(u64),
    parse: impl FnOnce(&mut dyn BufRead) -> T,
) -> Streamed<T> {
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Arc<Vec<u8>>>(2);
        let helper = scope.spawn(move || {
            let mut own = Sha256::new();
            for block in rx {
                update_both(&mut own, digest, &block[..]);
            }
            own
        });
        let mut feed = Feed {
            src,
            tx: Some(tx),
            block: Arc::new(Vec::new()),
            pos: 0,
            count: 0,
            error: None,
            progress,
        };
        let result = parse(&mut feed);
        // Hash what the parser did not need, so the sha256 covers the whole file.
        let _ = io::copy(&mut feed, &mut io::sink());
        let Feed { count, error, .. } = feed;
        // `feed` (and its sender) is gone: the helper ends after the last block.
        let own = helper.join().expect("the hashing thread does not panic");
        Streamed {
            result,
            count,
            own,
            error,
        }
    })
}

struct Feed<'a, R> {
    src: R,
    tx: Option<mpsc::SyncSender<Arc<Vec<u8>>>>,
    block: Arc<Vec<u8>>,
    pos: usize,
    count: u64,
    error: Option<io::Error>,
    progress: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for Feed<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Feed<'_, R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.block.len() && self.tx.is_some() {
            let mut next = Vec::with_capacity(BLOCK as usize);
            match (&mut self.src).take(BLOCK).read_to_end(&mut next) {
                Ok(0) => {
                    // The end: let the helper finish.
                    self.tx = None;
                }
                Ok(n) => {
                    self.count += n as u64;
                    (self.progress)(self.count);
                    let next = Arc::new(next);
                    if let Some(tx) = &self.tx {
                        let _ = tx.send(next.clone());
                    }
                    self.block = next;
                    self.pos = 0;
                }
                Err(e) => {
                    // Remember the failure: a parser may swallow it as "malformed".
                    let copy = io::Error::new(e.kind(), e.to_string());
                    self.error = Some(e);
                    self.tx = None;
                    return Err(copy);
                }
            }
        }
        Ok(&self.block[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.block.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_hashes_cover_every_byte_whatever_the_parser_reads() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
        for stop_after in [0usize, 10, 300_000, 2_000_000] {
            let mut digest = Sha256::new();
            let out = read(&data[..], &mut digest, &mut |_| {}, |r| {
                let mut seen = Vec::new();
                let _ = r.take(stop_after as u64).read_to_end(&mut seen);
                seen
            });
            assert_eq!(out.result, &data[..stop_after.min(data.len())]);
            assert_eq!(out.count, data.len() as u64);
            assert!(out.error.is_none());
            assert_eq!(out.own.finalize(), Sha256::digest(&data));
            assert_eq!(digest.finalize(), Sha256::digest(&data));
        }
    }
}
