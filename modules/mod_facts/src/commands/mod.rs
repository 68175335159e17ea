//! mod_facts' commands, one file per verb (RFC 3659 §7 for MLST/MLSD and
//! OPTS MLST; draft-somers-ftp-mfxx for MFMT and MFF), and what they share.

pub mod mff;
pub mod mfmt;
pub mod mlsd;
pub mod mlst;
pub mod opts_mlst;

use proftpd_api::cmd::{CmdClass, CmdGroup};
use proftpd_api::module::{CmdEntry, HelpEntry};

/// `501 Invalid number of parameters`.
pub const BAD_PARAM_COUNT: &str = "Invalid number of parameters";

pub static COMMANDS: &[CmdEntry] = &[
    CmdEntry::cmd(
        "MFF",
        Some(CmdGroup::Write),
        true,
        CmdClass::WRITE,
        mff::mff,
    ),
    CmdEntry::cmd(
        "MFMT",
        Some(CmdGroup::Write),
        true,
        CmdClass::WRITE,
        mfmt::mfmt,
    ),
    CmdEntry::cmd(
        "MLSD",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::DIRS,
        mlsd::mlsd,
    ),
    CmdEntry::cmd(
        "MLST",
        Some(CmdGroup::Dirs),
        true,
        CmdClass::DIRS,
        mlst::mlst,
    ),
    CmdEntry::cmd(
        "OPTS_MLST",
        None,
        false,
        CmdClass::NONE,
        opts_mlst::opts_mlst,
    ),
];

/// 1.3.8 lists MLSD and MLST in HELP (not MFF or MFMT).
pub static HELP: &[HelpEntry] = &[
    HelpEntry {
        command: "MLSD",
        syntax: "[<sp> pathname]",
        implemented: true,
    },
    HelpEntry {
        command: "MLST",
        syntax: "[<sp> pathname]",
        implemented: true,
    },
];

/// What follows the first space of the argument: the path of MFMT and MFF
/// (it may hold spaces). As 1.3.8, a second space right after the verb
/// makes the first word the "path".
pub fn path_after_first_word(arg: &[u8]) -> Option<&[u8]> {
    arg.iter().position(|&b| b == b' ').map(|i| &arg[i + 1..])
}

/// Parses the `YYYYMMDDHHMMSS` of MFMT and MFF's `modify` (already cut at
/// any `.`) as 1.3.8 does: each field read with C's `atoi` (so trailing
/// junk in a field is ignored), the year at least 1970, month 1-12, day
/// 1-31, hour 0-24, minute 0-60, second 0-61. `None` means EINVAL.
pub fn parse_timestamp(ts: &[u8]) -> Option<i64> {
    let field = |from: usize, to: Option<usize>| -> i64 {
        let end = to.map_or(ts.len(), |t| t.min(ts.len()));
        ts.get(from..end).map_or(0, atoi)
    };
    let year = field(0, Some(4));
    let month = field(4, Some(6));
    let day = field(6, Some(8));
    let hour = field(8, Some(10));
    let min = field(10, Some(12));
    let sec = field(12, None);
    let ok = year >= 1970
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..=24).contains(&hour)
        && (0..=60).contains(&min)
        && (0..=61).contains(&sec);
    ok.then(|| crate::time::mktime_utc(year, month, day, hour, min, sec))
}

/// C's `atoi`: leading white space, a sign, then digits up to the first
/// other byte (saturating instead of C's undefined overflow).
pub fn atoi(s: &[u8]) -> i64 {
    let mut i = s
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .unwrap_or(s.len());
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut n: i64 = 0;
    for &b in s[i..].iter().take_while(|b| b.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg { -n } else { n }
}

/// Sets a file's access and modification times (MFMT, MFF `modify`),
/// following symlinks as `utimes(2)` does.
pub fn set_mtime(path: &[u8], secs: i64) -> std::io::Result<()> {
    let tv = nix::sys::time::TimeVal::new(secs, 0);
    nix::sys::stat::utimes(&proftpd_api::path::fs_path(path), &tv, &tv)
        .map_err(|e| std::io::Error::from_raw_os_error(e as i32))
}

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_as_1_3_8_reads_them() {
        let table: &[(&str, Option<i64>)] = &[
            ("20200101000000", Some(1_577_836_800)),
            ("2020010100000x", Some(1_577_836_800)),
            ("20200230246060", Some(1_583_110_860)),
            ("20201301000000", None),
            ("19690101000000", None),
            ("abcdefghijklmn", None),
            ("20200100000000", None),
            ("20200101250000", None),
            ("20200101006100", None),
            ("20200101000062", None),
            ("2020010100000062", None),
            ("2020010100000061", Some(1_577_836_861)),
            ("202001010000006", Some(1_577_836_806)),
            ("2020", None),
            ("", None),
            (
                "20200101000000000000000000000000000000000",
                Some(1_577_836_800),
            ),
            ("99999999999999999999999999999999999999999", None),
        ];
        for (ts, want) in table {
            assert_eq!(parse_timestamp(ts.as_bytes()), *want, "{ts}");
        }
    }

    #[test]
    fn atoi_is_c_atoi() {
        assert_eq!(atoi(b"12ab"), 12);
        assert_eq!(atoi(b" -3"), -3);
        assert_eq!(atoi(b"+7"), 7);
        assert_eq!(atoi(b"x1"), 0);
        assert_eq!(atoi(b""), 0);
    }

    #[test]
    fn path_split() {
        assert_eq!(path_after_first_word(b"ts a b"), Some(&b"a b"[..]));
        assert_eq!(path_after_first_word(b" ts a"), Some(&b"ts a"[..]));
        assert_eq!(path_after_first_word(b"ts"), None);
    }
}
