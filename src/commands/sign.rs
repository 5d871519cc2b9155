//! Signing an approval by running `ssh-keygen -Y sign`, so that whatever signs git commits on the
//! approver's machine signs here too: an agent, a passphrase, a hardware security key.
//! Verifying needs no `ssh-keygen` (see [`relcheck::sshsig`]).

use relcheck::sshsig::NAMESPACE;
use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Signs `message` (the manifest's sha256 as 64 lower-case hex characters) with `key` and
/// returns the armored signature exactly as `ssh-keygen -Y sign -f KEY -n relcheck-approval`
/// writes it.
///
/// `key` is a private key file, or a public key (`.pub`) whose private half is in the running
/// `ssh-agent` (`SSH_AUTH_SOCK`); without an agent ssh-keygen looks for the private key beside
/// the `.pub`. The message goes to ssh-keygen's stdin, so a passphrase is asked on the
/// terminal (`/dev/tty`), as ssh-keygen does for any stdin that is not a terminal; when the
/// user has set neither `SSH_ASKPASS` nor `SSH_ASKPASS_REQUIRE`, relcheck sets
/// `SSH_ASKPASS_REQUIRE=never` for it, so that a `DISPLAY` without an askpass program does not
/// make ssh-keygen try one and fail. Without a terminal a key with a passphrase cannot be used
/// (use the agent). ssh-keygen's own messages (such as a security key's "Confirm user
/// presence") are captured: the caller should say beforehand that a passphrase or a touch
/// may be asked. Errors are one line; they name the key's path, never its contents.
pub fn sign(key: &Path, message: &[u8]) -> Result<String, String> {
    // ssh-keygen's word for a missing file is a confusing "Couldn't load public key".
    if let Err(e) = std::fs::metadata(key) {
        return Err(match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("cannot sign: there is no key file at {}", key.display())
            }
            _ => format!(
                "cannot sign: cannot read the key file {}: {e}",
                key.display()
            ),
        });
    }
    run(command(OsStr::new("ssh-keygen"), key), key, message)
}

fn command(program: &OsStr, key: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(["-Y", "sign", "-f"])
        .arg(key)
        .args(["-n", NAMESPACE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if std::env::var_os("SSH_ASKPASS").is_none()
        && std::env::var_os("SSH_ASKPASS_REQUIRE").is_none()
    {
        cmd.env("SSH_ASKPASS_REQUIRE", "never");
    }
    cmd
}

fn run(mut cmd: Command, key: &Path, message: &[u8]) -> Result<String, String> {
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "cannot sign: ssh-keygen is not installed or not on PATH \
             (it comes with OpenSSH: e.g. apt-get install openssh-client)"
            .to_string(),
        _ => format!("cannot sign: cannot run ssh-keygen: {e}"),
    })?;
    // A failing ssh-keygen may exit before reading: its own error then says more than the
    // broken pipe, so the write's result counts only when ssh-keygen succeeded.
    let written = child.stdin.take().map(|mut stdin| stdin.write_all(message));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("cannot sign: ssh-keygen did not finish: {e}"))?;
    let key_shown = key.display();
    if !out.status.success() {
        let said = said(&out.stderr);
        let why = if said.is_empty() {
            out.status.to_string()
        } else {
            said
        };
        return Err(format!("ssh-keygen could not sign with {key_shown}: {why}"));
    }
    if let Some(Err(e)) = written {
        return Err(format!(
            "ssh-keygen could not sign with {key_shown}: cannot pass it the message: {e}"
        ));
    }
    match String::from_utf8(out.stdout) {
        Ok(text)
            if text
                .trim_start()
                .starts_with("-----BEGIN SSH SIGNATURE-----") =>
        {
            Ok(text)
        }
        _ => Err(format!(
            "ssh-keygen did not write a signature for {key_shown} (is it OpenSSH 8.2 or later?)"
        )),
    }
}

