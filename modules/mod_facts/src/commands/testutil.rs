//! Test fixtures: a logged-in session whose current directory is a fresh
//! temporary directory with a few entries, and helpers to read what the
//! file system says about them.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;

use proftpd_api::cmd::Cmd;
use proftpd_api::config::ConfigTree;
use proftpd_api::module::{ModRet, ModuleDef};
use proftpd_api::reply::format_reply;
use proftpd_api::session::{CapsPolicy, CmdCtx, Identity, Session};
use proftpd_api::testing::FakeHost;

pub static MODULES: &[&ModuleDef] = &[&crate::MODULE];

/// A logged-in session over an empty config (no current directory set).
pub fn session() -> Session {
    proftpd_api::testing::logged_in(MODULES, ConfigTree::new())
}

/// Runs a handler on `line`; the replies as text.
pub fn run(s: &mut Session, handler: fn(&mut CmdCtx<'_>) -> ModRet, line: &str) -> String {
    proftpd_api::testing::run(s, handler, line).1
}

/// Runs `OPTS MLST ...` as mod_core's OPTS hands it over.
pub fn run_opts(s: &mut Session, line: &str) -> String {
    let outer = Cmd::parse(line.as_bytes());
    let rest = outer
        .arg
        .iter()
        .position(|&b| b == b' ')
        .map_or(Vec::new(), |i| outer.arg[i + 1..].to_vec());
    let cmd = Cmd {
        verb: "OPTS_MLST".into(),
        verb_raw: b"OPTS_MLST".to_vec(),
        arg: rest,
        line: outer.line.clone(),
    };
    let mut host = FakeHost::default();
    let ret = super::opts_mlst::opts_mlst(&mut CmdCtx {
        cmd: &cmd,
        session: s,
        host: &mut host,
    });
    let lines = s.replies.take(ret == ModRet::Error);
    String::from_utf8_lossy(&format_reply(&lines, s.multiline)).into_owned()
}

/// What a fact line says about an entry, read with std.
pub struct Seen {
    pub modify: String,
    pub unique: String,
    pub uid: u32,
    pub gid: u32,
}

/// A temporary directory holding `file.txt` (5 bytes, 0644), `sp ace`,
/// `link -> file.txt` and `dangling -> nowhere`; removed on drop.
pub struct Fixture {
    pub dir: PathBuf,
}

impl Fixture {
    pub fn new(tag: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("mod_facts_{tag}_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir fixture");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::write(dir.join("file.txt"), b"data\n").expect("write");
        std::fs::set_permissions(dir.join("file.txt"), std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        std::fs::write(dir.join("sp ace"), b"").expect("write");
        std::os::unix::fs::symlink("file.txt", dir.join("link")).expect("symlink");
        std::os::unix::fs::symlink("nowhere", dir.join("dangling")).expect("symlink");
        Fixture { dir }
    }

    pub fn base(&self) -> String {
        self.dir.to_string_lossy().into_owned()
    }

    /// A logged-in session as the invoking user (named `demo`, primary
    /// group named `demo`), in the fixture directory.
    pub fn session(&self) -> Session {
        let mut s = session();
        let uid = nix::unistd::geteuid().as_raw();
        let gid = nix::unistd::getegid().as_raw();
        s.identity = Some(Identity {
            user: "demo".into(),
            uid,
            gid,
            groups: vec![gid],
            chroot: None,
            chdir: self.dir.clone(),
            root_revoke: false,
            caps: CapsPolicy::default(),
        });
        s.names.groups.insert(gid, "demo".into());
        s.cwd = self.base().into_bytes();
        s
    }

    fn meta(&self, name: &str) -> std::fs::Metadata {
        std::fs::metadata(self.dir.join(name)).expect("stat fixture entry")
    }

    pub fn facts_of(&self, name: &str) -> Seen {
        let m = self.meta(name);
        Seen {
            modify: crate::time::utc_stamp(m.mtime()),
            unique: format!("{:X}U{:X}", m.dev(), m.ino()),
            uid: m.uid(),
            gid: m.gid(),
        }
    }

    pub fn mtime(&self, name: &str) -> i64 {
        self.meta(name).mtime()
    }

    pub fn mode(&self, name: &str) -> u32 {
        self.meta(name).mode() & 0o7777
    }

    pub fn gid(&self) -> u32 {
        self.meta("").gid()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
