//! MFF (draft-somers-ftp-mfxx §4): set facts of a file: `modify` (as MFMT),
//! `UNIX.group` (as SITE CHGRP: a gid, or a group name) and `UNIX.mode` (as
//! SITE CHMOD: octal).
//!
//! `MFF fact=value;... <path>` answers `213 <facts> <path>` with the facts
//! as sent. The facts are applied in order and a failure stops there (the
//! earlier ones stay applied), with 1.3.8's replies: no `;` at all
//! `550 <facts>: Invalid argument`; another fact
//! `504 Cannot modify fact '<fact=value>'`; a fact without `=`
//! `501 <facts>: <errno>`; a bad value `501 <path>: Invalid argument`; the
//! file system's refusal `550 <path>: <errno>` for ENOENT, else 501.
//! A piece after the last `;` is ignored.

use proftpd_api::module::ModRet;
use proftpd_api::path::{chroot_guard, fs_path, join};
use proftpd_api::reply::{errno_text, path_reason};
use proftpd_api::session::CmdCtx;

use super::mfmt::{STAMP_LEN, cut_fraction, einval, fs_failure};
use super::{BAD_PARAM_COUNT, parse_timestamp, path_after_first_word, set_mtime};

/// Why one fact could not be applied: the reply code and text it gets.
type Refusal = (u16, Vec<u8>);