/// ssh-keygen's stderr as one line, without the notice it prints for every signing of stdin.
fn said(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_control())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty() && l != "Signing data on standard input")
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use relcheck::sshsig::{self, AllowedSigners};
    use std::path::PathBuf;
    use std::process::Output;

    /// The manifest sha256 an approval signs.
    const MESSAGE: &str = "3f7a0c52e1d94b8e6a2f1c0d9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a3f2e1d0c9";

    /// Runs ssh-keygen for a test; a machine without it fails the test, saying what to install.
    fn ssh_keygen(args: &[&OsStr], stdin: Option<&[u8]>) -> Output {
        let mut cmd = Command::new("ssh-keygen");
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!("these tests need ssh-keygen (apt-get install openssh-client): {e}")
        });
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(stdin.unwrap_or_default()).unwrap();
        drop(pipe);
        child.wait_with_output().unwrap()
    }

    fn os(s: &str) -> &OsStr {
        OsStr::new(s)
    }

    /// A fresh key without a passphrase, made by ssh-keygen in `dir`.
    fn new_key(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
        let path = dir.join(name);
        let mut all = vec![os("-q"), os("-N"), os(""), os("-C"), os(name), os("-f")];
        all.push(path.as_os_str());
        all.extend(args.iter().map(|a| os(a)));
        let out = ssh_keygen(&all, None);
        assert!(out.status.success(), "{out:?}");
        path
    }

    fn public_key(key: &Path) -> String {
        let text = std::fs::read_to_string(key.with_extension("pub")).unwrap();
        text.split(' ').take(2).collect::<Vec<_>>().join(" ")
    }

    /// ssh-keygen's own fingerprint of a key.
    fn fingerprint(key: &Path) -> String {
        let out = ssh_keygen(
            &[os("-l"), os("-f"), key.with_extension("pub").as_os_str()],
            None,
        );
        let text = String::from_utf8(out.stdout).unwrap();
        text.split(' ').nth(1).unwrap().to_string()
    }

    /// `ssh-keygen -Y verify` of `sig` for `principal` under `allowed_signers`.
    fn openssh_verifies(dir: &Path, allowed: &str, principal: &str, sig: &str) -> bool {
        let signers = dir.join("allowed_signers");
        std::fs::write(&signers, allowed).unwrap();
        let sig_path = dir.join("approval.sig");
        std::fs::write(&sig_path, sig).unwrap();
        let out = ssh_keygen(
            &[
                os("-Y"),
                os("verify"),
                os("-f"),
                signers.as_os_str(),
                os("-I"),
                os(principal),
                os("-n"),
                os(NAMESPACE),
                os("-s"),
                sig_path.as_os_str(),
            ],
            Some(MESSAGE.as_bytes()),
        );
        out.status.success()
    }

    fn now() -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339("2026-11-27T23:00:00+09:00").unwrap()
    }

    #[test]
    fn a_signature_made_by_sign_verifies_with_ssh_keygen_and_in_relcheck() {
        let dir = tempfile::tempdir().unwrap();
        for (name, args) in [
            ("ed25519", &["-t", "ed25519"][..]),
            ("ecdsa", &["-t", "ecdsa", "-b", "256"][..]),
            ("rsa", &["-t", "rsa", "-b", "3072"][..]),
        ] {
            let key = new_key(dir.path(), name, args);
            let sig = sign(&key, MESSAGE.as_bytes()).unwrap();
            assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"), "{sig}");
            assert!(sig.ends_with("-----END SSH SIGNATURE-----\n"), "{sig}");

            let allowed = format!("minho {}\n", public_key(&key));
            assert!(
                openssh_verifies(dir.path(), &allowed, "minho", &sig),
                "{name}: ssh-keygen -Y verify refused it"
            );
            assert!(
                !openssh_verifies(dir.path(), &allowed, "hana", &sig),
                "{name}: ssh-keygen -Y verify took it for hana"
            );

            let signers = AllowedSigners::parse("allowed_signers", &allowed).unwrap();
            let info = sshsig::verify(&signers, "minho", MESSAGE.as_bytes(), &sig, now())
                .unwrap_or_else(|r| panic!("{name}: {r}"));
            assert_eq!(info.fingerprint, fingerprint(&key), "{name}");
            assert_eq!(info.line, 1);
            let other = sshsig::verify(&signers, "minho", &MESSAGE.as_bytes()[1..], &sig, now());
            assert_eq!(other.map_err(|r| r.code()), Err("does-not-match"));
        }
    }

    #[test]
    fn a_public_key_signs_through_the_agent_holding_its_private_half() {
        let dir = tempfile::tempdir().unwrap();
        let key = new_key(dir.path(), "agent-key", &["-t", "ed25519"]);
        let socket = dir.path().join("agent.sock");
        let mut agent = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("these tests need ssh-agent (apt-get install openssh-client)");
        for _ in 0..100 {
            if socket.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let added = Command::new("ssh-add")
            .arg("-q")
            .arg(&key)
            .env("SSH_AUTH_SOCK", &socket)
            .output()
            .expect("these tests need ssh-add (apt-get install openssh-client)");
        assert!(added.status.success(), "{added:?}");
        std::fs::remove_file(&key).unwrap();
        let public = key.with_extension("pub");

        let mut with_agent = command(os("ssh-keygen"), &public);
        with_agent.env("SSH_AUTH_SOCK", &socket);
        let signed = run(with_agent, &public, MESSAGE.as_bytes());

        let mut without = command(os("ssh-keygen"), &public);
        without.env_remove("SSH_AUTH_SOCK");
        let refused = run(without, &public, MESSAGE.as_bytes());

        agent.kill().unwrap();
        agent.wait().unwrap();

        let sig = signed.unwrap();
        let allowed = format!("minho {}\n", public_key(&key));
        assert!(openssh_verifies(dir.path(), &allowed, "minho", &sig));
        let e = refused.unwrap_err();
        assert!(
            e.starts_with(&format!(
                "ssh-keygen could not sign with {}: ",
                public.display()
            )),
            "{e}"
        );
        assert!(e.contains("No private key found"), "{e}");
    }

    #[test]
    fn a_missing_ssh_keygen_is_one_clear_line() {
        let e = run(
            command(os("relcheck-test-no-such-ssh-keygen"), Path::new("k")),
            Path::new("k"),
            MESSAGE.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "cannot sign: ssh-keygen is not installed or not on PATH (it comes with OpenSSH: \
             e.g. apt-get install openssh-client)"
        );
    }

    #[test]
    fn a_missing_key_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("no-such-key");
        assert_eq!(
            sign(&key, MESSAGE.as_bytes()),
            Err(format!(
                "cannot sign: there is no key file at {}",
                key.display()
            ))
        );
    }

    #[test]
    fn ssh_keygens_complaint_is_kept_on_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("no-such-key");
        let e = run(command(os("ssh-keygen"), &key), &key, MESSAGE.as_bytes()).unwrap_err();
        let start = format!("ssh-keygen could not sign with {}: ", key.display());
        assert!(e.starts_with(&start), "{e}");
        // ssh-keygen's own words follow, without its notice about stdin
        assert!(e.len() > start.len(), "{e}");
        assert!(!e.contains('\n') && !e.contains("Signing data"), "{e}");
    }

    #[test]
    fn a_file_that_is_not_a_key_fails_without_showing_its_contents() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("notes.txt");
        std::fs::write(&key, "TOP-SECRET-CONTENT 1234\n").unwrap();
        let e = sign(&key, MESSAGE.as_bytes()).unwrap_err();
        assert!(e.starts_with("ssh-keygen could not sign with "), "{e}");
        assert!(!e.contains("TOP-SECRET"), "{e}");
    }

    #[test]
    fn a_key_with_a_passphrase_and_no_terminal_fails_instead_of_waiting() {
        use std::os::unix::process::CommandExt;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("locked");
        let out = ssh_keygen(
            &[
                os("-q"),
                os("-t"),
                os("ed25519"),
                os("-N"),
                os("correct horse"),
                os("-f"),
                key.as_os_str(),
            ],
            None,
        );
        assert!(out.status.success(), "{out:?}");
        let mut cmd = command(os("ssh-keygen"), &key);
        cmd.env_remove("SSH_AUTH_SOCK");
        // No controlling terminal, as in CI: ssh-keygen has nowhere to ask.
        // SAFETY: setsid is async-signal-safe and touches nothing of the parent.
        unsafe {
            cmd.pre_exec(|| {
                nix::unistd::setsid().map_err(std::io::Error::from)?;
                Ok(())
            });
        }
        let e = run(cmd, &key, MESSAGE.as_bytes()).unwrap_err();
        assert!(e.contains("passphrase"), "{e}");
        assert!(!e.contains("correct horse"), "{e}");
    }

    const PASSPHRASE: &str = "correct horse";

    /// Signs with the key in `RELCHECK_TEST_SIGN_KEY` into `RELCHECK_TEST_SIGN_OUT`; run only by
    /// `a_passphrase_is_asked_on_the_terminal`, inside the terminal that test makes.
    #[test]
    #[ignore = "run by a_passphrase_is_asked_on_the_terminal inside a pseudo-terminal"]
    fn sign_inside_a_terminal() {
        let key = std::env::var_os("RELCHECK_TEST_SIGN_KEY").expect("RELCHECK_TEST_SIGN_KEY");
        let out = std::env::var_os("RELCHECK_TEST_SIGN_OUT").expect("RELCHECK_TEST_SIGN_OUT");
        let sig = sign(Path::new(&key), MESSAGE.as_bytes()).unwrap();
        std::fs::write(out, sig).unwrap();
    }

    #[test]
    fn a_passphrase_is_asked_on_the_terminal() {
        use expectrl::session::OsSession as Session;
        use expectrl::Expect;
        use nix::sys::wait::WaitStatus;

        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("locked");
        let made = ssh_keygen(
            &[
                os("-q"),
                os("-t"),
                os("ed25519"),
                os("-N"),
                os(PASSPHRASE),
                os("-f"),
                key.as_os_str(),
            ],
            None,
        );
        assert!(made.status.success(), "{made:?}");
        let out = dir.path().join("approval.sig");

        // This test binary again, running only sign_inside_a_terminal, with a pseudo-terminal
        // as its controlling terminal. A DISPLAY without an askpass program must not matter.
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "--exact",
            "commands::sign::tests::sign_inside_a_terminal",
            "--ignored",
            "--test-threads=1",
        ])
        .env("RELCHECK_TEST_SIGN_KEY", &key)
        .env("RELCHECK_TEST_SIGN_OUT", &out)
        .env("DISPLAY", ":97")
        .env_remove("SSH_ASKPASS")
        .env_remove("SSH_ASKPASS_REQUIRE")
        .env_remove("SSH_AUTH_SOCK");
        let mut session = Session::spawn(cmd).unwrap();
        session.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
        session.expect("Enter passphrase").unwrap();
        session.send_line(PASSPHRASE).unwrap();
        session.expect(expectrl::Eof).unwrap();
        match session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, 0) => {}
            other => panic!("signing inside the terminal failed: {other:?}"),
        }

        let sig = std::fs::read_to_string(&out).unwrap();
        let allowed = format!("minho {}\n", public_key(&key));
        assert!(openssh_verifies(dir.path(), &allowed, "minho", &sig));
    }
}
