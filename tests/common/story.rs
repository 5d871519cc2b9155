//! The story's releases (`examples/story`) copied into a fresh folder, for tests that write
//! answers, sign-offs or records beside a manifest.

use std::path::Path;

fn story() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/story")
}

/// One story manifest as `release.toml`, with the one evidence file it names.
#[allow(dead_code)]
pub fn release(manifest: &str, evidence: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = story();
    std::fs::copy(src.join(manifest), dir.path().join("release.toml")).unwrap();
    std::fs::create_dir(dir.path().join("evidence")).unwrap();
    std::fs::copy(
        src.join("evidence").join(evidence),
        dir.path().join("evidence").join(evidence),
    )
    .unwrap();
    dir
}

/// The whole story folder: both manifests, their answers and every evidence file.
#[allow(dead_code)]
pub fn all() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = story();
    for f in [
        "wednesday.toml",
        "wednesday.answers.toml",
        "friday.toml",
        "friday.answers.toml",
    ] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    std::fs::create_dir(dir.path().join("evidence")).unwrap();
    for e in std::fs::read_dir(src.join("evidence")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join("evidence").join(e.file_name())).unwrap();
    }
    dir
}
