//! CLI transcripts: every file in `tests/cmd/` is a command with the output users see.
//! Regenerate after an intended change with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_transcripts() {
    trycmd::TestCases::new()
        .env("COLUMNS", "120")
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", "")
        .env("CLICOLOR_FORCE", "0")
        .case("tests/cmd/*.toml")
        .case("tests/cmd/*.trycmd");
}
