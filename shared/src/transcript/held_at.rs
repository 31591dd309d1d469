//! When a dropped transcript's session was held, from what the file says:
//! its name (`2026-10-19 check-in.vtt`, Zoom's `GMT20261019-150312_…`) or
//! the header lines before the first cue or turn (`Date: 19 October 2026`).
//! Speech is never read for it: a date someone mentions is not the session's.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use regex::{Captures, Regex};

/// How much of a file's beginning may hold header lines.
const HEADER_BYTES: usize = 4096;
const HEADER_LINES: usize = 20;

/// A session date or time found in a file name or header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldAtHint {
    /// An instant (Zoom stamps its file names in GMT).
    Instant(DateTime<Utc>),
    /// A wall-clock time in the coach's time zone.
    Local(NaiveDateTime),
    /// Only the day is known.
    Day(NaiveDate),
}

impl HeldAtHint {
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Instant(at) => at.date_naive(),
            Self::Local(at) => at.date(),
            Self::Day(day) => *day,
        }
    }
}

static ZOOM_GMT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)GMT((?:19|20)\d\d)(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)").expect("valid regex")
});

/// `2026-10-19`, `2026_10_19`, `2026.10.19` or `20261019`, optionally followed by `15:30`/`1530`.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^0-9])((?:19|20)\d\d)(?:-(\d\d)-(\d\d)|_(\d\d)_(\d\d)|\.(\d\d)\.(\d\d)|(\d\d)(\d\d))(?:[T _-]([01]\d|2[0-3])[:.h-]?([0-5]\d))?(?:[^0-9]|$)",
    )
    .expect("valid regex")
});

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// `19 October 2026`, `19th Oct, 2026`.
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?[ _-]+{MONTH}\.?,?[ _-]+((?:19|20)\d\d)\b"
    ))
    .expect("valid regex")
});

/// `October 19, 2026`, `Oct 19th 2026`.
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{MONTH}\.?[ _-]+(\d{{1,2}})(?:st|nd|rd|th)?,?[ _-]+((?:19|20)\d\d)\b"
    ))
    .expect("valid regex")
});

/// A header line that names metadata, not a speaker (`Date: …`, `Meeting title: …`).
static METADATA_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:date|time|title|session|meeting|recorded|recording|created|topic|subject|start(?:ed)?)\b[^:]{0,20}:")
        .expect("valid regex")
});

/// A plain-text speaker turn: `Name: words`.
static TURN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^:\s][^:]{0,60}:\s").expect("valid regex"));

/// The session's date from the file name, else from the header, when either
/// carries a plausible one (not in the future as of `now`, not before 2000).
pub fn held_at_hint(
    filename: Option<&str>,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Option<HeldAtHint> {
    let plausible = |hint: &HeldAtHint| {
        let date = hint.date();
        date.year() >= 2000 && date <= now.date_naive() + chrono::Days::new(1)
    };
    filename
        .and_then(find_in)
        .filter(plausible)
        .or_else(|| find_in(&header(bytes)).filter(plausible))
}

/// The lines before the first cue or speaker turn, as text. Zero bytes are
/// dropped so that ASCII in UTF-16 reads as ASCII; other bytes decode lossily
/// (dates are ASCII).
fn header(bytes: &[u8]) -> String {
    let head: Vec<u8> = bytes
        .iter()
        .take(HEADER_BYTES)
        .copied()
        .filter(|b| *b != 0)
        .collect();
    let text = String::from_utf8_lossy(&head);
    let mut lines = Vec::new();
    for line in text.lines().take(HEADER_LINES) {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.contains("-->") || (TURN.is_match(line) && !METADATA_KEY.is_match(line)) {
            break;
        }
        lines.push(line.to_owned());
    }
    lines.join("\n")
}

fn find_in(text: &str) -> Option<HeldAtHint> {
    zoom_gmt(text)
        .or_else(|| numeric(text))
        .or_else(|| written(text))
}

fn number(captures: &Captures<'_>, group: usize) -> Option<u32> {
    captures.get(group)?.as_str().parse().ok()
}

fn zoom_gmt(text: &str) -> Option<HeldAtHint> {
    let c = ZOOM_GMT.captures(text)?;
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(&c, 1)?).ok()?,
        number(&c, 2)?,
        number(&c, 3)?,
    )?;
    let time = NaiveTime::from_hms_opt(number(&c, 4)?, number(&c, 5)?, number(&c, 6)?)?;
    Some(HeldAtHint::Instant(date.and_time(time).and_utc()))
}

fn numeric(text: &str) -> Option<HeldAtHint> {
    NUMERIC.captures_iter(text).find_map(|c| {
        let year = i32::try_from(number(&c, 1)?).ok()?;
        // Whichever separator style matched holds the month and day.
        let (month, day) = [(2, 3), (4, 5), (6, 7), (8, 9)]
            .into_iter()
            .find_map(|(m, d)| Some((number(&c, m)?, number(&c, d)?)))?;
        let date = NaiveDate::from_ymd_opt(year, month, day)?;
        Some(
            match (number(&c, 10), number(&c, 11)) {
                (Some(hour), Some(minute)) => NaiveTime::from_hms_opt(hour, minute, 0)
                    .map(|time| HeldAtHint::Local(date.and_time(time))),
                _ => None,
            }
            .unwrap_or(HeldAtHint::Day(date)),
        )
    })
}

