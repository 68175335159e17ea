//! The shared fake host and session of `proftpd_api::testing`, with this
//! module loaded and logged in, and a fixture directory with fixed times.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use nix::sys::stat::{UtimensatFlags, utimensat};
use nix::sys::time::TimeSpec;
use proftpd_api::cmd::Cmd;
use proftpd_api::config::{ConfigKey, ConfigTree, Merge, Origin};
use proftpd_api::module::ModRet;
use proftpd_api::reply::{MultilineStyle, format_reply};
use proftpd_api::session::{CmdCtx, Session};
use proftpd_api::testing::FakeHost;
pub use proftpd_api::testing::run;

/// A logged-in session over an empty config.
pub fn session() -> Session {
    proftpd_api::testing::logged_in(&[&crate::MODULE], ConfigTree::new())
}

/// 2020-01-02 03:04:05 UTC: old enough to show its year.
pub const T2020: i64 = 1_577_934_245;
/// 2019-07-04 12:00:00 UTC.
pub const T2019: i64 = 1_562_241_600;

fn set_time(p: &Path, t: i64) {
    let ts = TimeSpec::new(t, 0);
    utimensat(
        nix::fcntl::AT_FDCWD,
        p,
        &ts,
        &ts,
        UtimensatFlags::NoFollowSymlink,
    )
    .unwrap_or_else(|e| panic!("utimensat {}: {e}", p.display()));
}

/// The fixture every listing test uses:
///
/// ```text
/// a.txt       6 bytes, 2020-01-02 03:04
/// b.txt       3 bytes, mode 4755, 2019-07-04 12:00
/// big.dat     5000 bytes, 2019-07-04 12:00
/// .dot        empty
/// link     -> a.txt
/// dangling -> nowhere
/// dotlink  -> .        (1.3.8 leaves it out)
/// sub/z.txt, sub/deep/y.txt, emptyd/
/// ```
pub fn fixture() -> (tempfile::TempDir, Vec<u8>) {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = std::fs::canonicalize(t.path()).unwrap_or_else(|e| panic!("{e}"));
    let w = |name: &str, data: &[u8]| {
        std::fs::write(base.join(name), data).unwrap_or_else(|e| panic!("{name}: {e}"));
    };
    for d in ["sub/deep", "emptyd"] {
        std::fs::create_dir_all(base.join(d)).unwrap_or_else(|e| panic!("{e}"));
    }
    w("a.txt", b"hello\n");
    w("b.txt", b"xx\n");
    w("big.dat", &[b'x'; 5000]);
    w(".dot", b"");
    w("sub/z.txt", b"z\n");
    w("sub/deep/y.txt", b"y\n");
    use std::os::unix::fs::{PermissionsExt, symlink};
    std::fs::set_permissions(base.join("b.txt"), std::fs::Permissions::from_mode(0o4755))
        .unwrap_or_else(|e| panic!("{e}"));
    symlink("a.txt", base.join("link")).unwrap_or_else(|e| panic!("{e}"));
    symlink("nowhere", base.join("dangling")).unwrap_or_else(|e| panic!("{e}"));
    symlink(".", base.join("dotlink")).unwrap_or_else(|e| panic!("{e}"));
    for (p, m) in [
        (".", 0o755),
        ("sub", 0o755),
        ("sub/deep", 0o755),
        ("emptyd", 0o1777),
        ("a.txt", 0o644),
        ("big.dat", 0o644),
        (".dot", 0o644),
        ("sub/z.txt", 0o644),
        ("sub/deep/y.txt", 0o644),
    ] {
        std::fs::set_permissions(base.join(p), std::fs::Permissions::from_mode(m))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    set_time(&base.join("a.txt"), T2020);
    for n in [
        "b.txt",
        "big.dat",
        ".dot",
        "sub/z.txt",
        "sub/deep/y.txt",
        "link",
        "dangling",
    ] {
        set_time(&base.join(n), T2019);
    }
    for d in ["sub/deep", "sub", "emptyd", "."] {
        set_time(&base.join(d), T2019);
    }
    let cwd = base.as_os_str().as_bytes().to_vec();
    (t, cwd)
}

/// A session in `cwd` whose names map the test's own uid/gid to `demo`.
pub fn session_in(cwd: &[u8], tree: ConfigTree) -> Session {
    let mut s = proftpd_api::testing::logged_in(&[&crate::MODULE], tree);
    s.cwd = cwd.to_vec();
    let (uid, gid) = (
        nix::unistd::getuid().as_raw(),
        nix::unistd::getgid().as_raw(),
    );
    s.names.users.insert(uid, "demo".into());
    s.names.groups.insert(gid, "demo".into());
    s
}

/// A config whose main server has these settings.
pub fn tree(set: impl FnOnce(&mut ConfigTree)) -> ConfigTree {
    let mut t = ConfigTree::new();
    set(&mut t);
    t
}

pub fn add<T: std::any::Any + Send + Sync>(t: &mut ConfigTree, key: &ConfigKey<T>, v: T) {
    let main = t.main_server();
    t.add(main, key, v, vec![], Merge::DownMulti, Origin::default());
}

/// What one command produced: the control replies (the 150 sent at once,
/// then the queued replies) and the data connection's bytes.
pub struct Ran {
    pub ret: ModRet,
    pub control: String,
    pub data: String,
}

/// Runs `line` through the module's handler for its verb.
pub fn exec(s: &mut Session, host: &mut FakeHost, line: &str) -> Ran {
    let cmd = Cmd::parse(line.as_bytes());
    let entry = crate::COMMANDS
        .iter()
        .find(|e| e.matches(&cmd.verb))
        .unwrap_or_else(|| panic!("no handler for {line}"));
    host.sent.clear();
    host.data_out.clear();
    let ret = {
        let mut ctx = CmdCtx {
            cmd: &cmd,
            session: &mut *s,
            host: &mut *host,
        };
        (entry.handler)(&mut ctx)
    };
    let mut lines = host.sent.clone();
    lines.extend(s.replies.take(ret == ModRet::Error));
    Ran {
        ret,
        control: String::from_utf8_lossy(&format_reply(&lines, MultilineStyle::Plain)).into_owned(),
        data: String::from_utf8_lossy(&host.data_out).into_owned(),
    }
}

/// The ls -l line 1.3.8 prints for a directory of the fixture (its size
/// and link count depend on the file system).
pub fn dir_line(base: &[u8], rel: &str, perms: &str, shown: &str) -> String {
    use std::os::unix::fs::MetadataExt;
    let p = Path::new(std::ffi::OsStr::from_bytes(base)).join(rel);
    let m = std::fs::metadata(&p).unwrap_or_else(|e| panic!("{e}"));
    format!(
        "d{perms} {:>3} demo     demo     {:>8} Jul  4  2019 {shown}\r\n",
        m.nlink(),
        m.size()
    )
}
