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
//! - a named holiday ("by Christmas", "before Thanksgiving", "over Easter")
//!   → its next date on or after the session (fixed dates, the US
//!   weekday-rule holidays, and Easter by the Gregorian computus);
//! - a recurring arrangement ("every Monday before my shifts", "each
//!   morning", "twice a week") → `None`: there is no single due day, and
//!   [`recurrence`] names how often instead;
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
        r"\b(?:{DEADLINE}|on|for|ready\s+for|in\s+time\s+for)\s+the\s+(?:{ORDINAL})\b(?:\s+of\s+(?:the|this)\s+month)?"
    ))
});
static TOMORROW: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b(?:{DEADLINE}\s+)?(?:first thing\s+)?tomorrow(?:\s+(?:morning|afternoon|evening|night))?\b"
    ))
});
static SAME_DAY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b(?:{DEADLINE}\s+)?(?:today|tonight|this (?:morning|afternoon|evening)|later today|(?:right |straight )?after (?:this|the|our) (?:call|session|meeting|chat)|(?:right|straight) after (?:this|we (?:finish|hang up|stop|end))|(?:the )?end of (?:the )?day|(?:once|when|as soon as|the minute|the moment|after) we(?:'re| are)? (?:hang up|hung up|finish|finished|done|off (?:the|this) (?:call|phone)|get off (?:the|this) (?:call|phone)|wrap up|stop))\b",
    ))
});
/// Holidays by name; [`holiday_on_or_after`] dates them.
static HOLIDAY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(christmas\s+eve|christmas(?:\s+day)?|xmas|boxing\s+day|new\s+year'?s\s+eve|new\s+year'?s(?:\s+day)?|new\s+year|valentine'?s(?:\s+day)?|halloween|easter\s+(?:sunday|monday)|easter|good\s+friday|thanksgiving|independence\s+day|the\s+fourth\s+of\s+july|july\s+(?:the\s+)?4th|memorial\s+day|labou?r\s+day|mother'?s\s+day|father'?s\s+day)\b",
    )
});
/// Arrangements that repeat, so no single day is due.
static RECURRING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"\b(?:every|each)\s+(?:single\s+|other\s+)?(?:day|morning|afternoon|evening|night|week|weekday|weekend|month|fortnight|{WEEKDAY}|time\s+I)\b(?:\s+(?:before|after|at|when)\s+[\w' ]{{1,30}}?(?:[.,;!?]|$))?|\b(?:once|twice|three\s+times|two\s+or\s+three\s+times|a\s+couple\s+of\s+times)\s+a\s+(?:day|week|month|fortnight)\b|\b(?:daily|weekly|nightly|fortnightly)\b|\bon\s+{WEEKDAY}s\b|\b{WEEKDAY}s\s+and\s+{WEEKDAY}s\b|\bmost\s+(?:days|mornings|evenings|nights)\b"
    ))
});
static ANY_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| pattern(&format!(r"\b{WEEKDAY}(?:'s)?\b")));

