//! Real FTP clients from Debian's packages against the real binary (issue 3,
//! "Acceptance"): lftp mirrors a 1,000-file tree up and back down in passive
//! and active mode, curl uploads, resumes and downloads in binary and ASCII,
//! wget fetches a tree recursively, and Python's ftplib runs
//! tests/acceptance/ftplib_transfers.py.  (Perl's Net::FTP has its own file,
//! perl-tests/t/clients/net_ftp.t.)
//!
//! Every client runs non-interactively, with its own retry and timeout
//! settings bounded, under a wall-clock limit: on overrun its process group
//! is killed and the test fails with what it printed.  A client that is not
//! installed makes its test print `SKIPPED <test>: <binary> not installed`
//! and pass; CI installs them all through .ci/run.
//!
//! The tests hold only what both daemons do: they pass against ProFTPD 1.3.8
//! (`PROFTPD_TEST_BIN=$PWD/tests/compat/proftpd-1.3-shim cargo test
//! --release --test clients`).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::*;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The one user every test logs in as.
const USER: &str = "demo";
const PASS: &str = "demo";

/// The server every test runs: users from an AuthUserFile, overwrites and
/// resumed uploads allowed (curl and lftp overwrite; `curl -C -` resumes),
/// and the transfer log kept inside the test directory.  `@NAME@` becomes a
/// ServerName unique to the server (see [`server`]).
const CONFIG: &str = "\
ServerName \"@NAME@\"
AuthOrder mod_auth_file.c
AuthUserFile {dir}/ftpd.passwd
AuthGroupFile {dir}/ftpd.group
RequireValidShell off
AllowOverwrite on
AllowStoreRestart on
TransferLog {dir}/xferlog
";

/// How many times [`server`] starts a server that did not come up as itself.
const START_ATTEMPTS: usize = 3;

/// Wall-clock budget of one lftp run over the whole 1,000-file tree.
const MIRROR_LIMIT: Duration = Duration::from_secs(40);
/// Wall-clock budget of one curl or wget run, or the ftplib script.
const CLIENT_LIMIT: Duration = Duration::from_secs(20);
/// How many files the lftp tree holds (the issue's number).
const TREE_FILES: usize = 1000;

// ---------------------------------------------------------------------------
// Running clients

/// Returns early from a test whose client binary is missing.
macro_rules! require_client {
    ($bin:expr) => {
        match find_in_path($bin) {
            Some(p) => p,
            None => {
                eprintln!("SKIPPED {}: {} not installed", test_fn_name!(), $bin);
                return;
            }
        }
    };
}

/// `bin` looked up in $PATH, as the shell would.
fn find_in_path(bin: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(bin)).find(|p| {
        fs::metadata(p)
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    })
}

/// What a bounded client run left behind.
struct Ran {
    /// `None` when the run overran its limit and was killed.
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Ran {
    fn ok(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    fn describe(&self) -> String {
        let status = match self.status {
            Some(s) => s.to_string(),
            None => "killed after overrunning its time limit".to_string(),
        };
        format!(
            "status: {status} after {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.elapsed,
            tail(&self.stdout),
            tail(&self.stderr)
        )
    }
}

/// The last 8 KiB of a client's output (a mirror can be chatty).
fn tail(s: &str) -> &str {
    let mut start = s.len().saturating_sub(8192);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Runs `cmd` in its own process group with stdin closed; after `limit` the
/// group gets SIGKILL.  Output is drained by threads so that a chatty client
/// cannot block on a full pipe.
fn run_bounded(mut cmd: Command, limit: Duration) -> Ran {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {:?}: {e}", cmd.get_program()));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) if start.elapsed() < limit => sleep(Duration::from_millis(20)),
            _ => {
                // The group id is the child's pid (process_group(0)).
                let pgid = nix::unistd::Pid::from_raw(child.id() as i32);
                let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL);
                let _ = child.wait();
                break None;
            }
        }
    };
    let elapsed = start.elapsed();
    Ran {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        elapsed,
    }
}

/// A client's private HOME (and XDG dirs), so no rc file, history or
/// bookmark of the invoking user is read or written.
fn client_env(cmd: &mut Command, home: &Path) {
    fs::create_dir_all(home).expect("client home");
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("LC_ALL", "C")
        .env_remove("ftp_proxy")
        .env_remove("FTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY");
}

