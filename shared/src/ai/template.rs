//! Sandboxed rendering of coach-editable follow-up templates (minijinja).
//!
//! Templates are written by coaches, so they are treated as untrusted code:
//! - no loader: `include`, `import`, `extends` cannot reach any file;
//! - only `{% if %}` and `{% for %}` blocks; no `set`, `with`,
//!   `macro` or `call`, which are the only ways to build ever-growing values;
//! - no `*` (string repetition) and no `~` (concatenation) operators;
//! - a curated set of filters (no `replace`, `center`, `indent`, `format`,
//!   `batch`…), a `join` that refuses huge results and a `range` capped at
//!   [`MAX_RANGE`];
//! - a fuel budget (bounded work, so no endless loops), a 20 KiB source limit
//!   and a 64 KiB output limit;
//! - auto-escaping off: the output is a plain-text email.
//!
//! Block tags on a line of their own leave no blank line (`trim_blocks` and
//! `lstrip_blocks`); end an inline block with `+%}` to keep its line break.
//!
//! Missing placeholders render as empty (lenient) so an optional value never
//! breaks a follow-up; [`validate`] reports placeholders FlowCoach does not
//! know so a coach sees the typo when saving the template.

use std::collections::BTreeSet;
use std::io;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};

/// Largest template source accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 20 * 1024;
/// Largest rendered output accepted, in bytes.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024;
/// Instruction budget per render; ample for an email, fatal for a runaway loop.
pub const FUEL: u64 = 50_000;
/// Largest `range(n)` a template may ask for.
pub const MAX_RANGE: i64 = 1_000;
/// `for` blocks may nest this deep (nested loops multiply work and output).
pub const MAX_LOOP_NESTING: usize = 3;
/// Largest string the `join` filter may produce.
const MAX_JOIN_BYTES: usize = 16 * 1024;

/// Placeholders available to follow-up templates.
pub const FOLLOW_UP_PLACEHOLDERS: &[&str] = &[
    "client_first_name",
    "client_name",
    "coach_name",
    "coach_signature",
    "session_title",
    "session_date",
    "themes",
    "commitments",
    "coach_commitments",
    "next_session_date",
    "highlights",
];

/// Names a template may use besides placeholders (globals we define).
const TEMPLATE_GLOBALS: &[&str] = &["range", "loop"];

/// Statements a template may use.
const ALLOWED_STATEMENTS: &[&str] = &["if", "elif", "else", "endif", "for", "endfor"];

/// Where in a template something is wrong: 1-based line, and column in
/// characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of the byte `offset` in `text`.
    fn of(text: &str, offset: usize) -> Self {
        let before = &text[..floor_char_boundary(text, offset)];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Self {
            line: before.bytes().filter(|b| *b == b'\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// The first non-blank character of `line` (when the engine names only the line).
    fn of_line(text: &str, line: usize) -> Self {
        let column = text.lines().nth(line.saturating_sub(1)).map_or(1, |l| {
            l.chars().take_while(|c| c.is_whitespace()).count() + 1
        });
        Self { line, column }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Why a template cannot be saved or rendered, in words a coach can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("The template is {size_kib} KiB; templates can be at most {max_kib} KiB. Please shorten it.")]
    TooLarge { size_kib: usize, max_kib: usize },
    #[error("There is a mistake in the template{}: {detail}. Check that every {{{{ … }}}} and {{% … %}} is closed and that each {{% if %}} or {{% for %}} has its {{% endif %}} or {{% endfor %}}.", placed(*.at))]
    Syntax {
        at: Option<Position>,
        detail: String,
    },
    #[error("{what} is not allowed in follow-up templates{}. Only placeholders, {{% if %}} and {{% for %}} blocks and simple filters are supported.", placed(Some(*.at)))]
    NotAllowed { at: Position, what: String },
    #[error("`{name}`{} is not a placeholder FlowCoach knows. Available placeholders: {available}.", placed(*.at))]
    UnknownPlaceholder {
        name: String,
        at: Option<Position>,
        available: String,
    },
    #[error("The template does too much work (for example a very long or endless loop) and was stopped. Please simplify its loops.")]
    TooComplex,
    #[error(
        "The filled-in email would be longer than {max_kib} KiB. Please shorten the template."
    )]
    OutputTooLarge { max_kib: usize },
    #[error("The template could not be filled in{}: {detail}.", placed(*.at))]
    Render {
        at: Option<Position>,
        detail: String,
    },
}

