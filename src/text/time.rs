//! Dates and times in UTC, as claimdb writes them (ISO 8601), without a
//! time zone database: records say when they were made, exports when
//! they were written.

/// Today's date in UTC, as `2026-11-29`: what a review is dated by default.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

/// The calendar date of a day number counted from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
pub(crate) fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The time now, in UTC: `2026-12-07T05:16:53Z`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    format!("{}T{h:02}:{m:02}:{s:02}Z", civil_date(secs / 86_400))
}

thread_local! {
    /// This thread's fixed clock, in milliseconds since 1970 ([`fix_clock`]).
    static FIXED_CLOCK: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Fixes the clock versions are stamped by, on this thread, at `at` (a
/// date or a UTC timestamp as `as of` takes them; a date is its first
/// moment), or lets it run again (`None`). Each reading of a fixed clock
/// moves it on by one millisecond, so stamps still sort as they were
/// made. This is for tests whose output shows stamps (a golden file of
/// history): the stamps are then the same at every run. `None` is returned
/// for a moment that does not parse.
pub fn fix_clock(at: Option<&str>) -> Option<()> {
    let millis = match at {
        Some(at) => Some(millis_of(at)?),
        None => None,
    };
    FIXED_CLOCK.with(|c| c.set(millis));
    Some(())
}

/// Milliseconds since 1970 of a date (its first moment) or a UTC timestamp.
fn millis_of(at: &str) -> Option<u64> {
    let stamp = first_moment(at)?;
    let n = |r: std::ops::Range<usize>| stamp.get(r)?.parse::<u64>().ok();
    let days = days_from_civil(n(0..4)?, n(5..7)?, n(8..10)?);
    let secs = days * 86_400 + n(11..13)? * 3600 + n(14..16)? * 60 + n(17..19)?;
    Some(secs * 1000 + n(20..23)?)
}

/// The first moment of a date, or of a UTC timestamp (one without
/// milliseconds is its first millisecond), as a version stamp:
/// `2026-11-01T00:00:00.000Z`. What `prune-history --before` keeps from.
pub fn first_moment(when: &str) -> Option<String> {
    let when = when.trim();
    if when.len() == 10 {
        return as_of_bound(&format!("{when}T00:00:00.000Z"));
    }
    let bound = as_of_bound(when)?;
    Some(if when.contains('.') {
        bound
    } else {
        format!("{}000Z", &bound[..20])
    })
}

/// Whether `s` is a version stamp as claimdb writes them: a UTC
/// timestamp to the millisecond (`2026-11-01T09:30:00.000Z`).
pub fn is_stamp(s: &str) -> bool {
    as_of_bound(s).as_deref() == Some(s)
}

/// The day number counted from 1970-01-01 of a calendar date (Howard
/// Hinnant's `days_from_civil`, the inverse of [`civil_date`]).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = year as i64 - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468).max(0) as u64
}

/// The time now, in UTC, to the millisecond: `2026-12-07T05:16:53.042Z`
/// (what a version is stamped with; such stamps sort as they happened).
/// A clock fixed with [`fix_clock`] gives its moment instead.
pub fn now_utc_millis() -> String {
    let millis = FIXED_CLOCK.with(|c| {
        let fixed = c.get()?;
        c.set(Some(fixed + 1));
        Some(fixed)
    });
    let millis = millis.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    });
    let secs = millis / 1000;
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    format!(
        "{}T{h:02}:{m:02}:{s:02}.{:03}Z",
        civil_date(secs / 86_400),
        millis % 1000
    )
}

/// The last moment `as of "WHEN"` takes in, as a version stamp compares:
/// the end of a day for a date (`2026-11-01`), else the timestamp itself
/// (`2026-11-01T09:30:00Z`, seconds or milliseconds). `None` for anything
/// else.
pub fn as_of_bound(when: &str) -> Option<String> {
    let when = when.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let date_ok = |d: &str| {
        let parts: Vec<&str> = d.split('-').collect();
        parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| digits(p))
            && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
            && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0))
    };
    if when.len() == 10 {
        return date_ok(when).then(|| format!("{when}T23:59:59.999Z"));
    }
    let (date, time) = when.split_once('T')?;
    let time = time.strip_suffix('Z')?;
    let (hms, millis) = match time.split_once('.') {
        Some((hms, ms)) if ms.len() == 3 && digits(ms) => (hms, ms.to_string()),
        Some(_) => return None,
        None => (time, "999".to_string()),
    };
    let hms_ok = hms.len() == 8
        && hms.split(':').count() == 3
        && hms.split(':').all(|p| p.len() == 2 && digits(p));
    (date_ok(date) && hms_ok).then(|| format!("{date}T{hms}.{millis}Z"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(19_782), "2024-02-29");
        assert_eq!(super::civil_date(20_786), "2026-11-29");
    }

    #[test]
    fn a_fixed_clock_gives_its_moment_and_moves_on_a_millisecond() {
        assert_eq!(super::days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(super::days_from_civil(1970, 1, 1), 0);
        super::fix_clock(Some("2026-11-01T09:30:00Z")).unwrap();
        assert_eq!(super::now_utc_millis(), "2026-11-01T09:30:00.000Z");
        assert_eq!(super::now_utc_millis(), "2026-11-01T09:30:00.001Z");
        super::fix_clock(Some("2026-03-03")).unwrap();
        assert_eq!(super::now_utc_millis(), "2026-03-03T00:00:00.000Z");
        assert!(super::fix_clock(Some("soon")).is_none());
        super::fix_clock(None).unwrap();
        assert!(super::now_utc_millis().as_str() > "2026-03-04");
    }

    #[test]
    fn now_is_a_utc_timestamp() {
        let now = super::now_utc();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
    }
}