// ---------------------------------------------------------------------------
// The server and its files

/// Starts the server and checks that its banner carries its own unique
/// ServerName before any client runs.  Our daemon binds `Port 0` itself, so
/// the first attempt succeeds; the compat shim picks a free port and
/// releases it before ProFTPD binds it, so under parallel tests (lftp and
/// curl listen on ephemeral ports in active mode) ProFTPD can lose the port,
/// or the shim can report a port that another test's server holds.  Such a
/// start is retried, at most [`START_ATTEMPTS`] times in all.
fn server() -> TestServer {
    let mut why = Vec::new();
    for _ in 0..START_ATTEMPTS {
        let b = TestServer::builder().user(AuthUser::new(USER, PASS));
        let tag = b
            .dir()
            .file_name()
            .expect("dir name")
            .to_string_lossy()
            .into_owned();
        let name = format!("Clients {tag}");
        let srv = match b.config(&CONFIG.replace("@NAME@", &name)).try_start() {
            Ok(srv) => srv,
            Err(e) => {
                why.push(e);
                continue;
            }
        };
        let want = format!("220 ProFTPD Server ({name}) [127.0.0.1]\r\n");
        match Control::connect(srv.addr())
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                let banner = c.try_reply()?;
                c.send("QUIT");
                let _ = c.try_reply();
                Ok(banner)
            }) {
            Ok(banner) if banner == want => return srv,
            Ok(banner) => why.push(format!(
                "banner {banner:?}, want {want:?}\n{}",
                srv.diagnostics()
            )),
            Err(e) => why.push(format!("probe: {e}\n{}", srv.diagnostics())),
        }
    }
    panic!("the server did not start as itself:\n{}", why.join("\n"));
}

/// The demo user's home, canonical (what the session sees without chroot).
fn home(srv: &TestServer) -> PathBuf {
    fs::canonicalize(srv.dir().join("home").join(USER)).expect("home exists")
}

/// A scratch directory for the client side, inside the server's temp dir.
fn client_dir(srv: &TestServer, name: &str) -> PathBuf {
    let d = srv.dir().join("client").join(name);
    fs::create_dir_all(&d).expect("client dir");
    d
}

/// Hands `path` (recursively) to the session user, as an upload would have
/// left it: under root the session runs as 65534 and must be able to
/// overwrite, append to or delete what the test put into its home.
fn give_to_user(path: &Path) {
    if !is_root() {
        return;
    }
    let u = AuthUser::new(USER, PASS);
    let (uid, gid) = (
        Some(nix::unistd::Uid::from_raw(u.uid)),
        Some(nix::unistd::Gid::from_raw(u.gid)),
    );
    let mut stack = vec![path.to_path_buf()];
    while let Some(p) = stack.pop() {
        nix::unistd::chown(&p, uid, gid).unwrap_or_else(|e| panic!("chown {}: {e}", p.display()));
        if p.is_dir() {
            for e in fs::read_dir(&p).expect("read_dir") {
                stack.push(e.expect("dir entry").path());
            }
        }
    }
}

/// Writes `bytes` to `path` (parents created) and gives it to the user.
fn put_file(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir parents");
    }
    fs::write(path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    give_to_user(path);
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}

/// Text with LF line ends, for the ASCII cases.
fn text_lines(n: usize) -> Vec<u8> {
    let mut t = String::new();
    for i in 0..n {
        t.push_str(&format!(
            "line {i}: the quick brown fox {}\n",
            "x".repeat(i % 50)
        ));
    }
    t.into_bytes()
}

/// `text` with every LF turned into CRLF (the ASCII wire form).
fn crlf(text: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(text.len() + text.len() / 16);
    for &b in text {
        if b == b'\n' {
            v.push(b'\r');
        }
        v.push(b);
    }
    v
}