impl TemplateError {
    /// Where in the template the mistake is, when it is at one place.
    pub fn position(&self) -> Option<Position> {
        match self {
            Self::Syntax { at, .. }
            | Self::UnknownPlaceholder { at, .. }
            | Self::Render { at, .. } => *at,
            Self::NotAllowed { at, .. } => Some(*at),
            Self::TooLarge { .. } | Self::TooComplex | Self::OutputTooLarge { .. } => None,
        }
    }
}

fn placed(position: Option<Position>) -> String {
    position
        .map(|p| format!(" on line {}, column {}", p.line, p.column))
        .unwrap_or_default()
}

/// Checks a follow-up template before it is saved: size, allowed constructs,
/// syntax, that every placeholder is one FlowCoach provides, and a trial
/// render with sample values (unknown filters, runaway loops, huge output).
pub fn validate(template: &str) -> Result<(), TemplateError> {
    check_source(template)?;
    let env = sandboxed_environment();
    let compiled = env
        .template_from_str(template)
        .map_err(|e| map_error(template, e))?;
    let known: BTreeSet<&str> = FOLLOW_UP_PLACEHOLDERS
        .iter()
        .chain(TEMPLATE_GLOBALS)
        .copied()
        .collect();
    let mut unknown: Vec<String> = compiled
        .undeclared_variables(false)
        .into_iter()
        .filter(|name| !known.contains(name.as_str()))
        .collect();
    unknown.sort();
    if let Some(name) = unknown.into_iter().next() {
        return Err(TemplateError::UnknownPlaceholder {
            at: first_mention(template, &name),
            name,
            available: FOLLOW_UP_PLACEHOLDERS.join(", "),
        });
    }
    render(template, &sample_context()).map(|_| ())
}

/// Representative values for every placeholder, for trial renders and
/// template previews.
pub fn sample_context() -> serde_json::Value {
    serde_json::json!({
        "client_first_name": "Sam",
        "client_name": "Sam Taylor",
        "coach_name": "Alex Morgan",
        "coach_signature": "Alex Morgan",
        "session_title": "Coaching session",
        "session_date": "Tuesday 8 September 2026",
        "themes": ["delegation", "time management", "confidence"],
        "commitments": [
            {"text": "Hand the weekly report over to the team lead", "due": "Friday 11 September"},
            {"text": "Block two focus mornings in the calendar", "due": null}
        ],
        "coach_commitments": [{"text": "Send Sam the delegation worksheet", "due": "Tuesday 8 September"}],
        "next_session_date": "Tuesday 22 September 2026",
        "highlights": ["We explored delegation and time management."],
    })
}

/// Renders a template with `context` in the sandbox. Unknown or missing
/// placeholders render as empty text.
pub fn render(template: &str, context: &serde_json::Value) -> Result<String, TemplateError> {
    check_source(template)?;
    let env = sandboxed_environment();
    let compiled = env
        .template_from_str(template)
        .map_err(|e| map_error(template, e))?;
    let mut writer = CappedWriter {
        buffer: Vec::new(),
        overflowed: false,
    };
    let rendered = compiled.render_captured_to(context, &mut writer);
    if writer.overflowed {
        return Err(TemplateError::OutputTooLarge {
            max_kib: MAX_OUTPUT_BYTES / 1024,
        });
    }
    rendered.map_err(|e| map_error(template, e))?;
    String::from_utf8(writer.buffer).map_err(|_| TemplateError::Render {
        at: None,
        detail: "the result is not valid text".to_string(),
    })
}

/// A fresh, locked-down environment. Built per call: it is cheap and keeps
/// renders independent of each other.
fn sandboxed_environment() -> Environment<'static> {
    // `empty()` starts with no filters, tests or globals; we add safe ones.
    let mut env = Environment::empty();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(FUEL));
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);

    use minijinja::filters as f;
    env.add_filter("upper", f::upper);
    env.add_filter("lower", f::lower);
    env.add_filter("title", f::title);
    env.add_filter("capitalize", f::capitalize);
    env.add_filter("trim", f::trim);
    env.add_filter("default", f::default);
    env.add_filter("d", f::default);
    env.add_filter("length", f::length);
    env.add_filter("count", f::length);
    env.add_filter("first", f::first);
    env.add_filter("last", f::last);
    env.add_filter("reverse", f::reverse);
    env.add_filter("sort", f::sort);
    env.add_filter("unique", f::unique);
    env.add_filter("list", f::list);
    env.add_filter("string", f::string);
    env.add_filter("int", f::int);
    env.add_filter("round", f::round);
    env.add_filter("abs", f::abs);
    env.add_filter("lines", f::lines);
    env.add_filter("join", capped_join);

    use minijinja::tests as t;
    env.add_test("defined", t::is_defined);
    env.add_test("undefined", t::is_undefined);
    env.add_test("none", t::is_none);
    env.add_test("string", t::is_string);
    env.add_test("number", t::is_number);
    env.add_test("sequence", t::is_sequence);
    env.add_test("mapping", t::is_mapping);
    env.add_test("odd", t::is_odd);
    env.add_test("even", t::is_even);
    env.add_test("true", t::is_true);
    env.add_test("false", t::is_false);
    env.add_test("eq", t::is_eq);
    env.add_test("ne", t::is_ne);
    env.add_test("in", t::is_in);
    env.add_test("startingwith", t::is_startingwith);
    env.add_test("endingwith", t::is_endingwith);

    env.add_function("range", capped_range);
    env
}

