//! An entry's facts from the file system: one `lstat` (`fstatat` with
//! `AT_SYMLINK_NOFOLLOW` under an open directory for MLSD) per entry, plus
//! one `stat` of a symlink's target, and the `perm` letters computed from
//! that data for the logged-in user, as ProFTPD 1.3.8 computes them.

use std::ffi::OsStr;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;

use nix::fcntl::{AT_FDCWD, AtFlags};
use nix::sys::stat::{FileStat, SFlag, fstatat};

use crate::facts::{Entry, Kind};

/// The user whose access `perm` describes (the session's identity).
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub uid: u32,
    pub gid: u32,
    /// Supplementary groups.
    pub groups: Vec<u32>,
}

/// How an entry's type is shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct TypeRules {
    /// Symlinks as `OS.unix=symlink` (MLSD unless `ShowSymlinks off`; MLST
    /// only with `ShowSymlinks on` set explicitly, as 1.3.8 reads it).
    pub show_symlinks: bool,
    /// `FactsOptions UseSlink`.
    pub use_slink: bool,
    /// `.` and `..` as `cdir`/`pdir` (MLSD, never MLST).
    pub cdir: bool,
}

/// ProFTPD's access check (its fsio `access` with explicit ids): root may
/// do anything; otherwise the permission bits of every class the user
/// belongs to (owner, group by primary or supplementary gid, and always
/// other) are pooled, and the wanted bit must be in that pool.
fn allowed(o: Owner, who: &Who, want: u32) -> bool {
    if who.uid == 0 {
        return true;
    }
    let mut mask = 0o007;
    if o.uid == who.uid {
        mask |= 0o700;
    }
    if o.gid == who.gid || who.groups.contains(&o.gid) {
        mask |= 0o070;
    }
    let bits = o.mode & mask;
    // `want` is 4 (r), 2 (w) or 1 (x), tested in every class.
    bits & (want * 0o111) != 0
}

/// The `perm` letters: directories `fl` (read), `cdmp` (write), `e`
/// (search); other entries `adfr` when readable else `dfr`, plus `w`.
/// `target` is the entry as `stat` sees it (a symlink's target).
pub fn perm(target: Owner, entry_is_dir: bool, who: &Who) -> &'static str {
    let r = allowed(target, who, 4);
    let w = allowed(target, who, 2);
    if entry_is_dir {
        let x = allowed(target, who, 1);
        const DIR: [&str; 8] = ["", "e", "cdmp", "cdmpe", "fl", "fle", "flcdmp", "flcdmpe"];
        DIR[usize::from(r) * 4 + usize::from(w) * 2 + usize::from(x)]
    } else {
        match (r, w) {
            (true, true) => "adfrw",
            (true, false) => "adfr",
            (false, true) => "dfrw",
            (false, false) => "dfr",
        }
    }
}

/// The mode and owner of a file, what the access check reads.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl From<&FileStat> for Owner {
    fn from(st: &FileStat) -> Owner {
        Owner {
            mode: st.st_mode,
            uid: st.st_uid,
            gid: st.st_gid,
        }
    }
}

fn is(st: &FileStat, kind: SFlag) -> bool {
    st.st_mode & SFlag::S_IFMT.bits() == kind.bits()
}

/// The facts of `name` under `dir` (`AT_FDCWD` for a path). `slink_base`
/// resolves a relative link target for `UseSlink` (1.3.8 shows it
/// against the session's current directory, not the link's own).
/// Fails as ProFTPD's lookup does: the entry cannot be `lstat`ed, or it
/// is a symlink whose target cannot be `stat`ed.
pub fn entry_at<Fd: AsFd + Copy>(
    dir: Fd,
    name: &[u8],
    who: &Who,
    rules: TypeRules,
    slink_base: &[u8],
) -> nix::Result<Entry> {
    let path = OsStr::from_bytes(name);
    let st = fstatat(dir, path, AtFlags::AT_SYMLINK_NOFOLLOW)?;
    let mut dev = st.st_dev;
    let mut ino = st.st_ino;
    let is_dir = is(&st, SFlag::S_IFDIR);
    let (kind, perm) = if is_dir {
        let kind = match name {
            b"." if rules.cdir => Kind::CDir,
            b".." if rules.cdir => Kind::PDir,
            _ => Kind::Dir,
        };
        (kind, perm(Owner::from(&st), true, who))
    } else if is(&st, SFlag::S_IFLNK) {
        // The unique fact names the target, as ProFTPD does.
        let target = fstatat(dir, path, AtFlags::empty())?;
        dev = target.st_dev;
        ino = target.st_ino;
        let kind = if !rules.show_symlinks {
            if is(&target, SFlag::S_IFDIR) {
                Kind::Dir
            } else {
                Kind::File
            }
        } else if rules.use_slink {
            let link = nix::fcntl::readlinkat(dir, path)?;
            Kind::Slink(proftpd_api::path::join(slink_base, link.as_bytes()))
        } else {
            Kind::Symlink
        };
        (kind, perm(Owner::from(&target), false, who))
    } else {
        (Kind::File, perm(Owner::from(&st), false, who))
    };
    Ok(Entry {
        mtime: st.st_mtime,
        perm,
        size: u64::try_from(st.st_size).unwrap_or(0),
        is_dir,
        kind,
        dev,
        ino,
        uid: st.st_uid,
        gid: st.st_gid,
        mode: st.st_mode & 0o7777,
    })
}

