//! The one way an evidence file is read, whatever its kind.
//!
//! The file is opened without blocking (a FIFO, a device or a folder is refused, never waited
//! on) and read once, block by block, up to the length it had when it was opened. Each block is
//! handed to the kind's parser on this thread and, at the same time, to a helper thread that
//! feeds the evidence's sha256, so hashing and parsing share two cores. Whatever the parser
//! leaves unread is read and hashed too. A file that ends early or goes on past that length
//! changed while it was read, and fails. A few blocks are reused over and over, so memory does
//! not grow with the file.

use crate::sha256::{Digest, Sha256};
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::{mpsc, Arc};

/// Told how far the reading of each evidence file has got. The library never draws anything:
/// the binary gives a sink that shows a progress bar, tests and quiet runs give [`Quiet`].
pub trait Progress {
    /// `done` of the `len` bytes of the file at `path` have been read.
    fn read(&self, path: &Path, done: u64, len: u64);
    /// The file at `path` is done with (read whole, failed or refused).
    fn finished(&self, _path: &Path) {}
}

/// A progress sink that shows nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn read(&self, _path: &Path, _done: u64, _len: u64) {}
}

/// The longest record (a CSV row or header) a kind reads; a longer one fails the evidence, so
/// memory stays flat whatever the file holds.
pub const MAX_RECORD: usize = 4 << 20;

/// Bytes read per block.
const BLOCK: usize = 1 << 20;

/// Blocks in use at once: one with the parser, the others queued for the hash or being hashed.
const BUFFERS: usize = 4;

/// Reads the file at `path` once: `parse` sees its bytes, the sha256 covers all of them.
/// `Err` is a file that could not be read whole (missing, not a regular file, a read error, or
/// changed while it was read), in one line that starts with the path.
pub fn read<T>(
    path: &Path,
    progress: &dyn Progress,
    parse: impl FnOnce(&mut dyn BufRead) -> T,
) -> Result<(T, [u8; 32]), String> {
    let out = read_opened(path, progress, parse);
    progress.finished(path);
    out
}

fn read_opened<T>(
    path: &Path,
    progress: &dyn Progress,
    parse: impl FnOnce(&mut dyn BufRead) -> T,
) -> Result<(T, [u8; 32]), String> {
    // As the user wrote it: a path below the current folder loses its leading `./`.
    let shown = crate::inputs::shown(path);
    let file = open(path).map_err(|why| format!("{shown}: {why}"))?;
    let len = file
        .metadata()
        .map_err(|e| format!("{shown}: cannot read: {e}"))?
        .len();
    std::thread::scope(|scope| {
        let (to_hash, blocks) = mpsc::channel::<Arc<Vec<u8>>>();
        let (give_back, free) = mpsc::channel::<Arc<Vec<u8>>>();
        let hasher = scope.spawn(move || {
            let mut h = Sha256::new();
            for block in blocks {
                h.update(&block[..]);
                // The reader may have ended already; the block is then simply dropped.
                let _ = give_back.send(block);
            }
            <[u8; 32]>::from(h.finalize())
        });
        let mut feed = Feed {
            file,
            left: len,
            len,
            ended: false,
            grew: false,
            to_hash: Some(to_hash),
            free,
            made: 0,
            block: Arc::new(Vec::new()),
            pos: 0,
            count: 0,
            error: None,
            path,
            progress,
        };
        let parsed = parse(&mut feed);
        // Read what the parser did not need, so the sha256 covers the whole file.
        while let Ok(b) = feed.fill_buf() {
            if b.is_empty() {
                break;
            }
            let n = b.len();
            feed.consume(n);
        }
        let Feed {
            count, error, grew, ..
        } = feed;
        // `feed` and its sender are gone: the helper ends after the last block.
        let sha = hasher.join().expect("the hashing thread does not panic");
        if let Some(e) = error {
            return Err(format!("{shown}: cannot read: {e}"));
        }
        if count != len || grew {
            return Err(format!("{shown}: the file changed while it was being read"));
        }
        Ok((parsed, sha))
    })
}

/// Opens a regular file for reading without ever blocking; the reason is one short phrase.
fn open(path: &Path) -> Result<std::fs::File, String> {
    let why = |e: io::Error| match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot read: {e}"),
    };
    if !std::fs::metadata(path).map_err(why)?.is_file() {
        return Err("not a regular file".into());
    }
    let file = open_nonblocking(path).map_err(why)?;
    // The path may have been swapped between the look and the open: check what was opened.
    if !file.metadata().map_err(why)?.is_file() {
        return Err("not a regular file".into());
    }
    Ok(file)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO that replaced the file after the look must not hang.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const O_NONBLOCK: i32 = 0o4000;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const O_NONBLOCK: i32 = 0x0004;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The parser's view of the file: a [`BufRead`] whose every block also goes to the hash.
struct Feed<'a> {
    file: std::fs::File,
    /// Bytes still to read of the length the file had when it was opened.
    left: u64,
    len: u64,
    /// No more blocks: the length is reached, the file ended early, or a read failed.
    ended: bool,
    /// The file went on past its length.
    grew: bool,
    to_hash: Option<mpsc::Sender<Arc<Vec<u8>>>>,
    /// Blocks the helper has hashed, to be read into again.
    free: mpsc::Receiver<Arc<Vec<u8>>>,
    made: usize,
    block: Arc<Vec<u8>>,
    pos: usize,
    count: u64,
    error: Option<io::Error>,
    path: &'a Path,
    progress: &'a dyn Progress,
}

