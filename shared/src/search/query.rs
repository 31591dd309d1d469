//! What a question says beyond its topic: which of the coach's clients it is
//! about and when ("what did Tobias say in October?"). Both become filters,
//! reported back so the coach sees what was applied, and the rest of the
//! question is what the passages are searched for.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use uuid::Uuid;

/// A client of the coach, as a question may name them.
#[derive(Debug, Clone)]
pub struct KnownClient {
    pub id: Uuid,
    pub name: String,
}

/// Dates from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What was read from the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Understood {
    /// The question without the words that became filters.
    pub text: String,
    /// Clients named in the question, with the words that named them.
    pub clients: Vec<(Uuid, String)>,
    /// The period the question names, with its words.
    pub period: Option<(DateRange, String)>,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words that introduce a period and go with it.
const LEADS: [&str; 6] = ["in", "during", "over", "from", "for", "throughout"];

/// A word of the question and where it is.
#[derive(Debug, Clone)]
struct Word {
    lower: String,
    capitalised: bool,
    start: usize,
    end: usize,
}

fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut start = None;
    for (index, c) in text.char_indices() {
        let part_of_word = c.is_alphanumeric() || c == '\'' || c == '’' || c == '-';
        match (part_of_word, start) {
            (true, None) => start = Some(index),
            (false, Some(from)) => {
                words.push(word(text, from, index));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push(word(text, from, text.len()));
    }
    words
}

fn word(text: &str, start: usize, end: usize) -> Word {
    let raw = &text[start..end];
    // A possessive names the same person: "Tobias's", "Tobias'".
    let bare = raw
        .strip_suffix("'s")
        .or_else(|| raw.strip_suffix("’s"))
        .unwrap_or(raw)
        .trim_end_matches(['\'', '’']);
    Word {
        lower: bare.to_lowercase(),
        capitalised: bare.chars().next().is_some_and(char::is_uppercase),
        start,
        end,
    }
}

/// Reads clients and a period out of `question`, `today` being the coach's
/// date. Only the coach's own clients can be named.
pub fn understand(question: &str, clients: &[KnownClient], today: NaiveDate) -> Understood {
    let words = words(question);
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let named = named_clients(&words, clients, &mut taken);
    let period = period(&words, today).map(|(range, first, last)| {
        taken.push((first, last));
        (
            range,
            question[words[first].start..words[last].end].to_string(),
        )
    });

    taken.sort_unstable();
    let mut text = String::new();
    let mut cursor = 0;
    for (first, last) in taken {
        let (start, end) = (words[first].start, words[last].end);
        if start >= cursor {
            text.push_str(&question[cursor..start]);
            cursor = end;
        }
    }
    text.push_str(&question[cursor..]);
    Understood {
        text: topic(&text),
        clients: named
            .into_iter()
            .map(|(id, first, last)| (id, question[words[first].start..words[last].end].into()))
            .collect(),
        period,
    }
}

/// Words that ask rather than say what is asked about: the question's
/// frame ("which of my clients", "has anyone mentioned"). Left in, they
/// pull a question's vector towards other questions, and every passage has
/// a client in it.
const FRAME: &[&str] = &[
    "who",
    "whom",
    "whose",
    "which",
    "what",
    "when",
    "where",
    "why",
    "how",
    "did",
    "does",
    "do",
    "has",
    "have",
    "had",
    "is",
    "are",
    "was",
    "were",
    "any",
    "anyone",
    "anybody",
    "someone",
    "somebody",
    "my",
    "client",
    "clients",
    "client's",
    "clients'",
    "of",
    "mention",
    "mentioned",
    "mentions",
    "talk",
    "talked",
    "talks",
    "say",
    "said",
    "says",
    "tell",
    "told",
    "me",
    "us",
    "there",
    "ever",
];

/// The question without its frame, or whole when nothing else is left.
fn topic(text: &str) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    let kept: Vec<&str> = all
        .iter()
        .copied()
        .skip_while(|w| FRAME.contains(&bare_lower(w).as_str()))
        .filter(|w| {
            !matches!(
                bare_lower(w).as_str(),
                "client" | "clients" | "anyone" | "anybody"
            )
        })
        .collect();
    let kept = if kept.iter().any(|w| !bare_lower(w).is_empty()) {
        kept
    } else {
        all
    };
    kept.join(" ")
}

