//! Every `console` block of the README is a transcript: its `$ ` lines run in bash from the
//! repository's root (with `cargo run -q --` and `relcheck` both meaning the binary under
//! test), and what they print must be what the README shows. After a deliberate change to the
//! output, `RELCHECK_BLESS=1 cargo test --test readme` rewrites the blocks.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A console block: where its body sits in the README, and its commands.
struct Block {
    /// Line index of the first body line and one past the last.
    body: std::ops::Range<usize>,
    commands: Vec<String>,
}

fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() == "```console" {
            let start = i + 1;
            let mut end = start;
            while !lines[end].starts_with("```") {
                end += 1;
            }
            let commands = lines[start..end]
                .iter()
                .filter_map(|l| l.strip_prefix("$ "))
                .map(str::to_string)
                .collect();
            out.push(Block {
                body: start..end,
                commands,
            });
            i = end;
        }
        i += 1;
    }
    out
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Runs the commands as one bash session and returns the transcript: each command after
/// `$ `, then what it printed on stdout and stderr.
fn transcript(commands: &[String]) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_relcheck"));
    let mut script = String::from(
        "exec 2>&1\n\
         cargo() {\n\
           if [ \"$1\" = run ] && [ \"$2\" = -q ] && [ \"$3\" = -- ]; then shift 3; relcheck \"$@\";\n\
           else echo \"README transcript: only 'cargo run -q -- ...' is supported, got: cargo $*\"; return 99; fi\n\
         }\n",
    );
    for c in commands {
        script.push_str(&format!("printf '$ %s\\n' {}\n{c}\n", single_quoted(c)));
    }
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(root())
        .env("PATH", path)
        .env_remove("RELCHECK_NOW")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_console_block_in_the_readme_shows_what_its_commands_print() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let found = blocks(&lines);
    assert!(
        found.len() >= 3,
        "only {} console blocks found",
        found.len()
    );

    let bless = std::env::var_os("RELCHECK_BLESS").is_some();
    let mut rewritten: Vec<String> = Vec::new();
    let mut next = 0;
    let mut wrong = Vec::new();
    for b in &found {
        let want = lines[b.body.clone()].join("\n");
        let got = transcript(&b.commands);
        let got = got.trim_end_matches('\n');
        if got != want {
            wrong.push(format!(
                "README.md:{}: the block shows\n{want}\n--- but the commands print\n{got}\n",
                b.body.start + 1
            ));
        }
        rewritten.extend(lines[next..b.body.start].iter().map(|l| l.to_string()));
        rewritten.push(got.to_string());
        next = b.body.end;
    }
    rewritten.extend(lines[next..].iter().map(|l| l.to_string()));

    if bless && !wrong.is_empty() {
        std::fs::write(&path, rewritten.join("\n") + "\n").unwrap();
        return;
    }
    assert!(
        wrong.is_empty(),
        "{}\nrun `RELCHECK_BLESS=1 cargo test --test readme` to rewrite the blocks",
        wrong.join("\n")
    );
}
