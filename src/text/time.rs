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

/// The time now, in UTC, to the millisecond: `2026-12-07T05:16:53.042Z`
/// (what a version is stamped with; such stamps sort as they happened).
pub fn now_utc_millis() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    format!(
        "{}T{h:02}:{m:02}:{s:02}.{:03}Z",
        civil_date(secs / 86_400),
        d.subsec_millis()
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
    fn now_is_a_utc_timestamp() {
        let now = super::now_utc();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
    }
}