impl Feed<'_> {
    /// A buffer to read the next block into: a hashed one back from the helper, or a new one
    /// while fewer than [`BUFFERS`] exist.
    fn buffer(&mut self) -> Vec<u8> {
        let back = match self.free.try_recv() {
            Ok(b) => Some(b),
            Err(_) if self.made < BUFFERS => None,
            Err(_) => self.free.recv().ok(),
        };
        match back.map(Arc::try_unwrap) {
            Some(Ok(v)) => v,
            _ => {
                self.made += 1;
                let size = BLOCK.min(usize::try_from(self.left).unwrap_or(BLOCK));
                vec![0; size]
            }
        }
    }

    /// Reads the next block; `false` when there is none.
    fn next_block(&mut self) -> io::Result<bool> {
        // Let go of the block just read, so that its buffer can come back.
        self.block = Arc::new(Vec::new());
        self.pos = 0;
        if self.left == 0 {
            self.end();
            return Ok(false);
        }
        let want = BLOCK.min(usize::try_from(self.left).unwrap_or(BLOCK));
        let mut buf = self.buffer();
        buf.resize(want, 0);
        let n = match read_full(&mut self.file, &mut buf) {
            Ok(n) => n,
            Err(e) => {
                // Remember the failure: a parser may take it for a malformed file.
                let copy = io::Error::new(e.kind(), e.to_string());
                self.error = Some(e);
                self.to_hash = None;
                self.ended = true;
                return Err(copy);
            }
        };
        buf.truncate(n);
        self.count += n as u64;
        self.left -= n as u64;
        if n == 0 {
            // Shorter than when it was opened.
            self.end();
            return Ok(false);
        }
        self.progress.read(self.path, self.count, self.len);
        let block = Arc::new(buf);
        if let Some(tx) = &self.to_hash {
            let _ = tx.send(block.clone());
        }
        self.block = block;
        if n < want {
            self.end();
        }
        Ok(true)
    }

    /// No more blocks. At the length the file had when opened, a byte more means it grew.
    fn end(&mut self) {
        if !self.ended && self.left == 0 {
            let mut probe = [0u8; 1];
            self.grew = matches!(self.file.read(&mut probe), Ok(1..));
        }
        self.ended = true;
        self.to_hash = None;
    }
}

impl Read for Feed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Feed<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.block.len() && !self.ended {
            self.next_block()?;
        }
        Ok(&self.block[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.block.len());
    }
}

/// Fills `buf` unless the file ends first; returns the bytes read.
fn read_full(src: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct Seen(RefCell<Vec<u64>>);

    impl Progress for Seen {
        fn read(&self, _: &Path, done: u64, _: u64) {
            self.0.borrow_mut().push(done);
        }
    }

    #[test]
    fn the_sha256_covers_every_byte_whatever_the_parser_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        for stop_after in [0usize, 10, 1_500_000, 4_000_000] {
            let seen = Seen(RefCell::new(Vec::new()));
            let (got, sha) = read(&path, &seen, |r| {
                let mut v = Vec::new();
                let _ = r.take(stop_after as u64).read_to_end(&mut v);
                v
            })
            .unwrap();
            assert_eq!(got, &data[..stop_after.min(data.len())]);
            assert_eq!(sha, crate::sha256::of(&data));
            assert_eq!(*seen.0.borrow(), [1 << 20, 2 << 20, 3_000_000]);
        }
    }

    #[test]
    fn an_empty_file_reads_as_no_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        std::fs::write(&path, b"").unwrap();
        let (n, sha) = read(&path, &Quiet, |r| r.fill_buf().unwrap().len()).unwrap();
        assert_eq!(n, 0);
        assert_eq!(sha, crate::sha256::of(b""));
    }

    #[test]
    fn a_file_that_grows_while_read_is_read_to_its_length_then_fails() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("growing");
        std::fs::write(&path, vec![b'a'; 3 << 20]).unwrap();
        let mut seen = 0;
        let err = read(&path, &Quiet, |r| {
            // Appended after the open, before the reading is done.
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            io::Write::write_all(&mut f, b"more").unwrap();
            while let Ok(b) = r.fill_buf() {
                if b.is_empty() {
                    break;
                }
                seen += b.len();
                let n = b.len();
                r.consume(n);
            }
        })
        .unwrap_err();
        assert_eq!(seen, 3 << 20);
        assert!(
            err.ends_with("the file changed while it was being read"),
            "{err}"
        );
    }

    #[test]
    fn a_file_cut_short_while_read_fails() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shrinking");
        std::fs::write(&path, vec![b'a'; 3 << 20]).unwrap();
        let err = read(&path, &Quiet, |r| {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(1000)
                .unwrap();
            let _ = io::copy(r, &mut io::sink());
        })
        .unwrap_err();
        assert!(
            err.ends_with("the file changed while it was being read"),
            "{err}"
        );
    }

    #[test]
    fn what_is_not_a_regular_file_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(dir.path(), &Quiet, |_| ()).unwrap_err();
        assert!(err.ends_with(": not a regular file"), "{err}");
        let err = read(&dir.path().join("none"), &Quiet, |_| ()).unwrap_err();
        assert!(err.ends_with(": no such file"), "{err}");
    }
}
