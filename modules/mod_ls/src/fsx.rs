//! The file system calls listings make: one `getdents` pass per directory,
//! one `fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW)` per listed entry, and
//! `readlinkat`/`fstatat` (following) only for symlinks.

use std::ffi::OsString;
use std::os::fd::AsFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use nix::dir::{Dir, Type};
use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FileStat, Mode, fstatat};

/// The stat fields a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stat {
    pub mode: u32,
    pub nlink: u64,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub mtime: i64,
    pub ctime: i64,
    pub atime: i64,
}

pub const S_IFMT: u32 = 0o170000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFLNK: u32 = 0o120000;
pub const S_IFREG: u32 = 0o100000;

impl Stat {
    pub fn is_dir(&self) -> bool {
        self.mode & S_IFMT == S_IFDIR
    }
    pub fn is_link(&self) -> bool {
        self.mode & S_IFMT == S_IFLNK
    }
    pub fn is_reg(&self) -> bool {
        self.mode & S_IFMT == S_IFREG
    }
}

impl From<FileStat> for Stat {
    fn from(st: FileStat) -> Stat {
        Stat {
            mode: st.st_mode,
            nlink: st.st_nlink,
            uid: st.st_uid,
            gid: st.st_gid,
            size: u64::try_from(st.st_size).unwrap_or(0),
            mtime: st.st_mtime,
            ctime: st.st_ctime,
            atime: st.st_atime,
        }
    }
}

/// An open directory and the names it held, in directory order (`.` and
/// `..` included), read in one pass before any entry is examined (as
/// 1.3.8's sreaddir does: the directory may change while it is listed).
pub struct DirList {
    dir: Dir,
    pub names: Vec<Vec<u8>>,
    /// Each name's type as getdents told it (`None`: unknown), in step
    /// with `names` until they are sorted.
    pub types: Vec<Option<Type>>,
}

/// Directories larger than this many entries are listed only this far
/// (a bound on the memory one listing holds per level).
pub const MAX_DIR_ENTRIES: usize = 4_000_000;

impl DirList {
    pub fn read(path: &Path) -> Result<DirList, Errno> {
        let mut dir = Dir::open(
            path.as_os_str().as_bytes(),
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )?;
        let mut names = Vec::new();
        let mut types = Vec::new();
        for entry in dir.iter() {
            let Ok(entry) = entry else { break };
            if names.len() >= MAX_DIR_ENTRIES {
                break;
            }
            names.push(entry.file_name().to_bytes().to_vec());
            types.push(entry.file_type());
        }
        Ok(DirList { dir, names, types })
    }

    /// lstat of an entry.
    pub fn lstat(&self, name: &[u8]) -> Result<Stat, Errno> {
        fstatat(self.dir.as_fd(), name, AtFlags::AT_SYMLINK_NOFOLLOW).map(Stat::from)
    }

    /// stat of an entry, following a symlink.
    pub fn stat(&self, name: &[u8]) -> Result<Stat, Errno> {
        fstatat(self.dir.as_fd(), name, AtFlags::empty()).map(Stat::from)
    }

    pub fn readlink(&self, name: &[u8]) -> Result<Vec<u8>, Errno> {
        nix::fcntl::readlinkat(self.dir.as_fd(), name).map(OsString::into_vec)
    }
}

pub fn lstat(path: &Path) -> Result<Stat, Errno> {
    nix::sys::stat::lstat(path).map(Stat::from)
}

pub fn stat(path: &Path) -> Result<Stat, Errno> {
    nix::sys::stat::stat(path).map(Stat::from)
}

pub fn readlink(path: &Path) -> Result<Vec<u8>, Errno> {
    nix::fcntl::readlink(path).map(OsString::into_vec)
}

/// Whether the session could enter `path` (1.3.8 chdirs into each
/// directory it lists recursively; one it cannot enter is skipped).
pub fn can_enter(path: &Path) -> bool {
    stat(path).is_ok_and(|s| s.is_dir())
        && nix::unistd::access(path, nix::unistd::AccessFlags::X_OK).is_ok()
}

/// The strerror text of an errno.
pub fn errno_text(e: Errno) -> String {
    proftpd_api::reply::errno_text(&std::io::Error::from_raw_os_error(e as i32))
}