fn capped_range(
    lower: i64,
    upper: Option<i64>,
    step: Option<i64>,
) -> Result<Value, minijinja::Error> {
    let (start, end) = match upper {
        Some(upper) => (lower, upper),
        None => (0, lower),
    };
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            "range() step cannot be zero",
        ));
    }
    let span = (end - start).unsigned_abs() / step.unsigned_abs();
    if span > MAX_RANGE as u64 {
        return Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("range() may produce at most {MAX_RANGE} numbers"),
        ));
    }
    let mut items = Vec::new();
    let mut current = start;
    while (step > 0 && current < end) || (step < 0 && current > end) {
        items.push(Value::from(current));
        current += step;
    }
    Ok(Value::from(items))
}

fn capped_join(value: &Value, separator: Option<&str>) -> Result<String, minijinja::Error> {
    let separator = separator.unwrap_or("");
    if value.is_undefined() || value.is_none() {
        return Ok(String::new());
    }
    if let Some(text) = value.as_str() {
        return Ok(text.to_string());
    }
    let mut joined = String::new();
    for (index, item) in value.try_iter()?.enumerate() {
        if index > 0 {
            joined.push_str(separator);
        }
        joined.push_str(&item.to_string());
        if joined.len() > MAX_JOIN_BYTES {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                "join() result is too long",
            ));
        }
    }
    Ok(joined)
}

/// Rejects oversized sources and constructs outside the sandbox's subset.
fn check_source(template: &str) -> Result<(), TemplateError> {
    if template.len() > MAX_TEMPLATE_BYTES {
        return Err(TemplateError::TooLarge {
            size_kib: template.len().div_ceil(1024),
            max_kib: MAX_TEMPLATE_BYTES / 1024,
        });
    }
    scan_code_blocks(template)
}

/// A small lexer over `{{ }}`, `{% %}` and `{# #}` that checks statements and
/// operators without trusting the template engine to be safe on its own.
fn scan_code_blocks(template: &str) -> Result<(), TemplateError> {
    let bytes = template.as_bytes();
    let mut index = 0;
    let mut loop_depth = 0usize;
    while index + 1 < bytes.len() {
        let opener = &bytes[index..index + 2];
        let closer: &[u8] = match opener {
            b"{{" => b"}}",
            b"{%" => b"%}",
            b"{#" => b"#}",
            _ => {
                index += 1;
                continue;
            }
        };
        let at = Position::of(template, index);
        let body_start = index + 2;
        let Some(body_end) = find_block_end(bytes, body_start, closer, opener != b"{#") else {
            // Unclosed block: the parser reports it with a line number.
            return Ok(());
        };
        if opener == b"{%" {
            let body = &template[body_start..body_end];
            let keyword = body
                .trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace())
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .next()
                .unwrap_or("");
            if !ALLOWED_STATEMENTS.contains(&keyword) {
                return Err(TemplateError::NotAllowed {
                    at,
                    what: format!("The `{{% {keyword} %}}` statement"),
                });
            }
            match keyword {
                "for" => {
                    loop_depth += 1;
                    if loop_depth > MAX_LOOP_NESTING {
                        return Err(TemplateError::NotAllowed {
                            at,
                            what: format!("Nesting more than {MAX_LOOP_NESTING} loops"),
                        });
                    }
                }
                "endfor" => loop_depth = loop_depth.saturating_sub(1),
                _ => {}
            }
        }
        if opener != b"{#" {
            check_operators(template, body_start, body_end)?;
        }
        index = body_end + 2;
    }
    Ok(())
}

