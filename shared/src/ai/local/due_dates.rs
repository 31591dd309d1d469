//! Resolves the due date stated in a commitment against the session date.
//!
//! Rules (only stated days count; anything vague is `None`):
//! - today / tonight / this morning|afternoon|evening / after this call → the
//!   session date;
//! - tomorrow → the next day;
//! - a weekday ("by Friday", "on Monday", "next Tuesday", "Thursday's review")
//!   → the next such day strictly after the session;
//! - "by the 15th" / "on the fifteenth" → that day this month, or next month
//!   when it has already passed;
//! - "end of the month" → the last day of the session's month;
//! - durations and vague times ("this week", "next week", "in two weeks",
//!   "next session") → `None`.
//!
//! When several are present, an explicit deadline ("by/before/until …") wins,
//! then tomorrow, then same-day words, then a plain weekday.

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use regex::{Captures, Regex};

use super::text::pattern;

const WEEKDAY: &str = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
const ORDINAL: &str = r"(\d{1,2})(?:st|nd|rd|th)|(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|thirty[- ]first)";
const DEADLINE: &str = r"(?:by|before|until|till|no later than|ahead of)";

/// Weekdays that do not name a due day: past ones and recurring ones.
static NOT_A_DUE_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b(?:last|every|each|since|on|from)\s+{WEEKDAY}s\b|\b(?:last|every|each|since)\s+{WEEKDAY}\b|\b{WEEKDAY}s\b|\b{WEEKDAY}\s+(?:mornings|afternoons|evenings|nights)\b"
    ))
});
static END_OF_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b(?:{DEADLINE}\s+|at\s+)?(?:the\s+)?end of (?:the |this )?month\b|\bmonth[- ]end\b"
    ))
});
static DEADLINE_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b{DEADLINE}\s+(?:this\s+|next\s+|the\s+)?(?:coming\s+)?{WEEKDAY}\b"
    ))
});
static DEADLINE_ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b(?:{DEADLINE}|on)\s+the\s+(?:{ORDINAL})\b(?:\s+of\s+(?:the|this)\s+month)?"
    ))
});
static TOMORROW: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b(?:{DEADLINE}\s+)?(?:first thing\s+)?tomorrow(?:\s+(?:morning|afternoon|evening|night))?\b"
    ))
});
static SAME_DAY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b(?:{DEADLINE}\s+)?(?:today|tonight|this (?:morning|afternoon|evening)|later today|(?:right |straight )?after (?:this|the|our) (?:call|session|meeting|chat)|(?:right|straight) after this|(?:the )?end of (?:the )?day)\b",
    ))
});
static ANY_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| pattern(&format!(r"\b{WEEKDAY}(?:'s)?\b")));

/// The due date stated in `text`, resolved against `held_on`.
pub fn resolve_due(text: &str, held_on: NaiveDate) -> Option<NaiveDate> {
    // Blank out weekdays that are in the past or recurring so they cannot
    // be read as a due day; keep byte offsets unchanged.
    let masked = NOT_A_DUE_WEEKDAY.replace_all(text, |caps: &Captures| " ".repeat(caps[0].len()));
    let text = masked.as_ref();

    if END_OF_MONTH.is_match(text) {
        return Some(last_day_of_month(held_on));
    }
    if let Some(caps) = DEADLINE_WEEKDAY.captures(text) {
        return weekday_from(&caps[1]).map(|day| next_weekday_after(held_on, day));
    }
    if let Some(caps) = DEADLINE_ORDINAL.captures(text) {
        return ordinal_from(&caps).and_then(|day| day_of_month_on_or_after(held_on, day));
    }
    if TOMORROW.is_match(text) {
        return held_on.checked_add_days(Days::new(1));
    }
    if SAME_DAY.is_match(text) {
        return Some(held_on);
    }
    if let Some(caps) = ANY_WEEKDAY.captures(text) {
        return weekday_from(&caps[1]).map(|day| next_weekday_after(held_on, day));
    }
    None
}

/// Patterns of due phrases, so an action text can be cleaned of them.
pub(crate) fn due_phrase_patterns() -> [&'static Regex; 5] {
    [
        &*END_OF_MONTH,
        &*DEADLINE_WEEKDAY,
        &*DEADLINE_ORDINAL,
        &*TOMORROW,
        &*SAME_DAY,
    ]
}

fn weekday_from(name: &str) -> Option<Weekday> {
    name.to_lowercase().parse::<Weekday>().ok()
}

/// The next `day` strictly after `date` (a week later if `date` is that day).
pub fn next_weekday_after(date: NaiveDate, day: Weekday) -> NaiveDate {
    let current = date.weekday().num_days_from_monday();
    let target = day.num_days_from_monday();
    let ahead = (target + 7 - current) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    date + Days::new(u64::from(ahead))
}

