//! Clock timestamps as written by caption and transcript tools:
//! `HH:MM:SS.mmm`, `MM:SS.mmm`, `H:MM:SS,mmm` (SRT), with or without the
//! fraction. Returned as milliseconds.

/// Parses `[H]H:MM:SS[.,]fff`, `MM:SS[.,]fff` or either without a fraction.
/// Returns `None` for anything else, including out-of-range minutes/seconds.
pub(crate) fn parse_clock(stamp: &str) -> Option<u64> {
    let (clock, fraction) = match stamp.find(['.', ',']) {
        Some(at) => (&stamp[..at], Some(&stamp[at + 1..])),
        None => (stamp, None),
    };
    let fields: Vec<u64> = clock
        .split(':')
        .take(4)
        .map(parse_digits)
        .collect::<Option<_>>()?;
    let (hours, minutes, seconds) = match fields.as_slice() {
        [m, s] => (0, *m, *s),
        [h, m, s] if *m < 60 => (*h, *m, *s),
        _ => return None,
    };
    if seconds >= 60 {
        return None;
    }
    let millis = match fraction {
        Some(digits) => parse_fraction_millis(digits)?,
        None => 0,
    };
    hours
        .checked_mul(3600)?
        .checked_add(minutes.checked_mul(60)?)?
        .checked_add(seconds)?
        .checked_mul(1000)?
        .checked_add(millis)
}

/// Seconds as a decimal number (JSON exports): `1.5` → 1500 ms.
pub(crate) fn seconds_to_millis(seconds: f64) -> Option<u64> {
    let millis = (seconds * 1000.0).round();
    // NaN and infinities fail the range check; the bound keeps the cast exact
    // enough and far below u64::MAX.
    (0.0..1e18).contains(&millis).then_some(millis as u64)
}

/// A timestamp string from a JSON export: a clock (`00:01:02.5`) or plain
/// decimal seconds (`"62.5"`).
pub(crate) fn parse_clock_or_seconds(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.contains(':') {
        return parse_clock(text);
    }
    let looks_numeric = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '.');
    if looks_numeric {
        text.parse::<f64>().ok().and_then(seconds_to_millis)
    } else {
        None
    }
}

fn parse_digits(text: &str) -> Option<u64> {
    let all_digits =
        !text.is_empty() && text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit());
    if all_digits {
        text.parse().ok()
    } else {
        None
    }
}

/// `5` → 500, `05` → 50, `050` → 50; digits beyond milliseconds are dropped.
fn parse_fraction_millis(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut millis = 0;
    for position in 0..3 {
        let digit = digits
            .as_bytes()
            .get(position)
            .map_or(0, |b| u64::from(b - b'0'));
        millis = millis * 10 + digit;
    }
    Some(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_forms() {
        assert_eq!(parse_clock("00:00:02.009"), Some(2_009));
        assert_eq!(parse_clock("01:02:03,456"), Some(3_723_456));
        assert_eq!(parse_clock("02:03.5"), Some(123_500));
        assert_eq!(parse_clock("1:02:03"), Some(3_723_000));
        assert_eq!(parse_clock("75:00.000"), Some(4_500_000));
        assert_eq!(parse_clock("00:00:01.0001"), Some(1_000));
    }

    #[test]
    fn clock_rejects_junk() {
        for junk in [
            "",
            "12",
            "a:b",
            "00:61:00",
            "00:00:60.000",
            "1:2:3:4",
            "00:00.",
            "-1:00",
            "00:00.x",
        ] {
            assert_eq!(parse_clock(junk), None, "{junk}");
        }
    }

    #[test]
    fn seconds_and_strings() {
        assert_eq!(seconds_to_millis(1.5), Some(1_500));
        assert_eq!(seconds_to_millis(-1.0), None);
        assert_eq!(seconds_to_millis(f64::NAN), None);
        assert_eq!(seconds_to_millis(1e300), None);
        assert_eq!(parse_clock_or_seconds("62.25"), Some(62_250));
        assert_eq!(parse_clock_or_seconds("00:01:02.250"), Some(62_250));
        assert_eq!(parse_clock_or_seconds("soon"), None);
    }
}