pub fn mff(ctx: &mut CmdCtx<'_>) -> ModRet {
    let args = ctx.cmd.args();
    if args.len() < 2 {
        ctx.reply_err(501, BAD_PARAM_COUNT);
        return ModRet::Error;
    }
    let facts = args[0].to_vec();
    let Some(path) = path_after_first_word(&ctx.cmd.arg).map(<[u8]>::to_vec) else {
        ctx.reply_err(501, "Invalid command syntax");
        return ModRet::Error;
    };
    if !facts.contains(&b';') {
        ctx.reply_err(550, path_reason(&facts, &errno_text(&einval())));
        return ModRet::Error;
    }
    let target = join(&ctx.session.cwd, &path);
    if let Err(e) = chroot_guard(ctx.session, &target) {
        ctx.reply_err(550, path_reason(&path, &errno_text(&e)));
        return ModRet::Error;
    }
    let mut start = 0;
    while let Some(len) = facts[start..].iter().position(|&b| b == b';') {
        let fact = &facts[start..start + len];
        if let Err((code, text)) = apply(ctx, &facts, start + len, fact, &path, &target) {
            ctx.reply_err(code, text);
            return ModRet::Error;
        }
        start += len + 1;
    }
    let mut text = facts;
    text.push(b' ');
    text.extend_from_slice(&path);
    ctx.reply(213, text);
    ModRet::Handled
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Applies one `fact=value` (`end` is where its `;` sits in `facts`).
fn apply(
    ctx: &mut CmdCtx<'_>,
    facts: &[u8],
    end: usize,
    fact: &[u8],
    path: &[u8],
    target: &[u8],
) -> Result<(), Refusal> {
    let value = fact.iter().position(|&b| b == b'=').map(|i| &fact[i + 1..]);
    let failed = |e: std::io::Error| fs_failure(path, &e);
    if starts_with_ci(fact, b"modify") {
        // 1.3.8 names the facts only up to this one here.
        let Some(ts) = value else {
            return Err((501, path_reason(&facts[..end], &errno_text(&einval()))));
        };
        if ts.len() < STAMP_LEN {
            return Err((501, path_reason(ts, &errno_text(&einval()))));
        }
        let secs = parse_timestamp(cut_fraction(ts)).ok_or_else(|| failed(einval()))?;
        set_mtime(target, secs).map_err(failed)
    } else if starts_with_ci(fact, b"UNIX.group") {
        let Some(group) = value else {
            return Err((501, path_reason(facts, &errno_text(&einval()))));
        };
        let gid = match strtoul(group, 10) {
            Some(g) => g as u32,
            None => ctx
                .session
                .names
                .groups
                .iter()
                .find(|(_, n)| n.as_bytes() == group)
                .map(|(g, _)| *g)
                .ok_or_else(|| failed(einval()))?,
        };
        std::os::unix::fs::chown(fs_path(target), None, Some(gid)).map_err(failed)
    } else if starts_with_ci(fact, b"UNIX.mode") {
        let Some(mode) = value else {
            // 1.3.8 reports whatever errno was left over here: ENOENT.
            let stale = std::io::Error::from_raw_os_error(nix::libc::ENOENT);
            return Err((501, path_reason(facts, &errno_text(&stale))));
        };
        let mode = strtoul(mode, 8).ok_or_else(|| failed(einval()))?;
        let perms = std::os::unix::fs::PermissionsExt::from_mode((mode & 0o7777) as u32);
        std::fs::set_permissions(fs_path(target), perms).map_err(failed)
    } else {
        let mut text = b"Cannot modify fact '".to_vec();
        text.extend_from_slice(fact);
        text.push(b'\'');
        Err((504, text))
    }
}

/// C's `strtoul` where the whole string must be consumed: leading white
/// space, an optional sign, digits of `radix` (none at all reads as 0,
/// as in C). `None` when anything else is left over.
fn strtoul(s: &[u8], radix: u32) -> Option<u64> {
    let t = s
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .map_or(&s[s.len()..], |i| &s[i..]);
    let (neg, digits) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() {
        // No digits: strtoul leaves its end pointer at the start.
        return if s.is_empty() { Some(0) } else { None };
    }
    let mut n: u64 = 0;
    for &b in digits {
        let d = char::from(b).to_digit(radix)?;
        n = n
            .saturating_mul(u64::from(radix))
            .saturating_add(u64::from(d));
    }
    Some(if neg { n.wrapping_neg() } else { n })
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{Fixture, run};

    #[test]
    fn replies_as_1_3_8() {
        let fx = Fixture::new("mff");
        let mut s = fx.session();
        let table: &[(&str, &str)] = &[
            ("MFF", "501 Invalid number of parameters\r\n"),
            (
                "MFF modify=20200101000000;",
                "501 Invalid number of parameters\r\n",
            ),
            (
                "MFF modify=20200101000000 file.txt",
                "550 modify=20200101000000: Invalid argument\r\n",
            ),
            (
                "MFF modify=20200101000000; file.txt",
                "213 modify=20200101000000; file.txt\r\n",
            ),
            (
                "MFF UNIX.mode=0600;modify=20210101000000; file.txt",
                "213 UNIX.mode=0600;modify=20210101000000; file.txt\r\n",
            ),
            (
                "MFF UNIX.mode; file.txt",
                "501 UNIX.mode;: No such file or directory\r\n",
            ),
            (
                "MFF UNIX.mode=abc; file.txt",
                "501 file.txt: Invalid argument\r\n",
            ),
            (
                "MFF UNIX.group=nosuch; file.txt",
                "501 file.txt: Invalid argument\r\n",
            ),
            (
                "MFF UNIX.groupname=x; file.txt",
                "501 file.txt: Invalid argument\r\n",
            ),
            (
                "MFF UNIX.group; file.txt",
                "501 UNIX.group;: Invalid argument\r\n",
            ),
            (
                "MFF perm=r; file.txt",
                "504 Cannot modify fact 'perm=r'\r\n",
            ),
            (
                "MFF UNIX.owner=0; file.txt",
                "504 Cannot modify fact 'UNIX.owner=0'\r\n",
            ),
            ("MFF modify; file.txt", "501 modify: Invalid argument\r\n"),
            (
                "MFF UNIX.mode=0600;modify;x; file.txt",
                "501 UNIX.mode=0600;modify: Invalid argument\r\n",
            ),
            (
                "MFF modify=2020; file.txt",
                "501 2020: Invalid argument\r\n",
            ),
            (
                "MFF UNIX.mode=644; nope",
                "550 nope: No such file or directory\r\n",
            ),
            (
                "MFF modify=20200101000000;bogus file.txt",
                "213 modify=20200101000000;bogus file.txt\r\n",
            ),
            (
                "MFF Modify=19000101000000; file.txt",
                "501 file.txt: Invalid argument\r\n",
            ),
            (
                "MFF UNIX.mode=0640; sp ace",
                "213 UNIX.mode=0640; sp ace\r\n",
            ),
        ];
        for (line, want) in table {
            assert_eq!(run(&mut s, super::mff, line), *want, "{line}");
        }
        assert_eq!(fx.mode("sp ace"), 0o640);
        assert_eq!(fx.mode("file.txt"), 0o600);
        assert_eq!(fx.mtime("file.txt"), 1_577_836_800);
        let gid = fx.gid();
        assert_eq!(
            run(
                &mut s,
                super::mff,
                &format!("MFF UNIX.group={gid}; file.txt")
            ),
            format!("213 UNIX.group={gid}; file.txt\r\n")
        );
        assert_eq!(
            run(&mut s, super::mff, "MFF UNIX.group=demo; file.txt"),
            "213 UNIX.group=demo; file.txt\r\n"
        );
        assert_eq!(
            run(&mut s, super::mff, "MFF UNIX.mode=; file.txt"),
            "213 UNIX.mode=; file.txt\r\n"
        );
        assert_eq!(fx.mode("file.txt"), 0);
    }

    #[test]
    fn hostile_input_as_1_3_8() {
        let fx = Fixture::new("mff_hostile");
        let mut s = fx.session();
        let table: &[(&[u8], &[u8])] = &[
            (b"MFF ;;; file.txt", b"504 Cannot modify fact ''\r\n"),
            (b"MFF =; file.txt", b"504 Cannot modify fact '='\r\n"),
            (
                b"MFF \xfe=1; file.txt",
                b"504 Cannot modify fact '\xfe=1'\r\n",
            ),
            (
                b"MFF modify=99999999999999999999999; file.txt",
                b"501 file.txt: Invalid argument\r\n",
            ),
            (
                b"MFF UNIX.mode=77777777777777777777777; file.txt",
                b"213 UNIX.mode=77777777777777777777777; file.txt\r\n",
            ),
            (
                b"MFMT -0000101000000 file.txt",
                b"501 file.txt: Invalid argument\r\n",
            ),
        ];
        for (line, want) in table {
            let handler = if line.starts_with(b"MFF") {
                super::mff
            } else {
                crate::commands::mfmt::mfmt
            };
            let got = proftpd_api::testing::run_bytes(&mut s, handler, line).1;
            assert_eq!(
                got.escape_ascii().to_string(),
                want.escape_ascii().to_string()
            );
        }
        // The saturated mode is all of 07777, as C's strtoul and chmod give.
        assert_eq!(fx.mode("file.txt"), 0o7777);
    }

    #[test]
    fn strtoul_reads_whole_words() {
        assert_eq!(super::strtoul(b"0644", 8), Some(0o644));
        assert_eq!(super::strtoul(b"", 8), Some(0));
        assert_eq!(super::strtoul(b"8", 8), None);
        assert_eq!(super::strtoul(b"12x", 10), None);
        assert_eq!(super::strtoul(b" 7", 10), Some(7));
    }
}
