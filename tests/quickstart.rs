//! `make run`, hermetically: sample-configurations/quickstart.sh serves
//! quickstart.conf from a temporary state directory on an ephemeral port,
//! and tests/acceptance/ftplib_demo.py (Python's ftplib) logs in as demo and
//! checks every reply of PWD, MKD, CWD, RNFR/RNTO, RMD and QUIT.
//!
//! As root the script adds `-D ROOT` (DefaultRoot ~), so PWD is `/`; as an
//! ordinary user the session is not jailed and PWD is the demo home.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn python3() -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then_some("python3")
}

fn start_quickstart() -> (TestServer, std::path::PathBuf) {
    let b = TestServer::builder();
    let state = b.dir().join("quickstart");
    let script = Path::new(REPO).join("sample-configurations/quickstart.sh");
    let conf = Path::new(REPO).join("sample-configurations/quickstart.conf");
    let bin = proftpd_bin();
    let srv = b
        .command(
            "sh",
            &[script.as_os_str(), bin.as_os_str(), OsStr::new("-q")],
            conf,
        )
        .env("PROFTPD_QUICKSTART_DIR", &state)
        .env("PROFTPD_QUICKSTART_PORT", "0")
        .start();
    (srv, state)
}

#[test]
fn quickstart_serves_demo_to_ftplib() {
    let Some(python) = python3() else {
        eprintln!("SKIPPED quickstart_serves_demo_to_ftplib: python3 not installed");
        return;
    };
    let (srv, state) = start_quickstart();
    let home = fs::canonicalize(state.join("home/demo")).expect("demo home");
    let expect_pwd = if is_root() {
        "/".to_string()
    } else {
        home.display().to_string()
    };
    let out = Command::new(python)
        .arg(Path::new(REPO).join("tests/acceptance/ftplib_demo.py"))
        .args(["--port", &srv.addr().port().to_string()])
        .args(["--expect-pwd", &expect_pwd])
        .output()
        .expect("running ftplib_demo.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    assert!(
        out.status.success(),
        "ftplib_demo.py failed:\n{stdout}{stderr}\n{}",
        srv.diagnostics()
    );
}

#[test]
fn quickstart_raw_login_bytes() {
    let (srv, _state) = start_quickstart();
    let mut c = srv.connect();
    assert_eq!(
        c.banner(),
        "220 ProFTPD Server (proftpd-rs quickstart) [127.0.0.1]\r\n"
    );
    c.login("demo", "demo");
    assert_eq!(c.cmd("QUIT"), "221 Goodbye.\r\n");
}

#[test]
fn quickstart_rejects_a_wrong_password() {
    let (srv, _state) = start_quickstart();
    let mut c = srv.connect();
    c.banner();
    assert_eq!(c.cmd("USER demo"), "331 Password required for demo\r\n");
    assert_eq!(c.cmd("PASS nope"), "530 Login incorrect.\r\n");
}

#[test]
fn quickstart_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_srv, state) = start_quickstart();
    for f in ["ftpd.passwd", "ftpd.group"] {
        let mode = fs::metadata(state.join(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{f} mode");
    }
    let passwd = fs::read_to_string(state.join("ftpd.passwd")).unwrap();
    assert!(passwd.starts_with("demo:$6$"), "{passwd}");
}