/// The due date stated in `text`, resolved against `held_on`.
pub fn resolve_due(text: &str, held_on: NaiveDate) -> Option<NaiveDate> {
    // Blank out weekdays that are in the past or recurring so they cannot
    // be read as a due day; keep byte offsets unchanged.
    let masked = NOT_A_DUE_WEEKDAY.replace_all(text, |caps: &Captures| " ".repeat(caps[0].len()));
    let text = masked.as_ref();

    if RECURRING.is_match(text) {
        return None;
    }
    if END_OF_MONTH.is_match(text) {
        return Some(last_day_of_month(held_on));
    }
    if let Some(caps) = DEADLINE_WEEKDAY.captures(text) {
        return weekday_from(&caps[1]).map(|day| next_weekday_after(held_on, day));
    }
    if let Some(caps) = DEADLINE_ORDINAL.captures(text) {
        return ordinal_from(&caps).and_then(|day| day_of_month_on_or_after(held_on, day));
    }
    if let Some(caps) = HOLIDAY.captures(text) {
        return holiday_on_or_after(&caps[1], held_on);
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

/// How often a recurring commitment repeats, as said ("every Monday
/// before my shifts"); `None` for a one-off.
pub fn recurrence(text: &str) -> Option<String> {
    RECURRING.find(text).map(|m| {
        m.as_str()
            .trim()
            .trim_end_matches(['.', ',', ';', '!', '?'])
            .to_string()
    })
}

/// Patterns of due phrases, so an action text can be cleaned of them (how
/// often something repeats stays in the text: it is part of what to do).
pub(crate) fn due_phrase_patterns() -> [&'static Regex; 5] {
    [
        &*END_OF_MONTH,
        &*DEADLINE_WEEKDAY,
        &*DEADLINE_ORDINAL,
        &*TOMORROW,
        &*SAME_DAY,
    ]
}

/// The holiday's next date on or after `date`.
fn holiday_on_or_after(name: &str, date: NaiveDate) -> Option<NaiveDate> {
    let name = name.to_lowercase().replace(['\'', '’'], "");
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let in_year = |year: i32| -> Option<NaiveDate> {
        let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
        match name.as_str() {
            "christmas eve" => fixed(12, 24),
            "christmas" | "christmas day" | "xmas" => fixed(12, 25),
            "boxing day" => fixed(12, 26),
            "new years eve" => fixed(12, 31),
            "new years" | "new years day" | "new year" => fixed(1, 1),
            "valentines" | "valentines day" => fixed(2, 14),
            "halloween" => fixed(10, 31),
            "independence day" | "the fourth of july" | "july 4th" | "july the 4th" => fixed(7, 4),
            "easter" | "easter sunday" => easter_sunday(year),
            "easter monday" => easter_sunday(year)?.succ_opt(),
            "good friday" => easter_sunday(year)?.checked_sub_days(Days::new(2)),
            "thanksgiving" => NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Thu, 4),
            "memorial day" => last_weekday_of_month(year, 5, Weekday::Mon),
            "labor day" | "labour day" => {
                NaiveDate::from_weekday_of_month_opt(year, 9, Weekday::Mon, 1)
            }
            "mothers day" => NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Sun, 2),
            "fathers day" => NaiveDate::from_weekday_of_month_opt(year, 6, Weekday::Sun, 3),
            _ => None,
        }
    };
    match in_year(date.year()) {
        Some(this_year) if this_year >= date => Some(this_year),
        _ => in_year(date.year() + 1),
    }
}

fn last_weekday_of_month(year: i32, month: u32, day: Weekday) -> Option<NaiveDate> {
    let last = last_day_of_month(NaiveDate::from_ymd_opt(year, month, 1)?);
    let back = (last.weekday().num_days_from_monday() + 7 - day.num_days_from_monday()) % 7;
    last.checked_sub_days(Days::new(u64::from(back)))
}

/// Western Easter Sunday (the anonymous Gregorian algorithm).
fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
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
    fn the_end_of_the_call_holidays_and_recurring_arrangements() {
        let held = date(2026, 11, 3); // Tuesday
        let cases: &[(&str, Option<NaiveDate>)] = &[
            ("I'll ring the garage once we hang up.", Some(held)),
            ("as soon as we're done I'll book it", Some(held)),
            ("I'll message him straight after we finish.", Some(held)),
            (
                "I'll have the draft ready for the ninth.",
                Some(date(2026, 11, 9)),
            ),
            (
                "I'll sort the budget out before Thanksgiving.",
                Some(date(2026, 11, 26)),
            ),
            ("by Christmas Eve", Some(date(2026, 12, 24))),
            ("in time for Valentine's Day", Some(date(2027, 2, 14))),
            (
                "I'll have it all painted by Easter",
                Some(date(2027, 3, 28)),
            ),
            ("before Good Friday", Some(date(2027, 3, 26))),
            ("by Memorial Day", Some(date(2027, 5, 31))),
            ("on Mother's Day", Some(date(2027, 5, 9))),
            ("I'll walk every Monday before my shifts.", None),
            ("I'll stretch each morning", None),
            ("I'll swim twice a week", None),
            ("I'll log it daily until we meet", None),
        ];
        for (text, expected) in cases {
            assert_eq!(resolve_due(text, held), *expected, "{text}");
        }
        assert_eq!(
            recurrence("I'll walk every Monday before my shifts.").as_deref(),
            Some("every Monday before my shifts")
        );
        assert_eq!(
            recurrence("I'll swim twice a week").as_deref(),
            Some("twice a week")
        );
        assert_eq!(recurrence("I'll call her on Friday."), None);
    }

    #[test]
    fn easter_by_the_computus() {
        for (year, month, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), Some(date(year, month, day)));
        }
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