/// The 1,000-file tree the lftp tests mirror: five directories (one nested,
/// names with spaces), sizes from 0 bytes to 1 MiB, contents that include
/// CR and LF bytes (a binary transfer must not touch them).  Returns the
/// total byte count and how many files are not empty.
fn make_tree(root: &Path, files: usize) -> (u64, usize) {
    let dirs = [
        "",
        "sub dir",
        "sub dir/nested one",
        "data",
        "with  two spaces",
    ];
    let (mut total, mut nonempty) = (0u64, 0usize);
    for i in 0..files {
        let dir = dirs[i % dirs.len()];
        let name = match i % 4 {
            0 => format!("file {i:04}.bin"),
            1 => format!("f{i}"),
            2 => format!("a name with spaces {i}.txt"),
            _ => format!("plain-{i}_x.dat"),
        };
        // Mostly small files, every 10th empty, a few large ones.
        let size = match i % 100 {
            n if n % 10 == 0 => 0,
            7 => 1 << 20,
            13 | 61 => 200_000 + i,
            n => (n * 37 + i * 13) % 9000 + 1,
        };
        let path = root.join(dir).join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, noise(i as u64 + 1, size)).expect("write tree file");
        total += size as u64;
        nonempty += usize::from(size > 0);
    }
    fs::create_dir_all(root.join("empty dir")).expect("mkdir empty");
    (total, nonempty)
}

/// SHA-256 of every file under `root`, keyed by relative path, through
/// coreutils `sha256sum -z` (NUL-terminated lines: names are not escaped).
/// Directories are listed too, with an empty digest, so a missing empty
/// directory is noticed.
fn tree_digests(root: &Path) -> BTreeMap<String, String> {
    let mut files = Vec::new();
    let mut map = BTreeMap::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in fs::read_dir(root.join(&rel)).expect("read_dir") {
            let e = e.expect("dir entry");
            let r = rel.join(e.file_name());
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                map.insert(format!("{}/", r.display()), String::new());
                stack.push(r);
            } else {
                files.push(r);
            }
        }
    }
    for chunk in files.chunks(250) {
        let out = Command::new("sha256sum")
            .arg("-z")
            .arg("--")
            .args(chunk)
            .current_dir(root)
            .stderr(Stdio::inherit())
            .output()
            .expect("running sha256sum (coreutils)");
        assert!(out.status.success(), "sha256sum failed");
        for rec in out.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let rec = String::from_utf8_lossy(rec);
            let (digest, name) = rec.split_once("  ").expect("sha256sum line");
            map.insert(name.to_string(), digest.to_string());
        }
    }
    assert_eq!(
        map.values().filter(|d| !d.is_empty()).count(),
        files.len(),
        "one digest per file"
    );
    map
}

/// Asserts two trees hold the same paths with the same SHA-256 digests,
/// naming the first differences.
#[track_caller]
fn assert_same_tree(what: &str, want: &BTreeMap<String, String>, got: &BTreeMap<String, String>) {
    if want == got {
        return;
    }
    let missing: Vec<_> = want
        .keys()
        .filter(|k| !got.contains_key(*k))
        .take(10)
        .collect();
    let extra: Vec<_> = got
        .keys()
        .filter(|k| !want.contains_key(*k))
        .take(10)
        .collect();
    let differ: Vec<_> = want
        .iter()
        .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
        .map(|(k, _)| k)
        .take(10)
        .collect();
    panic!(
        "{what}: trees differ ({} vs {} entries)\nmissing: {missing:?}\nextra: {extra:?}\ndigest differs: {differ:?}",
        want.len(),
        got.len()
    );
}

// ---------------------------------------------------------------------------
// lftp

/// The lftp settings that make it non-interactive and bounded: one retry,
/// short timeouts, no TLS attempt (the daemon has no mod_tls), stop at the
/// first failing command.
fn lftp_settings(passive: bool) -> String {
    format!(
        "set cmd:fail-exit yes; set cmd:interactive no; set net:max-retries 1; \
         set net:timeout 10; set net:reconnect-interval-base 1; \
         set net:reconnect-interval-max 1; set net:persist-retries 0; \
         set ftp:ssl-allow no; set ftp:passive-mode {}; set xfer:clobber on; \
         set mirror:parallel-transfer-count 2; set cache:enable no",
        if passive { "on" } else { "off" }
    )
}

/// Runs `script` after logging in; lftp's protocol transcript (`debug 5`)
/// goes to `transcript`, for the command counts below.
fn lftp(lftp_bin: &Path, srv: &TestServer, passive: bool, script: &str, transcript: &Path) -> Ran {
    let home = srv.dir().join("client").join("lftp-home");
    let mut cmd = Command::new(lftp_bin);
    client_env(&mut cmd, &home);
    let c = format!(
        "{}; debug -o \"{}\" 5; open -u {USER},{PASS} -p {} ftp://127.0.0.1; {script}",
        lftp_settings(passive),
        transcript.display(),
        srv.addr().port()
    );
    cmd.arg("--norc").arg("-c").arg(c);
    run_bounded(cmd, MIRROR_LIMIT)
}