/// Finds the closing delimiter, skipping string literals in code blocks.
fn find_block_end(bytes: &[u8], start: usize, closer: &[u8], is_code: bool) -> Option<usize> {
    let mut index = start;
    let mut quote: Option<u8> = None;
    while index < bytes.len() {
        let byte = bytes[index];
        if let Some(open_quote) = quote {
            if byte == b'\\' {
                index += 2;
                continue;
            }
            if byte == open_quote {
                quote = None;
            }
        } else if is_code && (byte == b'"' || byte == b'\'') {
            quote = Some(byte);
        } else if bytes[index..].starts_with(closer) {
            return Some(index);
        }
        index += 1;
    }
    None
}

/// `*` repeats strings and `~` concatenates them; neither is needed in an
/// email and both can grow values far beyond the fuel budget.
fn check_operators(template: &str, start: usize, end: usize) -> Result<(), TemplateError> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (offset, c) in template[start..end].char_indices() {
        let at = || Position::of(template, start + offset);
        if let Some(open) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == open {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '*' => {
                return Err(TemplateError::NotAllowed {
                    at: at(),
                    what: "The `*` operator".to_string(),
                })
            }
            '~' => {
                return Err(TemplateError::NotAllowed {
                    at: at(),
                    what: "The `~` operator (write the two placeholders side by side instead)"
                        .to_string(),
                })
            }
            _ => {}
        }
    }
    Ok(())
}

/// Where `name` first appears as a whole word.
fn first_mention(template: &str, name: &str) -> Option<Position> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    template.match_indices(name).find_map(|(offset, _)| {
        let before = template[..offset].chars().next_back();
        let after = template[offset + name.len()..].chars().next();
        (!before.is_some_and(is_word) && !after.is_some_and(is_word))
            .then(|| Position::of(template, offset))
    })
}

/// The engine's error in the coach's words, at the place it names: its
/// span when it has one, else the start of its line.
fn map_error(template: &str, error: minijinja::Error) -> TemplateError {
    let at = error
        .range()
        .map(|range| Position::of(template, range.start))
        .or_else(|| error.line().map(|line| Position::of_line(template, line)));
    let detail = error
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| error.kind().to_string());
    match error.kind() {
        ErrorKind::OutOfFuel => TemplateError::TooComplex,
        ErrorKind::SyntaxError => TemplateError::Syntax { at, detail },
        ErrorKind::TemplateNotFound => TemplateError::NotAllowed {
            at: at.unwrap_or(Position { line: 1, column: 1 }),
            what: "Including other templates".to_string(),
        },
        _ => TemplateError::Render { at, detail },
    }
}

/// Collects output, refusing to grow past [`MAX_OUTPUT_BYTES`].
struct CappedWriter {
    buffer: Vec<u8>,
    overflowed: bool,
}