fn bare_lower(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
        .to_lowercase()
}

fn name_words(name: &str) -> Vec<String> {
    name.split_whitespace().map(str::to_lowercase).collect()
}

/// Clients named by their full name, else by a capitalised first name that
/// is theirs alone among the coach's clients: a shared first name is
/// ambiguous, and filtering on it could hide the other client's passages.
fn named_clients(
    words: &[Word],
    clients: &[KnownClient],
    taken: &mut Vec<(usize, usize)>,
) -> Vec<(Uuid, usize, usize)> {
    let mut found: Vec<(Uuid, usize, usize)> = Vec::new();
    for client in clients {
        let full = name_words(&client.name);
        if full.len() < 2 || full.len() > words.len() {
            continue;
        }
        for start in 0..=words.len() - full.len() {
            let matches = words[start..start + full.len()]
                .iter()
                .zip(&full)
                .all(|(w, n)| w.lower == *n);
            if matches {
                remember(&mut found, taken, client.id, start, start + full.len() - 1);
            }
        }
    }
    for client in clients {
        let Some(first) = name_words(&client.name).into_iter().next() else {
            continue;
        };
        let sharing = clients
            .iter()
            .filter(|c| name_words(&c.name).first() == Some(&first))
            .count();
        if sharing > 1 || first.chars().count() < 2 {
            continue;
        }
        for (index, word) in words.iter().enumerate() {
            let in_a_full_name = taken.iter().any(|(a, b)| (*a..=*b).contains(&index));
            if word.lower == first && word.capitalised && !in_a_full_name {
                remember(&mut found, taken, client.id, index, index);
            }
        }
    }
    found
}

fn remember(
    found: &mut Vec<(Uuid, usize, usize)>,
    taken: &mut Vec<(usize, usize)>,
    id: Uuid,
    first: usize,
    last: usize,
) {
    taken.push((first, last));
    if !found.iter().any(|(known, _, _)| *known == id) {
        found.push((id, first, last));
    }
}

/// The first period the question names, and the words (first, last) that
/// name it, a leading "in", "during"… and "the" included.
fn period(words: &[Word], today: NaiveDate) -> Option<(DateRange, usize, usize)> {
    (0..words.len()).find_map(|index| {
        let (range, last) = period_at(words, index, today)?;
        let first = lead_start(words, index);
        Some((range, first, last))
    })
}

/// Where the words leading into a period at `index` begin.
fn lead_start(words: &[Word], index: usize) -> usize {
    let mut first = index;
    // "the last 3 weeks": the count's "last" goes with it.
    if first > 0 && is(words, first - 1, &["last", "past"]) {
        first -= 1;
    }
    if first > 0 && words[first - 1].lower == "the" {
        first -= 1;
    }
    if first > 0 && LEADS.contains(&words[first - 1].lower.as_str()) {
        first -= 1;
    }
    first
}

fn is(words: &[Word], index: usize, wanted: &[&str]) -> bool {
    words
        .get(index)
        .is_some_and(|w| wanted.contains(&w.lower.as_str()))
}