/// How many commands of lftp's transcript start with `verb` (a `---> `
/// line is a command lftp sent).
fn sent(transcript: &Path, verb: &str) -> usize {
    let text = fs::read_to_string(transcript).unwrap_or_default();
    let (bare, with_arg) = (format!("---> {verb}"), format!("---> {verb} "));
    text.lines()
        .filter(|l| *l == bare || l.starts_with(&with_arg))
        .count()
}

/// Asserts a mirror moved every non-empty file with `verb` over a data
/// connection opened in the chosen mode, and never in the other one.
#[track_caller]
fn assert_transfers(transcript: &Path, verb: &str, files: usize, passive: bool) {
    let (mine, other) = if passive {
        (["PASV", "EPSV"], ["PORT", "EPRT"])
    } else {
        (["PORT", "EPRT"], ["PASV", "EPSV"])
    };
    let n = sent(transcript, verb);
    assert!(
        n >= files,
        "{verb} sent {n} times, want at least {files} ({})",
        transcript.display()
    );
    let opened: usize = mine.iter().map(|v| sent(transcript, v)).sum();
    assert!(opened >= n, "{mine:?} sent {opened} times for {n} {verb}s");
    let wrong: usize = other.iter().map(|v| sent(transcript, v)).sum();
    assert_eq!(wrong, 0, "{other:?} sent in the wrong mode");
}

/// lftp `mirror -R` of the tree into the home, then `mirror` back into a
/// fresh directory; every file's SHA-256 must match at each step.
fn lftp_round_trip(passive: bool) {
    let lftp_bin = require_client!("lftp");
    let srv = server();
    let local = client_dir(&srv, "tree");
    let (total, nonempty) = make_tree(&local, TREE_FILES);
    let want = tree_digests(&local);
    assert_eq!(want.values().filter(|d| !d.is_empty()).count(), TREE_FILES);

    let up = lftp(
        &lftp_bin,
        &srv,
        passive,
        &format!("mirror -R --no-perms \"{}\" tree", local.display()),
        &srv.dir().join("lftp-up.log"),
    );
    assert!(
        up.ok(),
        "lftp mirror -R (passive {passive}) failed\n{}\n{}",
        up.describe(),
        srv.diagnostics()
    );
    let remote = home(&srv).join("tree");
    assert_same_tree("after mirror -R", &want, &tree_digests(&remote));
    assert_transfers(&srv.dir().join("lftp-up.log"), "STOR", nonempty, passive);

    let back = client_dir(&srv, "back");
    let down = lftp(
        &lftp_bin,
        &srv,
        passive,
        &format!("mirror --no-perms tree \"{}\"", back.display()),
        &srv.dir().join("lftp-down.log"),
    );
    assert!(
        down.ok(),
        "lftp mirror (passive {passive}) failed\n{}\n{}",
        down.describe(),
        srv.diagnostics()
    );
    assert_same_tree("after mirror back down", &want, &tree_digests(&back));
    assert_transfers(&srv.dir().join("lftp-down.log"), "RETR", nonempty, passive);
    eprintln!(
        "lftp passive={passive}: {TREE_FILES} files, {total} bytes: up {:?}, down {:?}",
        up.elapsed, down.elapsed
    );
}

#[test]
fn lftp_mirrors_a_tree_up_and_down_passive() {
    lftp_round_trip(true);
}

#[test]
fn lftp_mirrors_a_tree_up_and_down_active() {
    lftp_round_trip(false);
}

// ---------------------------------------------------------------------------
// curl

/// `curl` with its own bounds: one attempt, a connect and a total timeout,
/// errors shown, the transcript (`-v`) on stderr for the checks below.
fn curl(curl_bin: &Path, srv: &TestServer, args: &[&str]) -> Ran {
    let mut cmd = Command::new(curl_bin);
    client_env(&mut cmd, &srv.dir().join("client").join("curl-home"));
    cmd.args([
        "--disable",
        "-sS",
        "-v",
        "--connect-timeout",
        "5",
        "--max-time",
        "15",
        "--user",
        &format!("{USER}:{PASS}"),
    ])
    .args(args);
    run_bounded(cmd, CLIENT_LIMIT)
}

