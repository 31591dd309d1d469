//! Caption markup inside cue text: WebVTT voice tags (`<v Name>`,
//! `<v.loud Name>`), styling and timestamp tags (`<c>`, `<i>`, `<b>`,
//! `<00:00:01.000>`), SRT/ASS overrides (`{\an8}`) and HTML entities.

/// A run of cue text and the voice tag it appeared under, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VoiceSpan {
    /// `Some` when the run starts at a `<v …>` tag; the name may be empty.
    pub voice: Option<String>,
    pub text: String,
}

/// Splits one line of cue text at voice tags and strips all other markup.
/// Text before the first voice tag (or after `</v>`) has `voice: None`.
pub(crate) fn voice_spans(line: &str) -> Vec<VoiceSpan> {
    let mut spans = vec![VoiceSpan {
        voice: None,
        text: String::new(),
    }];
    let mut rest = line;
    while let Some(at) = rest.find(['<', '{']) {
        push_text(&mut spans, &rest[..at]);
        let from_markup = &rest[at..];
        match markup_len(from_markup) {
            Some(len) => {
                if let Some(voice) = voice_name(&from_markup[1..len - 1]) {
                    spans.push(VoiceSpan {
                        voice: Some(voice.to_owned()),
                        text: String::new(),
                    });
                }
                rest = &from_markup[len..];
            }
            None => {
                // A literal `<` or `{` (not markup): keep it as text.
                push_text(&mut spans, &from_markup[..1]);
                rest = &from_markup[1..];
            }
        }
    }
    push_text(&mut spans, rest);
    for span in &mut spans {
        span.text = decode_entities(&span.text);
    }
    spans
}

fn push_text(spans: &mut [VoiceSpan], text: &str) {
    if let Some(last) = spans.last_mut() {
        last.text.push_str(text);
    }
}

/// Byte length of the tag or override at the start of `text`, if it is one.
fn markup_len(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let (open, close) = match chars.next()? {
        '<' => ('<', '>'),
        '{' => ('{', '}'),
        _ => return None,
    };
    let second = chars.next()?;
    let looks_like_markup = match open {
        '<' => second.is_ascii_alphanumeric() || second == '/',
        _ => second == '\\',
    };
    if !looks_like_markup {
        return None;
    }
    let end = text[1..].find([close, open])? + 1;
    (text[end..].starts_with(close)).then_some(end + 1)
}

/// `v Dana`, `v.loud Dana` → `Dana`; anything else → `None`.
fn voice_name(tag_body: &str) -> Option<&str> {
    let after_v = tag_body.strip_prefix('v')?;
    if after_v.is_empty() {
        return Some("");
    }
    if !after_v.starts_with(['.', ' ', '\t']) {
        return None;
    }
    // Classes (`.loud.first`) run up to the first whitespace.
    let name = after_v
        .split_once(char::is_whitespace)
        .map_or("", |(_, name)| name);
    Some(name.trim())
}

/// `&` + name + `;` of the longest entity we decode (`&#x10FFFF;`).
const MAX_ENTITY_LEN: usize = 10;

/// Decodes the entities caption files use; unknown ones stay as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        // Entities are short: looking further would make `&&&…` quadratic.
        let entity = candidate
            .bytes()
            .take(MAX_ENTITY_LEN)
            .position(|b| b == b';')
            .and_then(|end| Some((entity_char(&candidate[1..end])?, end + 1)));
        match entity {
            Some((decoded, len)) => {
                out.push(decoded);
                rest = &candidate[len..];
            }
            None => {
                out.push('&');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity_char(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        // Direction marks carry no text; a space is collapsed away later.
        "lrm" | "rlm" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(voice: Option<&str>, text: &str) -> VoiceSpan {
        VoiceSpan {
            voice: voice.map(str::to_owned),
            text: text.to_owned(),
        }
    }

    #[test]
    fn strips_styling_and_timestamps() {
        let spans = voice_spans("<c.yellow>Hi</c> <i>there</i><00:00:01.000> <b>you</b>");
        assert_eq!(spans, vec![span(None, "Hi there you")]);
    }

    #[test]
    fn voice_tags_with_classes_and_without_closing() {
        assert_eq!(
            voice_spans("<v.loud.first Dana Whitfield>Hello</v>"),
            vec![span(None, ""), span(Some("Dana Whitfield"), "Hello")]
        );
        assert_eq!(
            voice_spans("<v Tobias>Hi <v Helen>Hey"),
            vec![
                span(None, ""),
                span(Some("Tobias"), "Hi "),
                span(Some("Helen"), "Hey")
            ]
        );
    }

    #[test]
    fn literal_brackets_and_entities() {
        assert_eq!(
            voice_spans("a < b {x} &amp; &lt;3 &bogus; &#233;"),
            vec![span(None, "a < b {x} & <3 &bogus; é")]
        );
        assert_eq!(voice_spans("{\\an8}Top line"), vec![span(None, "Top line")]);
    }
}