pub fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|first_of_next| first_of_next.pred_opt())
        .unwrap_or(date)
}

/// Day `day` of `date`'s month, or of the next month when already past.
/// Days beyond a month's length fall on its last day ("the 31st" in June).
fn day_of_month_on_or_after(date: NaiveDate, day: u32) -> Option<NaiveDate> {
    if !(1..=31).contains(&day) {
        return None;
    }
    let this_month = clamp_day(date.with_day(1)?, day);
    if this_month >= date {
        return Some(this_month);
    }
    let first_of_next = last_day_of_month(date).succ_opt()?;
    Some(clamp_day(first_of_next, day))
}

fn clamp_day(first_of_month: NaiveDate, day: u32) -> NaiveDate {
    let last = last_day_of_month(first_of_month);
    first_of_month.with_day(day.min(last.day())).unwrap_or(last)
}

fn ordinal_from(caps: &Captures) -> Option<u32> {
    if let Some(digits) = caps.get(1) {
        return digits.as_str().parse().ok();
    }
    let word = caps.get(2)?.as_str().to_lowercase().replace(' ', "-");
    const UNITS: [&str; 9] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    ];
    const TEENS: [&str; 10] = [
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
    ];
    let position = |list: &[&str], w: &str| list.iter().position(|x| *x == w);
    if let Some(unit) = position(&UNITS, &word) {
        return Some(unit as u32 + 1);
    }
    if let Some(teen) = position(&TEENS, &word) {
        return Some(teen as u32 + 10);
    }
    match word.as_str() {
        "twentieth" => Some(20),
        "thirtieth" => Some(30),
        _ => {
            let (tens, unit) = word.split_once('-')?;
            let base = match tens {
                "twenty" => 20,
                "thirty" => 30,
                _ => return None,
            };
            position(&UNITS, unit).map(|u| base + u as u32 + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn rule_table() {
        // A Tuesday.
        let held = date(2026, 9, 8);
        let cases: &[(&str, Option<NaiveDate>)] = &[
            ("I'll send it today", Some(held)),
            ("I'll tell her tonight.", Some(held)),
            ("I'll do it this afternoon", Some(held)),
            ("I'll do it this evening", Some(held)),
            ("I'll ring her straight after the session.", Some(held)),
            ("I'll ring him tomorrow", Some(date(2026, 9, 9))),
            ("first thing tomorrow morning", Some(date(2026, 9, 9))),
            ("by Friday", Some(date(2026, 9, 11))),
            ("I'll call on Monday", Some(date(2026, 9, 14))),
            ("next Monday", Some(date(2026, 9, 14))),
            // The same weekday as the session means next week's.
            ("by Tuesday", Some(date(2026, 9, 15))),
            ("before Thursday's review", Some(date(2026, 9, 10))),
            ("Saturday morning", Some(date(2026, 9, 12))),
            ("by the 15th", Some(date(2026, 9, 15))),
            ("on the twenty-first", Some(date(2026, 9, 21))),
            // Already past this month → next month.
            ("by the 3rd", Some(date(2026, 10, 3))),
            ("before the end of the month", Some(date(2026, 9, 30))),
            ("this week", None),
            ("next week", None),
            ("at our next session", None),
            ("in two weeks", None),
            ("for the next two weeks", None),
            ("soon", None),
        ];
        for (text, expected) in cases {
            assert_eq!(resolve_due(text, held), *expected, "{text}");
        }
    }

    #[test]
    fn deadline_beats_other_weekdays_and_recurring_days_are_ignored() {
        let held = date(2026, 9, 14); // Monday
        assert_eq!(
            resolve_due(
                "By Sunday I'll have checked the Wednesday evenings rota.",
                held
            ),
            Some(date(2026, 9, 20))
        );
        assert_eq!(resolve_due("we meet on Thursdays", held), None);
        assert_eq!(resolve_due("last Friday was hard", held), None);
    }

    #[test]
    fn month_and_year_rollover() {
        assert_eq!(
            resolve_due("by the 10th", date(2026, 12, 20)),
            Some(date(2027, 1, 10))
        );
        assert_eq!(
            resolve_due("by the 31st", date(2026, 6, 2)),
            Some(date(2026, 6, 30))
        );
        assert_eq!(
            resolve_due("end of the month", date(2028, 2, 3)),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            resolve_due("by Monday", date(2026, 12, 30)),
            Some(date(2027, 1, 4))
        );
        assert_eq!(
            resolve_due("tomorrow", date(2026, 12, 31)),
            Some(date(2027, 1, 1))
        );
    }
}