fn url(srv: &TestServer, path: &str) -> String {
    format!("ftp://127.0.0.1:{}/{path}", srv.addr().port())
}

/// The commands curl sent (`> ` lines of its -v transcript).
fn curl_commands(r: &Ran) -> Vec<String> {
    r.stderr
        .lines()
        .filter_map(|l| l.strip_prefix("> "))
        .map(str::to_string)
        .collect()
}

#[track_caller]
fn assert_ran(what: &str, r: &Ran, srv: &TestServer) {
    assert!(
        r.ok(),
        "{what} failed\n{}\n{}",
        r.describe(),
        srv.diagnostics()
    );
}

#[test]
fn curl_uploads_and_downloads_binary() {
    let curl_bin = require_client!("curl");
    let srv = server();
    let local = client_dir(&srv, "curl");
    let data = noise(7, 3 << 20);
    fs::write(local.join("up.bin"), &data).unwrap();

    // Upload (-T) in passive mode (EPSV), then over the same name (AllowOverwrite).
    let up = curl(
        &curl_bin,
        &srv,
        &[
            "-T",
            &local.join("up.bin").display().to_string(),
            &url(&srv, "up.bin"),
        ],
    );
    assert_ran("curl -T", &up, &srv);
    assert!(
        curl_commands(&up).contains(&"STOR up.bin".to_string()),
        "{}",
        up.describe()
    );
    assert!(
        fs::read(home(&srv).join("up.bin")).unwrap() == data,
        "uploaded bytes differ"
    );

    let shorter = &data[..1000];
    fs::write(local.join("short.bin"), shorter).unwrap();
    let again = curl(
        &curl_bin,
        &srv,
        &[
            "-T",
            &local.join("short.bin").display().to_string(),
            &url(&srv, "up.bin"),
        ],
    );
    assert_ran("curl -T over an existing file", &again, &srv);
    assert_eq!(
        fs::read(home(&srv).join("up.bin")).unwrap(),
        shorter,
        "overwrite truncates"
    );

    // Download in passive mode (EPSV), PASV (--disable-epsv) and active
    // mode (EPRT, and PORT with --disable-eprt).
    put_file(&home(&srv).join("down dir/the file.bin"), &data);
    for (mode, extra) in [
        ("EPSV", &[][..]),
        ("PASV", &["--disable-epsv"][..]),
        ("EPRT", &["--ftp-port", "127.0.0.1"][..]),
        ("PORT", &["--ftp-port", "127.0.0.1", "--disable-eprt"][..]),
    ] {
        let out = local.join(format!("down-{mode}.bin"));
        let mut args: Vec<&str> = extra.to_vec();
        let o = out.display().to_string();
        let u = url(&srv, "down%20dir/the%20file.bin");
        args.extend(["-o", &o, &u]);
        let r = curl(&curl_bin, &srv, &args);
        assert_ran(&format!("curl download ({mode})"), &r, &srv);
        assert!(
            curl_commands(&r).iter().any(|c| c.starts_with(mode)),
            "curl did not use {mode}\n{}",
            r.describe()
        );
        assert!(
            fs::read(&out).unwrap() == data,
            "downloaded bytes differ ({mode})"
        );
    }

    // A missing file: curl fails with the server's 550.
    let r = curl(
        &curl_bin,
        &srv,
        &["-o", "/dev/null", &url(&srv, "missing.bin")],
    );
    assert!(!r.ok(), "a missing file must fail\n{}", r.describe());
    assert!(
        r.stderr
            .contains("< 550 missing.bin: No such file or directory"),
        "{}",
        r.describe()
    );
}

