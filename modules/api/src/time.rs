//! UTC calendar arithmetic without the C library's time zone machinery,
//! shared by MDTM, the MLSx `modify` fact and the LIST date column.

/// Days since 1970-01-01 to the civil date (proleptic Gregorian).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
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
}