impl io::Write for CappedWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buffer.len() + data.len() > MAX_OUTPUT_BYTES {
            self.overflowed = true;
            return Err(io::Error::other("output limit reached"));
        }
        self.buffer.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_placeholders_and_lists() {
        let template = "Hi {{ client_first_name }},\n{% for c in commitments %}- {{ c.text }}{% if c.due %} (by {{ c.due }}){% endif +%}\n{% endfor %}\n{{ themes|join(', ') }}";
        let out = render(
            template,
            &json!({
                "client_first_name": "Sam",
                "commitments": [{"text": "Call the GP", "due": "Friday 6 November"}, {"text": "Walk", "due": null}],
                "themes": ["sleep", "boundaries"],
            }),
        )
        .expect("renders");
        assert_eq!(
            out,
            "Hi Sam,\n- Call the GP (by Friday 6 November)\n- Walk\nsleep, boundaries"
        );
    }

    #[test]
    fn missing_optional_placeholders_render_empty() {
        let out = render(
            "{% if commitments %}x{% endif %}{% for c in commitments %}y{% endfor %}[{{ next_session_date }}]",
            &json!({}),
        )
        .expect("renders");
        assert_eq!(out, "[]");
    }

    #[test]
    fn no_html_escaping_in_plain_text() {
        let out = render("{{ x }}", &json!({"x": "Tom & <Jerry>"})).expect("renders");
        assert_eq!(out, "Tom & <Jerry>");
    }

    #[test]
    fn runaway_loops_run_out_of_fuel() {
        let template = "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{{ c }}{% endfor %}{% endfor %}{% endfor %}";
        let started = std::time::Instant::now();
        let err = render(template, &json!({})).expect_err("must stop");
        assert!(
            matches!(
                err,
                TemplateError::TooComplex | TemplateError::OutputTooLarge { .. }
            ),
            "{err:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn fuel_stops_work_even_without_output() {
        let template = "{% for a in range(1000) %}{% for b in range(1000) %}{% if a == b %}{% endif %}{% endfor %}{% endfor %}";
        assert_eq!(render(template, &json!({})), Err(TemplateError::TooComplex));
    }

    #[test]
    fn syntax_error_reports_line() {
        let err = validate("Hello\n{{ client_first_name }\nBye").expect_err("syntax error");
        match &err {
            TemplateError::Syntax { at, .. } => assert_eq!(at.map(|p| p.line), Some(2)),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("line 2, column"), "{err}");

        let err = validate("a\nb\n{% if commitments %}\nno end").expect_err("unclosed if");
        assert!(matches!(err, TemplateError::Syntax { .. }), "{err:?}");
    }

    #[test]
    fn unknown_placeholder_is_reported_at_validation_only() {
        let err = validate("Hi {{ client_frist_name }}").expect_err("typo");
        assert!(
            matches!(&err, TemplateError::UnknownPlaceholder { name, at: Some(Position { line: 1, column: 7 }), .. } if name == "client_frist_name"),
            "{err:?}"
        );
        assert_eq!(
            render("Hi {{ client_frist_name }}!", &json!({})).as_deref(),
            Ok("Hi !")
        );
        validate("{% for c in commitments %}{{ loop.index }}. {{ c.text }}{% endfor %}")
            .expect("loop variables are fine");
    }

    #[test]
    fn validation_trial_renders() {
        assert!(matches!(
            validate("{{ client_name|shout }}"),
            Err(TemplateError::Render {
                at: Some(Position { line: 1, .. }),
                ..
            })
        ));
        assert_eq!(
            validate("{% for a in range(1000) %}{% for b in range(1000) %}{% if a %}{% endif %}{% endfor %}{% endfor %}"),
            Err(TemplateError::TooComplex)
        );
    }

    #[test]
    fn dangerous_constructs_are_rejected() {
        for template in [
            "{% include 'x' %}",
            "{% import 'x' as y %}",
            "{% extends 'base' %}",
            "{% set x = 1 %}",
            "{% macro m() %}{% endmacro %}",
            "{{ 'x' * 100000000 }}",
            "line\n{{ client_name ~ client_name }}",
            "{% for a in themes %}{% for b in themes %}{% for c in themes %}{% for d in themes %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
        ] {
            assert!(
                matches!(validate(template), Err(TemplateError::NotAllowed { .. })),
                "{template}"
            );
            assert!(render(template, &json!({})).is_err(), "{template}");
        }
        // Operators inside string literals are just text.
        render("{{ '*~' }}", &json!({})).expect("literal");
        assert!(matches!(
            render("{{ x|replace('a', 'b') }}", &json!({"x": "a"})),
            Err(TemplateError::Render { .. })
        ));
        assert!(render("{{ range(100000)|length }}", &json!({})).is_err());
    }

    #[test]
    fn mistakes_are_placed_by_line_and_column() {
        let position = |template: &str| validate(template).expect_err("a mistake").position();
        assert_eq!(
            position("Hi\n  {% set x = 1 %}"),
            Some(Position { line: 2, column: 3 })
        );
        assert_eq!(
            position("Hi {{ client_name }}\nA {{ client_name ~ coach_name }}"),
            Some(Position {
                line: 2,
                column: 18
            })
        );
        assert_eq!(
            position("Dear {{ client_name }},\nÜber {{ clients_name }}"),
            Some(Position { line: 2, column: 9 })
        );
        let syntax = position("Hello\n{{ client_first_name }\nBye").expect("a place");
        assert_eq!(syntax.line, 2);
        assert!(syntax.column >= 1);
        assert_eq!(position(&"x".repeat(MAX_TEMPLATE_BYTES + 1)), None);
    }

    #[test]
    fn oversized_templates_are_rejected() {
        let template = "x".repeat(MAX_TEMPLATE_BYTES + 1);
        assert!(matches!(
            validate(&template),
            Err(TemplateError::TooLarge { .. })
        ));
    }

    #[test]
    fn huge_output_is_cut_off() {
        let context = json!({"x": "y".repeat(1000)});
        let template = "{% for a in range(1000) %}{{ x }}{% endfor %}";
        assert_eq!(
            render(template, &context),
            Err(TemplateError::OutputTooLarge { max_kib: 64 })
        );
    }
}