#[test]
fn curl_resumes_uploads_and_downloads() {
    let curl_bin = require_client!("curl");
    let srv = server();
    let local = client_dir(&srv, "curl");
    let data = noise(11, 1 << 20);
    let full = local.join("full.bin");
    fs::write(&full, &data).unwrap();

    // Upload resume: a third is already there; curl asks SIZE and sends the
    // rest with APPE (AllowStoreRestart on).
    let third = data.len() / 3;
    put_file(&home(&srv).join("resume.bin"), &data[..third]);
    let r = curl(
        &curl_bin,
        &srv,
        &[
            "-C",
            "-",
            "-T",
            &full.display().to_string(),
            &url(&srv, "resume.bin"),
        ],
    );
    assert_ran("curl -C - -T", &r, &srv);
    let cmds = curl_commands(&r);
    assert!(
        cmds.contains(&"SIZE resume.bin".to_string()),
        "{}",
        r.describe()
    );
    assert!(
        cmds.contains(&"APPE resume.bin".to_string()),
        "{}",
        r.describe()
    );
    assert!(
        r.stderr.contains(&format!("< 213 {third}")),
        "{}",
        r.describe()
    );
    assert!(
        fs::read(home(&srv).join("resume.bin")).unwrap() == data,
        "resumed upload differs"
    );

    // Download resume: REST at the local size, then RETR of the rest.
    let part = local.join("part.bin");
    let have = 300_001;
    fs::write(&part, &data[..have]).unwrap();
    let p = part.display().to_string();
    let r = curl(
        &curl_bin,
        &srv,
        &["-C", "-", "-o", &p, &url(&srv, "resume.bin")],
    );
    assert_ran("curl -C - download", &r, &srv);
    assert!(
        curl_commands(&r).contains(&format!("REST {have}")),
        "{}",
        r.describe()
    );
    assert!(r.stderr.contains("< 350 "), "{}", r.describe());
    assert!(fs::read(&part).unwrap() == data, "resumed download differs");

    // Nothing left to fetch: curl's -C - on a complete file transfers nothing
    // and still succeeds.
    let r = curl(
        &curl_bin,
        &srv,
        &["-C", "-", "-o", &p, &url(&srv, "resume.bin")],
    );
    assert_ran("curl -C - on a complete file", &r, &srv);
    assert!(fs::read(&part).unwrap() == data, "complete file changed");
}

#[test]
fn curl_ascii_transfers() {
    let curl_bin = require_client!("curl");
    let srv = server();
    let local = client_dir(&srv, "curl");
    let text = text_lines(3000);
    let src = local.join("text.txt");
    fs::write(&src, &text).unwrap();
    let s = src.display().to_string();

    // ASCII upload (;type=A): curl turns LF into CRLF on the wire, the
    // server stores LF again, so the file on disk is the original.
    let r = curl(&curl_bin, &srv, &["-T", &s, &url(&srv, "a.txt;type=A")]);
    assert_ran("curl -T ;type=A", &r, &srv);
    assert!(
        curl_commands(&r).contains(&"TYPE A".to_string()),
        "{}",
        r.describe()
    );
    assert!(
        fs::read(home(&srv).join("a.txt")).unwrap() == text,
        "ASCII upload stored other bytes"
    );

    // --use-ascii --crlf does the same through the option.
    let r = curl(
        &curl_bin,
        &srv,
        &["--use-ascii", "--crlf", "-T", &s, &url(&srv, "b.txt")],
    );
    assert_ran("curl --use-ascii --crlf -T", &r, &srv);
    assert!(
        fs::read(home(&srv).join("b.txt")).unwrap() == text,
        "ASCII upload stored other bytes"
    );

    // ASCII download: the server sends CRLF (curl counts the wire bytes in
    // size_download) and curl gives back LF.
    put_file(&home(&srv).join("lf.txt"), &text);
    let out = local.join("down.txt");
    let o = out.display().to_string();
    for how in [&["--use-ascii"][..], &[][..]] {
        let u = if how.is_empty() {
            url(&srv, "lf.txt;type=A")
        } else {
            url(&srv, "lf.txt")
        };
        let mut args: Vec<&str> = how.to_vec();
        args.extend(["-w", "%{size_download}\n", "-o", &o, &u]);
        let r = curl(&curl_bin, &srv, &args);
        assert_ran("curl ASCII download", &r, &srv);
        assert!(
            curl_commands(&r).contains(&"TYPE A".to_string()),
            "{}",
            r.describe()
        );
        assert_eq!(
            r.stdout.trim(),
            crlf(&text).len().to_string(),
            "wire bytes of an ASCII RETR"
        );
        assert!(fs::read(&out).unwrap() == text, "ASCII download differs");
    }

    // The same file in binary: LF, byte for byte.
    let r = curl(
        &curl_bin,
        &srv,
        &["-w", "%{size_download}\n", "-o", &o, &url(&srv, "lf.txt")],
    );
    assert_ran("curl binary download", &r, &srv);
    assert!(
        curl_commands(&r).contains(&"TYPE I".to_string()),
        "{}",
        r.describe()
    );
    assert_eq!(r.stdout.trim(), text.len().to_string());
    assert!(fs::read(&out).unwrap() == text, "binary download differs");
}

