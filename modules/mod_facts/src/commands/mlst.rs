//! MLST (RFC 3659 §7): the facts of one path, on the control connection.
//!
//! `250-Start of list for <arg>` (the current directory when there is no
//! argument), one line `<facts> <absolute path>`, `250 End of list`. A path
//! that cannot be looked up is `550 '<arg>' cannot be listed`. As on 1.3.8,
//! `~` is not expanded and the path is shown normalised (a trailing `/`,
//! `.` and `..` removed).

use proftpd_api::module::ModRet;
use proftpd_api::path::{fs_path, join};
use proftpd_api::session::CmdCtx;

use crate::facts::format_entry;
use crate::keys::SHOW_SYMLINKS;
use crate::stat::{TypeRules, entry_of_path};
use crate::{listing, state};

pub fn mlst(ctx: &mut CmdCtx<'_>) -> ModRet {
    let st = state::get(ctx.session);
    let (shown, virt) = if ctx.cmd.arg.is_empty() {
        (ctx.session.cwd.clone(), ctx.session.cwd.clone())
    } else {
        (ctx.cmd.arg.clone(), join(&ctx.session.cwd, &ctx.cmd.arg))
    };
    // Only an explicit `ShowSymlinks on` shows symlinks as such here.
    let show_symlinks = ctx.session.get(&SHOW_SYMLINKS).copied() == Some(true);
    let rules = TypeRules {
        show_symlinks,
        use_slink: show_symlinks && st.opts.use_slink,
        cdir: false,
    };
    let who = state::who(ctx.session);
    let mut entry = match entry_of_path(&virt, &who, rules, &ctx.session.cwd) {
        Ok(e) => e,
        Err(_) => {
            let mut text = b"'".to_vec();
            text.extend_from_slice(&shown);
            text.extend_from_slice(b"' cannot be listed");
            ctx.reply_err(550, text);
            return ModRet::Error;
        }
    };
    // With ShowSymlinks on (and no UseSlink), 1.3.8 names the entry by
    // its resolved path.
    let path = if show_symlinks && !st.opts.use_slink {
        std::fs::canonicalize(fs_path(&virt))
            .map(|p| std::os::unix::ffi::OsStrExt::as_bytes(p.as_os_str()).to_vec())
            .unwrap_or(virt)
    } else {
        virt
    };
    let fakes = listing::Fakes::of(ctx.session);
    fakes.apply(&mut entry);
    let mut line = Vec::with_capacity(256);
    format_entry(
        &mut line,
        &entry,
        fakes.names(),
        st.selected,
        st.opts,
        &path,
    );
    let mut start = b"Start of list for ".to_vec();
    start.extend_from_slice(&shown);
    ctx.reply(250, start);
    ctx.reply(250, line);
    ctx.reply(250, "End of list");
    ModRet::Handled
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{Fixture, run};

    #[test]
    fn lists_one_path() {
        let fx = Fixture::new("mlst");
        let mut s = fx.session();
        let base = fx.base();
        let f = fx.facts_of("file.txt");
        assert_eq!(
            run(&mut s, super::mlst, "MLST file.txt"),
            format!(
                "250-Start of list for file.txt\r\n \
                 modify={};perm=adfrw;size=5;type=file;unique={};UNIX.group={};\
                 UNIX.groupname=demo;UNIX.mode=0644;UNIX.owner={};UNIX.ownername=demo; \
                 {base}/file.txt\r\n250 End of list\r\n",
                f.modify, f.unique, f.gid, f.uid
            )
        );
        let d = fx.facts_of("");
        assert_eq!(
            run(&mut s, super::mlst, "MLST"),
            format!(
                "250-Start of list for {base}\r\n \
                 modify={};perm=flcdmpe;type=dir;unique={};UNIX.group={};\
                 UNIX.groupname=demo;UNIX.mode=0755;UNIX.owner={};UNIX.ownername=demo; \
                 {base}\r\n250 End of list\r\n",
                d.modify, d.unique, d.gid, d.uid
            )
        );
        // `.` of MLST is a plain dir; a trailing slash is normalised away.
        assert!(run(&mut s, super::mlst, "MLST .").contains(";type=dir;"));
        assert!(
            run(&mut s, super::mlst, "MLST file.txt/").contains(&format!(" {base}/file.txt\r\n"))
        );
        // A symlink is shown as its target's type, with the link's own
        // size and mode, and the target's unique fact.
        let link = run(&mut s, super::mlst, "MLST link");
        assert!(
            link.contains(&format!(";size=8;type=file;unique={};", f.unique)),
            "{link}"
        );
        assert!(link.contains("UNIX.mode=0777;"), "{link}");
    }

    #[test]
    fn failures() {
        let fx = Fixture::new("mlst_fail");
        let mut s = fx.session();
        for arg in ["nope", "dangling", "~", " file.txt"] {
            assert_eq!(
                run(&mut s, super::mlst, &format!("MLST {arg}")),
                format!("550 '{arg}' cannot be listed\r\n")
            );
        }
        let out = proftpd_api::testing::run_bytes(&mut s, super::mlst, b"MLST \xff").1;
        assert_eq!(out, b"550 '\xff' cannot be listed\r\n");
    }

    #[test]
    fn selected_facts_only() {
        let fx = Fixture::new("mlst_sel");
        let mut s = fx.session();
        crate::state::select(&mut s, crate::facts::FactSet::EMPTY);
        assert_eq!(
            run(&mut s, super::mlst, "MLST file.txt"),
            format!(
                "250-Start of list for file.txt\r\n  {}/file.txt\r\n250 End of list\r\n",
                fx.base()
            )
        );
    }
}