/// A period that starts at word `index`, with the index of its last word.
fn period_at(words: &[Word], index: usize, today: NaiveDate) -> Option<(DateRange, usize)> {
    let here = words[index].lower.as_str();
    let led = index > 0
        && (LEADS.contains(&words[index - 1].lower.as_str())
            || is(words, index - 1, &["since", "the"]));
    match here {
        "today" => Some((
            DateRange {
                from: today,
                to: today,
            },
            index,
        )),
        "yesterday" => {
            let day = today.checked_sub_days(Days::new(1))?;
            Some((DateRange { from: day, to: day }, index))
        }
        "since" => {
            let (range, last) =
                period_at(words, index + 1, today).or_else(|| the_then(words, index + 1, today))?;
            Some((
                DateRange {
                    from: range.from,
                    to: today,
                },
                last,
            ))
        }
        "this" | "last" | "past" | "previous" => {
            let unit = words.get(index + 1)?.lower.as_str();
            let rolling = index > 0 && words[index - 1].lower == "the";
            let range = if here == "this" {
                this_unit(unit, today)?
            } else if rolling {
                rolling_unit(unit, 1, today)?
            } else {
                previous_unit(unit, today)?
            };
            Some((range, index + 1))
        }
        _ if here.parse::<u32>().is_ok() || number_word(here).is_some() => {
            // "the last 3 weeks", "the past two months"
            let count = here.parse::<u32>().ok().or_else(|| number_word(here))?;
            let after_last = index > 0 && is(words, index - 1, &["last", "past"]);
            if after_last {
                let unit = words
                    .get(index + 1)?
                    .lower
                    .trim_end_matches('s')
                    .to_string();
                return Some((rolling_unit(&unit, count, today)?, index + 1));
            }
            year(here, led).map(|y| (y, index))
        }
        _ => {
            if let Some(month) = MONTHS.iter().position(|m| *m == here) {
                // "may" and "march" are verbs too: a month is capitalised or led.
                if !(words[index].capitalised || led) {
                    return None;
                }
                let month = u32::try_from(month).ok()? + 1;
                let stated_year = words
                    .get(index + 1)
                    .and_then(|w| w.lower.parse::<i32>().ok())
                    .filter(|y| (1990..=2100).contains(y));
                let year = stated_year.unwrap_or_else(|| {
                    if month > today.month() {
                        today.year() - 1
                    } else {
                        today.year()
                    }
                });
                let from = NaiveDate::from_ymd_opt(year, month, 1)?;
                let to = from.checked_add_months(Months::new(1))?.pred_opt()?;
                let last = index + usize::from(stated_year.is_some());
                return Some((
                    DateRange {
                        from,
                        to: to.min(today).max(from),
                    },
                    last,
                ));
            }
            let season = season(here, words, index)?;
            Some((season_range(season, today)?, index))
        }
    }
}

/// "since the summer": the word after "the".
fn the_then(words: &[Word], index: usize, today: NaiveDate) -> Option<(DateRange, usize)> {
    if !is(words, index, &["the"]) {
        return None;
    }
    period_at(words, index + 1, today)
}