// ---------------------------------------------------------------------------
// wget

fn wget(wget_bin: &Path, srv: &TestServer, args: &[&str]) -> Ran {
    let mut cmd = Command::new(wget_bin);
    client_env(&mut cmd, &srv.dir().join("client").join("wget-home"));
    // Default verbosity: the `==> VERB ... done.` lines are checked below.
    cmd.args(["--no-config", "--tries=1", "--timeout=10"])
        .args(args);
    run_bounded(cmd, CLIENT_LIMIT)
}

/// A small tree for wget: spaces in names, an empty file, nested
/// directories, binary contents.
fn make_small_tree(root: &Path) {
    put_file(&root.join("a file.txt"), b"one\n");
    put_file(&root.join("empty"), b"");
    put_file(&root.join("sub dir/b"), b"two\r\nthree\n");
    put_file(&root.join("sub dir/deep/r.bin"), &noise(3, 70_000));
    put_file(&root.join("sub dir/deep/s p a c e s.bin"), &noise(4, 123));
    put_file(&root.join("other/x"), &noise(5, 1));
    give_to_user(root);
}

#[test]
fn wget_fetches_a_tree_recursively() {
    let wget_bin = require_client!("wget");
    let srv = server();
    let tree = home(&srv).join("pub");
    make_small_tree(&tree);
    let want = tree_digests(&tree);

    for (mode, extra) in [("passive", "--passive-ftp"), ("active", "--no-passive-ftp")] {
        let dest = client_dir(&srv, &format!("wget-{mode}"));
        let d = dest.display().to_string();
        let u = format!("ftp://{USER}:{PASS}@127.0.0.1:{}/pub/", srv.addr().port());
        let r = wget(&wget_bin, &srv, &[extra, "-r", "-nH", "-P", &d, &u]);
        assert_ran(&format!("wget -r ({mode})"), &r, &srv);
        assert_same_tree(
            &format!("wget -r ({mode})"),
            &want,
            &tree_digests(&dest.join("pub")),
        );
        // One LIST per directory and one RETR per file, each over a data
        // connection of the chosen mode.
        let count = |verb: &str| r.stderr.matches(&format!("==> {verb} ")).count();
        let (dirs, files) = want.keys().fold((1, 0), |(d, f), k| {
            if k.ends_with('/') {
                (d + 1, f)
            } else {
                (d, f + 1)
            }
        });
        assert_eq!(count("LIST"), dirs, "LISTs\n{}", r.describe());
        assert_eq!(count("RETR"), files, "RETRs\n{}", r.describe());
        let (mine, other) = if mode == "passive" {
            (count("PASV") + count("EPSV"), count("PORT") + count("EPRT"))
        } else {
            (count("PORT") + count("EPRT"), count("PASV") + count("EPSV"))
        };
        assert_eq!(
            (mine, other),
            (dirs + files, 0),
            "{mode} data connections\n{}",
            r.describe()
        );
    }
}

// ---------------------------------------------------------------------------
// Python ftplib

/// Size of the file the ftplib script aborts a RETR of: far larger than
/// the socket buffers, so the abort lands mid-transfer.
const BIG: usize = 32 << 20;

#[test]
fn python_ftplib_transfers() {
    let python = require_client!("python3");
    let srv = server();
    let home = home(&srv);
    put_file(&home.join("big.bin"), &noise(99, BIG));
    let mut cmd = Command::new(python);
    client_env(&mut cmd, &srv.dir().join("client").join("python-home"));
    cmd.arg(Path::new(REPO).join("tests/acceptance/ftplib_transfers.py"))
        .args(["--port", &srv.addr().port().to_string()])
        .args(["--home", &home.display().to_string()])
        .args(["--big-size", &BIG.to_string()]);
    let r = run_bounded(cmd, CLIENT_LIMIT);
    print!("{}", r.stdout);
    assert!(
        r.ok(),
        "ftplib_transfers.py failed\n{}\n{}",
        r.describe(),
        srv.diagnostics()
    );
}
