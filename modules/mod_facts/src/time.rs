//! UTC calendar arithmetic for the `modify` fact and for MFMT/MFF, without
//! the C library's time zone machinery: facts are always UTC.

pub use proftpd_api::time::{push_stamp, utc_stamp};

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