fn number_word(word: &str) -> Option<u32> {
    let numbers = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    numbers
        .iter()
        .position(|n| *n == word)
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn year(word: &str, led: bool) -> Option<DateRange> {
    let year: i32 = word.parse().ok()?;
    if !(1990..=2100).contains(&year) || word.len() != 4 || !led {
        return None;
    }
    Some(DateRange {
        from: NaiveDate::from_ymd_opt(year, 1, 1)?,
        to: NaiveDate::from_ymd_opt(year, 12, 31)?,
    })
}

fn week_start(day: NaiveDate) -> NaiveDate {
    day.week(Weekday::Mon).first_day()
}

fn this_unit(unit: &str, today: NaiveDate) -> Option<DateRange> {
    let from = match unit {
        "week" => week_start(today),
        "month" => today.with_day(1)?,
        "year" => NaiveDate::from_ymd_opt(today.year(), 1, 1)?,
        season => return season_range(Season::named(season)?, today),
    };
    Some(DateRange { from, to: today })
}

fn previous_unit(unit: &str, today: NaiveDate) -> Option<DateRange> {
    match unit {
        "week" => {
            let to = week_start(today).pred_opt()?;
            Some(DateRange {
                from: week_start(to),
                to,
            })
        }
        "month" => {
            let to = today.with_day(1)?.pred_opt()?;
            Some(DateRange {
                from: to.with_day(1)?,
                to,
            })
        }
        "year" => Some(DateRange {
            from: NaiveDate::from_ymd_opt(today.year() - 1, 1, 1)?,
            to: NaiveDate::from_ymd_opt(today.year() - 1, 12, 31)?,
        }),
        season => {
            // "last summer": the latest one that is over; said during a
            // summer, the one before it.
            let latest = season_range(Season::named(season)?, today)?;
            if latest.to < today {
                return Some(latest);
            }
            let from = latest.from.checked_sub_months(Months::new(12))?;
            let to = from.checked_add_months(Months::new(3))?.pred_opt()?;
            Some(DateRange { from, to })
        }
    }
}

fn rolling_unit(unit: &str, count: u32, today: NaiveDate) -> Option<DateRange> {
    let from = match unit {
        "day" => today.checked_sub_days(Days::new(u64::from(count)))?,
        "week" => today.checked_sub_days(Days::new(7 * u64::from(count)))?,
        "month" => today.checked_sub_months(Months::new(count))?,
        "year" => today.checked_sub_months(Months::new(12 * count))?,
        _ => return None,
    };
    Some(DateRange { from, to: today })
}

#[derive(Debug, Clone, Copy)]
enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

impl Season {
    fn named(word: &str) -> Option<Self> {
        match word {
            "spring" => Some(Self::Spring),
            "summer" => Some(Self::Summer),
            "autumn" | "fall" => Some(Self::Autumn),
            "winter" => Some(Self::Winter),
            _ => None,
        }
    }

    /// The month the season starts in (meteorological, northern hemisphere).
    fn first_month(self) -> u32 {
        match self {
            Self::Spring => 3,
            Self::Summer => 6,
            Self::Autumn => 9,
            Self::Winter => 12,
        }
    }
}

/// A season named where it can only be one: "fall" and "spring" are verbs
/// too, so those need "the", "this", "last" or a leading "in" before them.
fn season(word: &str, words: &[Word], index: usize) -> Option<Season> {
    let season = Season::named(word)?;
    let led = index > 0
        && (LEADS.contains(&words[index - 1].lower.as_str())
            || is(words, index - 1, &["the", "this", "last", "since"]));
    let unambiguous = matches!(season, Season::Summer | Season::Autumn | Season::Winter);
    (led || (unambiguous && word != "fall")).then_some(season)
}

/// The latest such season that has begun by `today`, up to `today`.
fn season_range(season: Season, today: NaiveDate) -> Option<DateRange> {
    let month = season.first_month();
    let year = if month <= today.month() {
        today.year()
    } else {
        today.year() - 1
    };
    let from = NaiveDate::from_ymd_opt(year, month, 1)?;
    let to = from.checked_add_months(Months::new(3))?.pred_opt()?;
    Some(DateRange {
        from,
        to: to.min(today),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn range(from: NaiveDate, to: NaiveDate) -> DateRange {
        DateRange { from, to }
    }

    fn clients() -> Vec<KnownClient> {
        ["Tobias Renner", "Ana Ruiz", "Ana Berg", "Will Hart"]
            .iter()
            .enumerate()
            .map(|(i, name)| KnownClient {
                id: Uuid::from_u128(i as u128 + 1),
                name: (*name).to_string(),
            })
            .collect()
    }

    // A Tuesday.
    const TODAY: (i32, u32, u32) = (2026, 11, 17);

    fn read(question: &str) -> Understood {
        understand(question, &clients(), day(TODAY.0, TODAY.1, TODAY.2))
    }

    #[test]
    fn a_client_is_named_by_full_name_possessive_or_a_first_name_of_their_own() {
        let understood = read("What did Tobias's team say about Ana Berg's rota?");
        assert_eq!(
            understood.clients,
            vec![
                (Uuid::from_u128(3), "Ana Berg's".to_string()),
                (Uuid::from_u128(1), "Tobias's".to_string()),
            ]
        );
        assert_eq!(understood.text, "team say about rota?");
        // "Ana" alone could be either Ana; "will" is not Will.
        let ambiguous = read("What will Ana do next?");
        assert!(ambiguous.clients.is_empty(), "{ambiguous:?}");
        assert_eq!(ambiguous.text, "will Ana do next?");
        assert_eq!(read("Did Will call?").clients.len(), 1);
    }

    #[test]
    fn the_frame_of_a_question_is_left_out_of_its_topic() {
        assert_eq!(
            read("Which of my clients is worried about people quitting?").text,
            "worried about people quitting?"
        );
        assert_eq!(
            read("Has any client hinted at wishing to vanish?").text,
            "hinted at wishing to vanish?"
        );
        // A question that is all frame keeps its words.
        assert_eq!(read("Who said what?").text, "Who said what?");
    }

    #[test]
    fn months_are_the_latest_one_begun_and_verbs_are_not_months() {
        let october = read("Who talked about burnout in October?");
        assert_eq!(
            october.period,
            Some((
                range(day(2026, 10, 1), day(2026, 10, 31)),
                "in October".into()
            ))
        );
        assert_eq!(october.text, "about burnout ?");
        // December has not come yet this year: last year's.
        let december = read("what came up in december");
        assert_eq!(
            december.period.unwrap().0,
            range(day(2025, 12, 1), day(2025, 12, 31))
        );
        assert_eq!(
            read("In March 2025 who was tired?").period.unwrap().0.from,
            day(2025, 3, 1)
        );
        // The current month runs to today.
        assert_eq!(read("in November").period.unwrap().0.to, day(2026, 11, 17));
        assert!(read("Who may march on?").period.is_none());
    }

    #[test]
    fn relative_periods_calendar_and_rolling() {
        assert_eq!(
            read("sleep last month").period.unwrap().0,
            range(day(2026, 10, 1), day(2026, 10, 31))
        );
        assert_eq!(
            read("sleep over the last month").period.unwrap(),
            (
                range(day(2026, 10, 17), day(2026, 11, 17)),
                "over the last month".into()
            )
        );
        assert_eq!(
            read("sleep last week").period.unwrap().0,
            range(day(2026, 11, 9), day(2026, 11, 15))
        );
        assert_eq!(
            read("in the past two weeks").period.unwrap().0,
            range(day(2026, 11, 3), day(2026, 11, 17))
        );
        assert_eq!(read("this year").period.unwrap().0.from, day(2026, 1, 1));
        assert_eq!(read("yesterday").period.unwrap().0.from, day(2026, 11, 16));
        assert_eq!(
            read("during 2025 who changed jobs").period.unwrap().0,
            range(day(2025, 1, 1), day(2025, 12, 31))
        );
        // A bare number is not a year.
        assert!(read("who ran 2025 metres").period.is_none());
    }

    #[test]
    fn since_runs_to_today_and_seasons_are_meteorological() {
        let since = read("What changed for Tobias since the summer?");
        assert_eq!(
            since.period,
            Some((
                range(day(2026, 6, 1), day(2026, 11, 17)),
                "since the summer".into()
            ))
        );
        assert_eq!(since.text, "changed for ?");
        assert_eq!(
            read("since October").period.unwrap().0,
            range(day(2026, 10, 1), day(2026, 11, 17))
        );
        assert_eq!(
            read("in the spring").period.unwrap().0,
            range(day(2026, 3, 1), day(2026, 5, 31))
        );
        // The latest winter is over.
        assert_eq!(
            read("last winter").period.unwrap().0,
            range(day(2025, 12, 1), day(2026, 2, 28))
        );
        // Said in the autumn, "last autumn" is the year before's.
        assert_eq!(
            read("last autumn").period.unwrap().0,
            range(day(2025, 9, 1), day(2025, 11, 30))
        );
        assert!(read("Did the plan fall apart?").period.is_none());
        assert!(read("a spring in her step").period.is_none());
    }
}
