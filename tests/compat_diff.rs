//! The control-channel diff against the real ProFTPD, as a cargo test.
//!
//! Runs `tests/compat/run.sh` (which drives `tests/compat/session_diff.py`):
//! Debian's ProFTPD 1.3.8 (`/usr/sbin/proftpd`, package proftpd-basic) and
//! this build serve the same generated config and the same scripted
//! sessions; any reply that differs, other than the normalisations and
//! known differences the script lists with their reasons, fails the test.
//!
//! Skips, saying why, when ProFTPD or python3 is not installed or when not
//! running as root (ProFTPD 1.3.8 wants root to start: it switches to its
//! `User` and writes its scoreboard).

use std::path::{Path, PathBuf};
use std::process::Command;

fn ours() -> PathBuf {
    match std::env::var_os("PROFTPD_TEST_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_proftpd")),
    }
}

#[test]
fn control_channel_matches_proftpd_1_3_8() {
    let real = std::env::var_os("PROFTPD_REAL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/proftpd"));
    if !real.exists() {
        eprintln!(
            "compat_diff: skipped: {} not installed (apt-get install proftpd-basic)",
            real.display()
        );
        return;
    }
    if !nix::unistd::geteuid().is_root() {
        eprintln!("compat_diff: skipped: needs root (ProFTPD 1.3.8 starts as root)");
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("compat_diff: skipped: python3 not installed");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat/run.sh");
    let out = Command::new("sh")
        .arg(&script)
        .env("PROFTPD_TEST_BIN", ours())
        .env("PROFTPD_REAL_BIN", &real)
        .output()
        .expect("running tests/compat/run.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "replies differ from ProFTPD 1.3.8 (exit {:?}); the DIFF lines above name \
         the session, the command and both replies",
        out.status.code()
    );
}
