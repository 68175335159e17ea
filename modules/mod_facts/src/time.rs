//! UTC calendar arithmetic for the `modify` fact and for MFMT/MFF, without
//! the C library's time zone machinery: facts are always UTC.

/// Days since 1970-01-01 to the civil date (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days-to-civil algorithm, in 400-year eras.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYYMMDDHHMMSS` of a Unix time, in UTC (the `modify` fact).
pub fn utc_stamp(secs: i64) -> String {
    let mut out = Vec::with_capacity(14);
    push_stamp(&mut out, secs);
    String::from_utf8_lossy(&out).into_owned()
}

/// Appends [`utc_stamp`]'s text to `out` without allocating (C's
/// `%04d%02d%02d%02d%02d%02d`; a year outside 0-9999 is written in full).
pub fn push_stamp(out: &mut Vec<u8>, secs: i64) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    if (0..10_000).contains(&y) {
        let y = y as u32;
        out.extend_from_slice(&[
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
        ]);
    } else {
        out.extend_from_slice(format!("{y:04}").as_bytes());
    }
    for v in [
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    ] {
        out.extend_from_slice(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
    }
}

/// Days before each month, normal and leap years.
const YDAYS: [[i64; 13]; 2] = [
    [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
    [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
];

fn leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Seconds since the epoch of a broken-down UTC time, with ProFTPD's own
/// arithmetic: fields are not normalised first, so `20200230246060` (30
/// February, 24:60:60) lands on 2020-03-02 01:01:00, as on 1.3.8. The
/// caller has range-checked the fields (month 1-12, year from 1970).
pub fn mktime_utc(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64) -> i64 {
    let y = year - 1;
    let mut days = (year - 1970) * 365;
    days += y / 4 - 1970 / 4;
    days -= y / 100 - 1970 / 100;
    days += y / 400 - 1970 / 400;
    let month_idx = usize::try_from(month - 1).unwrap_or(0).min(11);
    days += YDAYS[usize::from(leap(year))][month_idx];
    days += day - 1;
    days * 86_400 + hour * 3600 + min * 60 + sec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        assert_eq!(utc_stamp(0), "19700101000000");
        assert_eq!(utc_stamp(1_795_505_487), "20261124073127");
        assert_eq!(utc_stamp(951_782_400), "20000229000000");
        assert_eq!(utc_stamp(-1), "19691231235959");
        assert_eq!(utc_stamp(253_402_300_799), "99991231235959");
        assert_eq!(utc_stamp(253_402_300_800), "100000101000000");
        // C's %04d of year -1.
        assert_eq!(utc_stamp(-62_198_755_200), "-0010101000000");
    }

    #[test]
    fn mktime_matches_1_3_8() {
        assert_eq!(mktime_utc(2020, 1, 1, 0, 0, 0), 1_577_836_800);
        assert_eq!(mktime_utc(2020, 2, 30, 24, 60, 60), 1_583_110_860);
        assert_eq!(mktime_utc(1970, 1, 1, 0, 0, 0), 0);
        assert_eq!(mktime_utc(2000, 3, 1, 0, 0, 0), 951_868_800);
        for t in [0i64, 86_399, 951_782_400, 1_795_505_487, 4_102_444_800] {
            let s = utc_stamp(t);
            let f = |a: usize, b: usize| s[a..b].parse::<i64>().expect("digits");
            assert_eq!(
                mktime_utc(f(0, 4), f(4, 6), f(6, 8), f(8, 10), f(10, 12), f(12, 14)),
                t
            );
        }
    }
}
