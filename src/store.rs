//! Writing files so that nothing is ever half-written, overwritten by surprise, or lost to a
//! second writer: the answers file after every answer, approvals, sign-offs.
//!
//! Each write goes to a temporary file in the same folder (`.<name>.XXXXXX.tmp`), is flushed
//! and synced, then renamed over the target, so a `kill -9` at any moment leaves either the
//! old file or the new one. A new file gets the mode the user's umask gives; a rewritten file
//! keeps its own; a symlink is followed and its target replaced, the link kept.
//!
//! Files that more than one process may change (answers, approvals) are changed with
//! [`update_locked`]: the current file is read, changed and written under an advisory lock on
//! `<name>.lock` beside it, so two writers never lose each other's entries.

use crate::error::InputError;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a writer waits for another one to let go of the lock before it gives up.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Temporary files of our own naming older than this are left over from a killed writer.
const STALE_TMP: Duration = Duration::from_secs(5 * 60);

/// Replaces `path` with `bytes` atomically (see the module docs).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), InputError> {
    let target = resolve_links(path).map_err(|e| io_error(path, "resolve", e))?;
    write_to(path, &target, bytes, true)
}

/// Writes a file that must not replace an existing one unless `force`: an existing `path`
/// without `force` is an error (`--force` named) and nothing is written. The check and the
/// write are one step (the rename refuses to replace), so a file that appears meanwhile is
/// not overwritten either.
pub fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<(), InputError> {
    if force {
        return write_atomic(path, bytes);
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    write_to(path, path, bytes, false)
}

fn exists(path: &Path) -> InputError {
    InputError::new(
        path.display().to_string(),
        "the file exists; pass --force to replace it",
    )
}

/// Reads the current text of `path` (`None` when there is none), lets `change` make the new
/// text from it, and writes that atomically, all under the lock on `<path>.lock`. A second
/// process waits up to [`LOCK_WAIT`] for the lock, then fails naming who holds it.
pub fn update_locked<E: From<InputError>>(
    path: &Path,
    change: impl FnOnce(Option<&str>) -> Result<String, E>,
) -> Result<(), E> {
    update_locked_with(path, |current| change(current).map(|text| (Some(text), ())))
}

/// [`update_locked`] for a change that may leave the file as it is (`None` as the new text)
/// and that hands something back to its caller.
pub fn update_locked_with<T, E: From<InputError>>(
    path: &Path,
    change: impl FnOnce(Option<&str>) -> Result<(Option<String>, T), E>,
) -> Result<T, E> {
    locked(path, LOCK_WAIT, change)
}

fn locked<T, E: From<InputError>>(
    path: &Path,
    wait: Duration,
    change: impl FnOnce(Option<&str>) -> Result<(Option<String>, T), E>,
) -> Result<T, E> {
    let target = resolve_links(path).map_err(|e| io_error(path, "resolve", e))?;
    let _lock = Lock::acquire(&target, wait)?;
    let current = read(&target)?;
    let (new, out) = change(current.as_deref())?;
    if let Some(text) = new {
        if current.as_deref() != Some(text.as_str()) {
            write_to(path, &target, text.as_bytes(), true)?;
        }
    }
    Ok(out)
}

/// The text of `target` as it is now; `None` when there is no such file. (A file written
/// here is never seen half-written: each write is a rename.)
pub fn read(target: &Path) -> Result<Option<String>, InputError> {
    match std::fs::read(target) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            InputError::new(target.display().to_string(), "the file is not valid UTF-8")
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(target, "read", e)),
    }
}

/// An advisory lock on `<target>.lock`, released when dropped. The holder writes who it is
/// into the file, so a process that cannot get the lock can say who has it.
struct Lock {
    _file: File,
}

impl Lock {
    fn acquire(target: &Path, wait: Duration) -> Result<Lock, InputError> {
        let path = lock_path(target);
        std::fs::create_dir_all(folder(target))
            .map_err(|e| io_error(target, "create its folder", e))?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io_error(&path, "open the lock file", e))?;
        let started = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = crate::report::escape::terminal(holder.trim());
                    let holder = if holder.is_empty() {
                        "another process".to_string()
                    } else {
                        holder
                    };
                    return Err(InputError::new(
                        target.display().to_string(),
                        format!(
                            "is being changed by {holder} (lock {}); try again when it is done",
                            path.display()
                        ),
                    ));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(io_error(&path, "lock", e));
                }
            }
        }
        // Who holds it, for whoever waits; a failure here does not matter to the lock.
        let me = format!(
            "pid {} ({}@{})",
            std::process::id(),
            std::env::var("USER")
                .or_else(|_| std::env::var("LOGNAME"))
                .unwrap_or_else(|_| "?".into()),
            hostname()
        );
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = file.write_all(me.as_bytes());
        Ok(Lock { _file: file })
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "?".into())
}

/// `release.answers.toml` → `release.answers.toml.lock`, beside it.
pub fn lock_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    target.with_file_name(name)
}

/// Follows symlinks to the file they finally name (which need not exist yet).
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