/// The facts of a path (MLST).
pub fn entry_of_path(
    path: &[u8],
    who: &Who,
    rules: TypeRules,
    slink_base: &[u8],
) -> nix::Result<Entry> {
    entry_at(AT_FDCWD, path, who, rules, slink_base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(mode: u32, uid: u32, gid: u32) -> Owner {
        Owner { mode, uid, gid }
    }

    fn who(uid: u32, gid: u32, groups: &[u32]) -> Who {
        Who {
            uid,
            gid,
            groups: groups.to_vec(),
        }
    }

    #[test]
    fn perm_letters_follow_1_3_8() {
        let user = who(1000, 1000, &[1000, 50]);
        // (mode, uid, gid, is_dir, expected)
        let table: &[(u32, u32, u32, bool, &str)] = &[
            (0o100644, 1000, 1000, false, "adfrw"),
            (0o100644, 0, 0, false, "adfr"),
            (0o100600, 0, 0, false, "dfr"),
            (0o100646, 0, 0, false, "adfrw"),
            (0o100664, 0, 50, false, "adfrw"),
            (0o100200, 1000, 0, false, "dfrw"),
            (0o040755, 1000, 1000, true, "flcdmpe"),
            (0o040755, 0, 0, true, "fle"),
            (0o040700, 0, 0, true, ""),
            (0o041777, 0, 0, true, "flcdmpe"),
            (0o040311, 0, 0, true, "e"),
            // Pooled classes: other's bits count even for the owner.
            (0o100044, 1000, 0, false, "adfr"),
        ];
        for &(mode, uid, gid, dir, want) in table {
            assert_eq!(
                perm(st(mode, uid, gid), dir, &user),
                want,
                "mode {mode:o} {uid}:{gid}"
            );
        }
        let root = who(0, 0, &[]);
        assert_eq!(perm(st(0o100000, 5, 5), false, &root), "adfrw");
        assert_eq!(perm(st(0o040000, 5, 5), true, &root), "flcdmpe");
    }

    #[test]
    fn entries_from_the_file_system() {
        let dir = std::env::temp_dir().join(format!("mod_facts_stat_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
        std::fs::write(dir.join("f"), b"hello").expect("write");
        std::os::unix::fs::symlink("f", dir.join("l")).expect("symlink");
        std::os::unix::fs::symlink("nowhere", dir.join("dangling")).expect("symlink");
        let me = who(
            nix::unistd::geteuid().as_raw(),
            nix::unistd::getegid().as_raw(),
            &[],
        );
        let d = nix::dir::Dir::open(
            &dir,
            nix::fcntl::OFlag::O_RDONLY,
            nix::sys::stat::Mode::empty(),
        )
        .expect("open dir");
        let fd = d.as_fd();
        let mlsd = TypeRules {
            show_symlinks: true,
            use_slink: false,
            cdir: true,
        };
        let f = entry_at(fd, b"f", &me, mlsd, b"/").expect("f");
        assert_eq!((f.size, f.kind.clone(), f.is_dir), (5, Kind::File, false));
        let l = entry_at(fd, b"l", &me, mlsd, b"/").expect("l");
        assert_eq!(l.kind, Kind::Symlink);
        assert_eq!((l.dev, l.ino, l.size, l.mode), (f.dev, f.ino, 1, 0o777));
        assert_eq!(
            entry_at(fd, b".", &me, mlsd, b"/").expect(".").kind,
            Kind::CDir
        );
        assert_eq!(
            entry_at(fd, b"..", &me, mlsd, b"/").expect("..").kind,
            Kind::PDir
        );
        assert_eq!(
            entry_at(fd, b"sub", &me, mlsd, b"/").expect("sub").kind,
            Kind::Dir
        );
        assert!(entry_at(fd, b"dangling", &me, mlsd, b"/").is_err());
        let slink = TypeRules {
            use_slink: true,
            ..mlsd
        };
        assert_eq!(
            entry_at(fd, b"l", &me, slink, b"/base").expect("l").kind,
            Kind::Slink(b"/base/f".to_vec())
        );
        let mlst = TypeRules::default();
        assert_eq!(
            entry_at(fd, b".", &me, mlst, b"/").expect(".").kind,
            Kind::Dir
        );
        assert_eq!(
            entry_at(fd, b"l", &me, mlst, b"/").expect("l").kind,
            Kind::File
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