fn month_number(name: &str) -> Option<u32> {
    let prefix: String = name.chars().take(3).collect::<String>().to_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| *m == prefix)
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn written(text: &str) -> Option<HeldAtHint> {
    let day_first = DAY_MONTH_YEAR.captures(text).and_then(|c| {
        NaiveDate::from_ymd_opt(
            i32::try_from(number(&c, 3)?).ok()?,
            month_number(c.get(2)?.as_str())?,
            number(&c, 1)?,
        )
    });
    let month_first = || {
        MONTH_DAY_YEAR.captures(text).and_then(|c| {
            NaiveDate::from_ymd_opt(
                i32::try_from(number(&c, 3)?).ok()?,
                month_number(c.get(1)?.as_str())?,
                number(&c, 2)?,
            )
        })
    };
    day_first.or_else(month_first).map(HeldAtHint::Day)
}

/// The file name without the date it carries, as a readable title:
/// `2026-10-19_weekly-check-in.vtt` → `weekly check in`.
pub fn title_without_date(stem: &str) -> String {
    let without = ZOOM_GMT.replace_all(stem, " ");
    let without = NUMERIC.replace_all(&without, " ");
    let without = DAY_MONTH_YEAR.replace_all(&without, " ");
    let without = MONTH_DAY_YEAR.replace_all(&without, " ");
    without
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-01T10:00:00Z".parse().expect("valid instant")
    }

    fn day(y: i32, m: u32, d: u32) -> Option<HeldAtHint> {
        NaiveDate::from_ymd_opt(y, m, d).map(HeldAtHint::Day)
    }

    #[test]
    fn dates_in_file_names() {
        let hint = |name: &str| held_at_hint(Some(name), b"", now());
        assert_eq!(hint("2026-10-19 check-in.vtt"), day(2026, 10, 19));
        assert_eq!(hint("weekly_2026_03_02.srt"), day(2026, 3, 2));
        assert_eq!(hint("session-20260704.txt"), day(2026, 7, 4));
        assert_eq!(hint("Helen 3rd November 2026.vtt"), day(2026, 11, 3));
        assert_eq!(hint("call March 9, 2026.txt"), day(2026, 3, 9));
        assert_eq!(
            hint("2026-10-19T14.30 review.vtt"),
            NaiveDate::from_ymd_opt(2026, 10, 19)
                .and_then(|d| d.and_hms_opt(14, 30, 0))
                .map(HeldAtHint::Local)
        );
        assert_eq!(
            hint("GMT20261019-150312_Recording.transcript.vtt"),
            Some(HeldAtHint::Instant(
                "2026-10-19T15:03:12Z".parse().expect("instant")
            ))
        );
    }

    #[test]
    fn implausible_or_absent_dates_are_no_hint() {
        let hint = |name: &str| held_at_hint(Some(name), b"", now());
        assert_eq!(hint("session 12.vtt"), None);
        assert_eq!(hint("2026-02-30 check-in.vtt"), None, "no such day");
        assert_eq!(hint("2027-05-01 plan.vtt"), None, "in the future");
        assert_eq!(hint("123456789.vtt"), None, "a number is not a date");
        assert_eq!(held_at_hint(None, b"", now()), None);
    }

    #[test]
    fn header_dates_count_but_spoken_dates_do_not() {
        let vtt = "WEBVTT\n\nNOTE recorded 2026-10-19\n\n00:00:01.000 --> 00:00:02.000\nDana: see you 2026-11-02\n";
        assert_eq!(
            held_at_hint(Some("call.vtt"), vtt.as_bytes(), now()),
            day(2026, 10, 19)
        );
        let plain = "Coaching session\nDate: 19 October 2026\n\nDana: Hello.\nHelen: Hi.\n";
        assert_eq!(
            held_at_hint(None, plain.as_bytes(), now()),
            day(2026, 10, 19)
        );
        let spoken = "Dana: Shall we meet on 2 November 2026?\nHelen: Yes.\n";
        assert_eq!(held_at_hint(None, spoken.as_bytes(), now()), None);
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nDana: 2026-10-19 is the deadline\n";
        assert_eq!(held_at_hint(None, srt.as_bytes(), now()), None);
    }

    #[test]
    fn the_file_name_wins_over_the_header_and_utf16_headers_read() {
        let plain = "Date: 2026-10-01\nDana: Hi.\n";
        assert_eq!(
            held_at_hint(Some("2026-10-02.txt"), plain.as_bytes(), now()),
            day(2026, 10, 2)
        );
        let utf16: Vec<u8> = "Date: 2026-09-30\nDana: Hi.\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(held_at_hint(None, &utf16, now()), day(2026, 9, 30));
    }

    #[test]
    fn titles_lose_the_date() {
        assert_eq!(
            title_without_date("2026-10-19_weekly-check-in"),
            "weekly check in"
        );
        assert_eq!(
            title_without_date("GMT20261019-150312_Recording.transcript"),
            "Recording.transcript"
        );
        assert_eq!(title_without_date("Helen 3 November 2026"), "Helen");
        assert_eq!(title_without_date("2026-10-19"), "");
    }
}