fn folder(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `target` (the file `shown` names, symlinks followed) through a
/// temporary file in its folder; `replace` false refuses an existing target.
fn write_to(shown: &Path, target: &Path, bytes: &[u8], replace: bool) -> Result<(), InputError> {
    let fail = |what: &str, e: std::io::Error| io_error(shown, what, e);
    let dir = folder(target);
    std::fs::create_dir_all(dir).map_err(|e| fail("create its folder", e))?;
    let name = target
        .file_name()
        .map_or("relcheck".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // Created with 0666 less the umask, like any new file the user makes.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| fail("write", e))?;
    if let Ok(old) = std::fs::metadata(target) {
        // A rewritten file keeps its own mode.
        tmp.as_file()
            .set_permissions(old.permissions())
            .map_err(|e| fail("set the mode of", e))?;
    }
    tmp.write_all(bytes).map_err(|e| fail("write", e))?;
    tmp.as_file().sync_all().map_err(|e| fail("sync", e))?;
    if replace {
        tmp.persist(target).map_err(|e| fail("replace", e.error))?;
    } else {
        tmp.persist_noclobber(target).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                exists(shown)
            } else {
                fail("write", e.error)
            }
        })?;
    }
    // The rename itself must reach the disk too.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    remove_stale_temporaries(dir, &name, SystemTime::now());
    Ok(())
}

/// Removes `.<name>.XXXXXX.tmp` files (our naming: six letters or digits) older than a few
/// minutes: what a writer killed between creating and renaming its temporary file leaves.
fn remove_stale_temporaries(dir: &Path, name: &str, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(f) = file_name.to_str() else {
            continue;
        };
        let Some(middle) = f
            .strip_prefix(prefix.as_str())
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        if middle.len() != 6 || !middle.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TMP);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> InputError {
    InputError::new(path.display().to_string(), format!("cannot {what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("release.answers.toml");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_folders_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("signoffs/2026-11-25-release.md");
        write_atomic(&p, b"x").unwrap();
        assert!(p.is_file());
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_umask_mode_and_a_rewritten_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        // What the umask gives a new file here, whatever the umask is.
        let probe = dir.path().join("probe");
        File::create(&probe).unwrap();
        let p = dir.path().join("signoff.md");
        write_atomic(&p, b"one").unwrap();
        assert_eq!(mode(&p), mode(&probe));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(mode(&p), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_symlink_and_its_target_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("shared")).unwrap();
        let target = dir.path().join("shared/answers.toml");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("release.answers.toml");
        std::os::unix::fs::symlink("shared/answers.toml", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        update_locked::<InputError>(&link, |cur| Ok(format!("{}+", cur.unwrap()))).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new+");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_new_file_never_replaces_an_existing_one_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("release.toml");
        std::fs::write(&p, "[release]").unwrap();
        let e = write_new(&p, b"# sign-off", false).unwrap_err();
        assert!(e.message.contains("--force"), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"[release]");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_new(&p, b"# sign-off", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"# sign-off");
        let fresh = dir.path().join("new.md");
        write_new(&fresh, b"x", false).unwrap();
        assert_eq!(std::fs::read(&fresh).unwrap(), b"x");
    }

    #[test]
    fn an_update_reads_the_file_as_it_is_now() {
        let dir = tempfile::tempdir().unwrap();
        // In a folder that does not exist yet: made for the lock and the file.
        let p = dir.path().join("new/a.toml");
        update_locked::<InputError>(&p, |cur| {
            assert_eq!(cur, None);
            Ok("a\n".into())
        })
        .unwrap();
        // Someone else writes between two updates; the next update starts from their text.
        std::fs::write(&p, "a\nb\n").unwrap();
        update_locked::<InputError>(&p, |cur| Ok(format!("{}c\n", cur.unwrap()))).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a\nb\nc\n");
    }

    #[test]
    fn a_second_writer_waits_then_names_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("release.answers.toml");
        std::fs::write(&p, "before").unwrap();
        let held = Lock::acquire(&p, Duration::ZERO).unwrap();
        let e = locked::<(), InputError>(&p, Duration::from_millis(200), |_| {
            Ok((Some("after".into()), ()))
        })
        .unwrap_err();
        assert!(
            e.message
                .contains(&format!("is being changed by pid {}", std::process::id())),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "before");
        drop(held);
        locked::<(), InputError>(&p, Duration::ZERO, |_| Ok((Some("after".into()), ()))).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "after");
    }

    #[test]
    fn stale_temporaries_of_our_naming_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            ".release.answers.toml.a1B2c3.tmp",
            ".release.answers.toml.young1.tmp",
            ".release.answers.toml.notours.tmp",
            ".other.toml.a1B2c3.tmp",
            "release.answers.toml.a1B2c3.tmp",
        ];
        for n in names {
            std::fs::write(dir.path().join(n), "x").unwrap();
        }
        let old = SystemTime::now() - Duration::from_secs(3600);
        for n in names.iter().filter(|n| !n.contains("young")) {
            File::options()
                .write(true)
                .open(dir.path().join(n))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        write_atomic(&dir.path().join("release.answers.toml"), b"x").unwrap();
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".other.toml.a1B2c3.tmp",
                ".release.answers.toml.notours.tmp",
                ".release.answers.toml.young1.tmp",
                "release.answers.toml",
                "release.answers.toml.a1B2c3.tmp",
            ]
        );
    }
}
