//! Writing files so that nothing is ever half-written: the answers file after every answer,
//! and sign-offs. Each write goes to a temporary file in the same folder, is flushed and
//! synced, then renamed over the target — a `kill -9` at any moment leaves either the old
//! file or the new one.

use crate::error::InputError;
use std::io::Write;
use std::path::Path;

/// Replaces `path` with `bytes` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), InputError> {
    let shown = path.display().to_string();
    let fail =
        |what: &str, e: std::io::Error| InputError::new(&shown, format!("cannot {what}: {e}"));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| fail("create its folder", e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(
            ".{}.",
            path.file_name()
                .map_or("relcheck".into(), |n| n.to_string_lossy())
        ))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail("write", e))?;
    tmp.write_all(bytes).map_err(|e| fail("write", e))?;
    tmp.as_file().sync_all().map_err(|e| fail("sync", e))?;
    tmp.persist(path).map_err(|e| fail("replace", e.error))?;
    // The rename itself must reach the disk too.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Reads `path` (`None` when it does not exist), lets `change` make the new text from it, and
/// writes that atomically.
pub fn update_locked(
    path: &Path,
    change: impl FnOnce(Option<&str>) -> Result<String, InputError>,
) -> Result<(), InputError> {
    let shown = path.display().to_string();
    let current = match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(InputError::new(&shown, format!("cannot read: {e}"))),
    };
    let next = change(current.as_deref())?;
    write_atomic(path, next.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
