//! Every file in sample-configurations/ is accepted by `proftpd -t`.
//!
//! The samples are the living examples of what the daemon parses
//! (ARCHITECTURE §1), so a directive the daemon does not implement must not
//! appear in them outside `<IfModule>`.  Each file is checked as it is, by
//! absolute path, with the environment variables the samples document.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(REPO).join("sample-configurations");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("sample-configurations/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    files
}

/// Runs `<bin> -t -c <conf> [extra]` with the samples' variables set.
fn syntax_check_with(bin: &Path, conf: &Path, extra: &[&str]) -> (bool, String) {
    let tmp = tempfile::tempdir().expect("tempdir");
    // authuserfile.conf: the user and group files must exist.
    let auth = tmp.path().join("auth");
    fs::create_dir(&auth).unwrap();
    write_auth_user_file(
        &auth.join("ftpd.passwd"),
        &[AuthUser::new("alice", "demo").home(tmp.path().join("alice"))],
        tmp.path(),
    );
    write_auth_group_file(&auth.join("ftpd.group"), &[("alice", 65534, &["alice"])]);
    // quickstart.conf: what quickstart.sh would export.
    let qs = tmp.path().join("quickstart");
    fs::create_dir(&qs).unwrap();
    fs::copy(auth.join("ftpd.passwd"), qs.join("ftpd.passwd")).unwrap();
    fs::copy(auth.join("ftpd.group"), qs.join("ftpd.group")).unwrap();
    let (user, group) = if is_root() {
        ("nobody".to_string(), "nogroup".to_string())
    } else {
        let name = |flag: &str| {
            let out = Command::new("id").arg(flag).output().expect("id");
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        (name("-un"), name("-gn"))
    };

    let out = Command::new(bin)
        .arg("-t")
        .arg("-c")
        .arg(conf)
        .args(extra)
        .env("PROFTPD_AUTH_DIR", &auth)
        .env("PROFTPD_QUICKSTART_DIR", &qs)
        .env("PROFTPD_QUICKSTART_PORT", "2121")
        .env("PROFTPD_QUICKSTART_USER", user)
        .env("PROFTPD_QUICKSTART_GROUP", group)
        .output()
        .expect("running proftpd -t");
    let text = format!(
        "{}: exit {}\n--- stdout ---\n{}--- stderr ---\n{}",
        conf.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ok = out.status.success()
        && String::from_utf8_lossy(&out.stdout).contains("Checking syntax of configuration file");
    (ok, text)
}

fn syntax_check(conf: &Path, extra: &[&str]) -> (bool, String) {
    syntax_check_with(&proftpd_bin(), conf, extra)
}

#[test]
fn the_expected_samples_are_there() {
    let names: Vec<String> = samples()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in [
        "anonymous.conf",
        "authuserfile.conf",
        "basic.conf",
        "inetd.conf",
        "quickstart.conf",
        "virtual.conf",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "missing {want} in {names:?}"
        );
    }
}

#[test]
fn every_sample_passes_the_syntax_check() {
    let mut failed = Vec::new();
    for conf in samples() {
        let (ok, text) = syntax_check(&conf, &[]);
        println!("{text}");
        if !ok {
            failed.push(text);
        }
    }
    assert!(
        failed.is_empty(),
        "rejected samples:\n{}",
        failed.join("\n")
    );
}

#[test]
fn quickstart_passes_as_root_too() {
    // `-D ROOT` switches on the block quickstart.sh selects under root.
    let conf = Path::new(REPO).join("sample-configurations/quickstart.conf");
    let (ok, text) = syntax_check(&conf, &["-D", "ROOT"]);
    assert!(ok, "{text}");
}

/// Drop-in in the other direction: the samples are ProFTPD configs too, so
/// Debian's ProFTPD (proftpd-basic) accepts them when it is installed.
#[test]
fn every_sample_passes_proftpd_1_3_too() {
    // Debian's build opens /run/proftpd.delay (mod_delay) and its Controls
    // socket even for -t, which an ordinary user cannot.
    skip_if_not_root!("Debian's ProFTPD -t opens files under /run");
    let real = Path::new("/usr/sbin/proftpd");
    if !real.exists() {
        eprintln!("SKIPPED every_sample_passes_proftpd_1_3_too: /usr/sbin/proftpd not installed");
        return;
    }
    let mut failed = Vec::new();
    for conf in samples() {
        let (ok, text) = syntax_check_with(real, &conf, &[]);
        if !ok {
            failed.push(text);
        }
    }
    assert!(failed.is_empty(), "ProFTPD rejects:\n{}", failed.join("\n"));
}
