//! The drill's calendar: the scenario's "YYYY-MM-DD HH:MM" start, and the clock it shows after
//! some simulated seconds. Shared by the validator, the client's clock and the server's record
//! stamps, so the calendar arithmetic lives in one place.

/// Checks "YYYY-MM-DD HH:MM" with real calendar days.
pub fn parse_start(s: &str) -> Result<(i32, u32, u32, u32, u32), &'static str> {
    let b = s.as_bytes();
    let shape = b.len() == 16
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b' ',
            13 => c == b':',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return Err("is not in the form YYYY-MM-DD HH:MM");
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (y, mo, d, h, mi) = (num(0..4) as i32, num(5..7), num(8..10), num(11..13), num(14..16));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err("has no such month"),
    };
    if d == 0 || d > days {
        return Err("has no such day");
    }
    if h > 23 || mi > 59 {
        return Err("has no such time of day");
    }
    Ok((y, mo, d, h, mi))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a count of days since 1970-01-01 (Hinnant's civil-from-days).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// The drill clock, "YYYY-MM-DD HH:MM": the start plus `t_s` simulated seconds, days rolling over
/// by the civil calendar. An unparseable start falls back to "T+HH:MM".
pub fn clock_text(start: &str, t_s: u32) -> String {
    let Ok((y, m, d, h, min)) = parse_start(start.trim()) else {
        return format!("T+{:02}:{:02}", t_s / 3600, (t_s / 60) % 60);
    };
    let total_min = i64::from(h) * 60 + i64::from(min) + i64::from(t_s / 60);
    let days = days_from_civil(i64::from(y), i64::from(m), i64::from(d)) + total_min.div_euclid(1440);
    let (y, m, d) = civil_from_days(days);
    let mins = total_min.rem_euclid(1440);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", mins / 60, mins % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_adds_time_across_days_and_months() {
        assert_eq!(clock_text("2024-07-14 22:00", 0), "2024-07-14 22:00");
        assert_eq!(clock_text("2024-07-14 22:00", 3 * 3600 + 59), "2024-07-15 01:00");
        assert_eq!(clock_text("2024-02-28 23:30", 3600), "2024-02-29 00:30");
        assert_eq!(clock_text("2023-12-31 23:00", 7200), "2024-01-01 01:00");
        assert_eq!(clock_text("garbage", 3660), "T+01:01");
    }
}
