//! End-to-end tests of `parse`, `metrics` and `chunk`: the labelled fixtures,
//! one inline sample per format and edge case, every error, and a no-panic
//! sweep over pseudo-random input.

use std::path::PathBuf;

use super::*;

fn speakers_and_texts(transcript: &Transcript) -> Vec<(&str, &str)> {
    transcript
        .utterances
        .iter()
        .map(|u| (u.speaker.as_str(), u.text.as_str()))
        .collect()
}

fn parse_ok(bytes: &[u8], hint: Option<&str>) -> Transcript {
    match parse(bytes, hint) {
        Ok(transcript) => transcript,
        Err(err) => panic!("expected a transcript, got {err:?}"),
    }
}

// ---------- labelled fixtures ----------

/// `<workspace>/../shared/fixtures`, or `$FLOWCOACH_FIXTURES` when this file
/// is compiled from a crate somewhere else.
fn fixtures_dir() -> PathBuf {
    let beside_workspace = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/fixtures"
    ));
    if beside_workspace.join("labels.json").exists() {
        return beside_workspace;
    }
    match std::env::var_os("FLOWCOACH_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => panic!("fixtures not found at {beside_workspace:?}; set FLOWCOACH_FIXTURES"),
    }
}

#[test]
fn labelled_fixtures_match_word_counts_talk_share_and_speakers() {
    let dir = fixtures_dir();
    let labels: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("labels.json")).expect("labels.json"))
            .expect("labels parse");
    let sessions = labels["sessions"].as_array().expect("sessions");
    assert!(sessions.len() >= 6);
    for session in sessions {
        let file = session["file"].as_str().expect("file");
        let bytes = std::fs::read(dir.join("transcripts").join(file)).expect("fixture file");
        let transcript = parse_ok(&bytes, Some(file));
        let expected_format = match session["format"].as_str().expect("format") {
            f if f.starts_with("webvtt") => TranscriptFormat::WebVtt,
            f if f.starts_with("srt") => TranscriptFormat::Srt,
            "plain_text" => TranscriptFormat::PlainText,
            other => panic!("unexpected label format {other}"),
        };
        assert_eq!(transcript.format, expected_format, "{file}");

        let participants = session["participants"].as_array().expect("participants");
        let mut expected_speakers: Vec<&str> = participants
            .iter()
            .map(|p| p["speaker_label"].as_str().expect("speaker_label"))
            .collect();
        let coach = participants
            .iter()
            .find(|p| p["role"] == "coach")
            .and_then(|p| p["speaker_label"].as_str())
            .expect("coach");

        let m = metrics(&transcript);
        let mut speakers: Vec<&str> = m.speakers.iter().map(|s| s.speaker.as_str()).collect();
        speakers.sort_unstable();
        expected_speakers.sort_unstable();
        assert_eq!(speakers, expected_speakers, "{file}");

        let expected_words = session["word_count"].as_f64().expect("word_count");
        let words = f64::from(m.total_words);
        assert!(
            (words - expected_words).abs() <= expected_words * 0.01,
            "{file}: {words} words, label {expected_words}"
        );

        let expected_share = session["talk_share"].as_f64().expect("talk_share");
        let share = m
            .speakers
            .iter()
            .find(|s| s.speaker == coach)
            .map_or(0.0, |s| s.talk_share);
        assert!(
            (share - expected_share).abs() <= 0.01,
            "{file}: talk share {share}, label {expected_share}"
        );
        eprintln!("{file}: words {words} (label {expected_words}), coach share {share:.3} (label {expected_share})");

        let chunks = chunk(&transcript, &ChunkConfig::default());
        assert!(!chunks.is_empty());
        assert!(
            chunks
                .iter()
                .all(|c| c.word_count <= 60 && c.word_count > 0),
            "{file}"
        );
    }
}

// ---------- formats and encodings ----------

const ZOOM_VTT: &str = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nDana: Hi there.\n\n\
                        2\n00:00:02.000 --> 00:00:04.000\nTobias: Hello. How are you?\n";

#[test]
fn vtt_with_bom_and_crlf() {
    let bytes = [
        b"\xEF\xBB\xBF".as_slice(),
        ZOOM_VTT.replace('\n', "\r\n").as_bytes(),
    ]
    .concat();
    let transcript = parse_ok(&bytes, None);
    assert_eq!(transcript.format, TranscriptFormat::WebVtt);
    assert_eq!(
        speakers_and_texts(&transcript),
        vec![("Dana", "Hi there."), ("Tobias", "Hello. How are you?")]
    );
    // Old Mac line endings too.
    assert_eq!(
        parse_ok(ZOOM_VTT.replace('\n', "\r").as_bytes(), None),
        parse_ok(ZOOM_VTT.as_bytes(), None)
    );
}

fn utf16_bytes(text: &str, little_endian: bool, with_bom: bool) -> Vec<u8> {
    let bom = with_bom.then_some(0xFEFF_u16);
    bom.into_iter()
        .chain(text.encode_utf16())
        .flat_map(|unit| {
            if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_le_and_be_with_and_without_bom() {
    let expected = parse_ok(ZOOM_VTT.as_bytes(), None);
    for little_endian in [true, false] {
        for with_bom in [true, false] {
            let bytes = utf16_bytes(&ZOOM_VTT.replace('\n', "\r\n"), little_endian, with_bom);
            assert_eq!(
                parse_ok(&bytes, Some("zoom.vtt")),
                expected,
                "le={little_endian} bom={with_bom}"
            );
        }
    }
}

#[test]
fn latin1_names_are_decoded() {
    let bytes = b"1\r\n00:00:01,000 --> 00:00:02,000\r\nSpeaker 1: Hola Luc\xEDa.\r\n\r\n\
                  2\r\n00:00:02,000 --> 00:00:03,000\r\nLuc\xEDa: \xA1Hola!\r\n";
    let transcript = parse_ok(bytes, Some("s.srt"));
    assert_eq!(
        speakers_and_texts(&transcript),
        vec![("Speaker 1", "Hola Lucía."), ("Lucía", "¡Hola!")]
    );
}

#[test]
fn vtt_short_stamps_settings_notes_and_styles() {
    let text = "WEBVTT Kind: captions\n\nSTYLE\n::cue { color: lime }\n\nNOTE This is a comment\nA: not speech\n\n\
                01:02.500 --> 01:04.000 align:start position:10% line:0\n<c.yellow>Dana:</c> First cue\n\n\
                NOTE\nanother note\n\n01:04.000 --> 01:05.250 size:50%\nstill Dana <00:01:04.500>speaking\n";
    let transcript = parse_ok(text.as_bytes(), None);
    assert_eq!(
        transcript.utterances,
        vec![Utterance {
            speaker: "Dana".into(),
            start_ms: Some(62_500),
            end_ms: Some(65_250),
            text: "First cue still Dana speaking".into(),
        }]
    );
}

#[test]
fn teams_voice_tags_with_classes_and_missing_closing_tags() {
    let text = "WEBVTT\n\nabc-123/1-0\n00:00:00.000 --> 00:00:01.000\n<v.loud Dana Whitfield>Morning!</v>\n\n\
                abc-123/2-0\n00:00:01.000 --> 00:00:02.000\n<v Nkechi Obiora>Barely morning.\n\n\
                abc-123/3-0\n00:00:02.000 --> 00:00:03.000\n<v.first.loud Helen Achterberg><i>Sorry</i> &amp; hi</v>\n";
    let transcript = parse_ok(text.as_bytes(), Some("teams.vtt"));
    assert_eq!(
        speakers_and_texts(&transcript),
        vec![
            ("Dana Whitfield", "Morning!"),
            ("Nkechi Obiora", "Barely morning."),
            ("Helen Achterberg", "Sorry & hi")
        ]
    );
}

#[test]
fn consecutive_cues_of_a_speaker_are_merged() {
    let text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDana: One.\n\n00:00:02.000 --> 00:00:03.000\nDana: Two.\n\n\
                00:00:03.000 --> 00:00:04.000\nThree, no prefix.\n\n00:00:04.000 --> 00:00:05.000\nTobias: Four.\n";
    let transcript = parse_ok(text.as_bytes(), None);
    assert_eq!(transcript.utterances.len(), 2);
    let first = &transcript.utterances[0];
    assert_eq!((first.start_ms, first.end_ms), (Some(1_000), Some(4_000)));
    assert_eq!(first.text, "One. Two. Three, no prefix.");
}

#[test]
fn plain_text_with_stamps() {
    let text = "Coaching session, 3 May\n\n[00:00:05] Dana: Hi Helen. How are you?\n\n\
                [00:00:09] Helen: Tired. [laughs]\nBut okay.\n\nDana (00:01:02): What would help?\n";
    let transcript = parse_ok(text.as_bytes(), Some("notes.txt"));
    assert_eq!(transcript.format, TranscriptFormat::PlainText);
    assert_eq!(
        speakers_and_texts(&transcript),
        vec![
            ("Dana", "Hi Helen. How are you?"),
            ("Helen", "Tired. [laughs] But okay."),
            ("Dana", "What would help?")
        ]
    );
    assert_eq!(transcript.utterances[1].start_ms, Some(9_000));
    assert_eq!(transcript.utterances[1].end_ms, Some(62_000));
    let m = metrics(&transcript);
    assert_eq!(m.total_words, 5 + 3 + 3);
    assert_eq!(m.duration_ms, Some(57_000));
}

#[test]
fn json_lists_with_float_seconds_string_stamps_and_wrappers() {
    let floats = r#"[{"speaker": "Dana", "start": 1.5, "end": 3.2, "text": "How was it?"},
                     {"speaker": "Dana", "start": 3.2, "end": 4.0, "text": " Really? "},
                     {"speaker": "Tobias", "start": 4.1, "end": 6.0, "text": "Good."}]"#;
    let transcript = parse_ok(floats.as_bytes(), Some("otter.json"));
    assert_eq!(transcript.format, TranscriptFormat::JsonUtterances);
    assert_eq!(
        speakers_and_texts(&transcript),
        vec![("Dana", "How was it? Really?"), ("Tobias", "Good.")]
    );
    assert_eq!(
        (
            transcript.utterances[0].start_ms,
            transcript.utterances[0].end_ms
        ),
        (Some(1_500), Some(4_000))
    );

    let strings = r#"[{"name": "Dana", "startTime": "00:00:01.500", "endTime": "00:00:03.200", "text": "Hi"}]"#;
    let transcript = parse_ok(strings.as_bytes(), None);
    assert_eq!(transcript.utterances[0].start_ms, Some(1_500));

    for key in ["utterances", "segments"] {
        let wrapped = format!(
            r#"{{"{key}": [{{"speaker_name": "A", "start_time": 0, "end_time": "00:02.000", "text": "x"}}]}}"#
        );
        let transcript = parse_ok(wrapped.as_bytes(), None);
        assert_eq!(transcript.utterances[0].end_ms, Some(2_000), "{key}");
    }
}

// ---------- errors ----------

#[test]
fn empty_and_whitespace_only() {
    assert_eq!(parse(b"", None), Err(TranscriptError::Empty));
    assert_eq!(
        parse(b"  \r\n\t\n  ", Some("a.vtt")),
        Err(TranscriptError::Empty)
    );
}

#[test]
fn binary_files() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
    assert!(matches!(
        parse(png, Some("transcript.vtt")),
        Err(TranscriptError::Binary { .. })
    ));
    let nul_ridden = b"Dana: hello\x00\x00 there\x00 Tobias: \x00hi and some more words here";
    assert_eq!(
        parse(nul_ridden, None),
        Err(TranscriptError::Binary {
            cause: BinaryCause::NulBytes
        })
    );
}

#[test]
fn oversize_file() {
    let bytes = vec![b' '; MAX_TRANSCRIPT_BYTES + 1];
    assert_eq!(
        parse(&bytes, None),
        Err(TranscriptError::TooLarge {
            bytes: MAX_TRANSCRIPT_BYTES + 1,
            limit: MAX_TRANSCRIPT_BYTES
        })
    );
}

#[test]
fn prose_without_speakers_is_unknown_format() {
    let prose = "We walked to the harbour in the morning. The boats were out already.\n\
                 Later, the wind picked up: it was time to go home.";
    assert_eq!(
        parse(prose.as_bytes(), Some("story.txt")),
        Err(TranscriptError::UnknownFormat)
    );
}

#[test]
fn vtt_header_only_is_no_speech() {
    assert_eq!(
        parse(b"WEBVTT\n\n", Some("empty.vtt")),
        Err(TranscriptError::NoSpeech)
    );
    let empty_cues = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n\n2\n00:00:02.000 --> 00:00:03.000\n<v Dana></v>\n";
    assert_eq!(
        parse(empty_cues.as_bytes(), None),
        Err(TranscriptError::NoSpeech)
    );
}

#[test]
fn malformed_json_and_timing_lines() {
    let err = parse(
        b"[\n  {\"speaker\": \"Dana\", \"text\": \"Private words\"\n",
        Some("x.json"),
    )
    .expect_err("malformed");
    assert!(matches!(err, TranscriptError::Malformed { .. }), "{err:?}");
    assert!(!err.to_string().contains("Private"));

    let srt = "1\n00:00:01,000 --> 00:00:02,000\nA: fine\n\n2\n00:00:0x,000 --> 00:00:03,000\nB: broken\n";
    let err = parse(srt.as_bytes(), None).expect_err("malformed");
    assert!(
        matches!(err, TranscriptError::Malformed { line: 6, .. }),
        "{err:?}"
    );
}

#[test]
fn error_messages_are_actionable_sentences() {
    let errors = [
        TranscriptError::Empty,
        TranscriptError::TooLarge {
            bytes: 30 * 1024 * 1024,
            limit: MAX_TRANSCRIPT_BYTES,
        },
        TranscriptError::Binary {
            cause: BinaryCause::NulBytes,
        },
        TranscriptError::Binary {
            cause: BinaryCause::KnownFileType("a PNG image"),
        },
        TranscriptError::UnknownFormat,
        TranscriptError::Malformed {
            line: 7,
            reason: "the cue timing is odd".into(),
        },
        TranscriptError::NoSpeech,
        TranscriptError::TooLong {
            words: 70_000,
            limit: MAX_SPOKEN_WORDS,
        },
    ];
    for err in errors {
        let message = err.to_string();
        assert!(message.starts_with("The "), "{message}");
        assert!(message.ends_with('.'), "{message}");
        assert!(
            message.contains("upload") || message.contains("Upload"),
            "{message}"
        );
    }
    assert!(TranscriptError::Binary { cause: BinaryCause::NulBytes }
        .to_string()
        .starts_with("The file looks binary (it contains NUL bytes), not a transcript. Export the transcript as WebVTT"));
    assert!(TranscriptError::TooLarge {
        bytes: 1,
        limit: MAX_TRANSCRIPT_BYTES
    }
    .to_string()
    .contains("4 MB"));
}

// ---------- robustness ----------

/// Deterministic pseudo-random bytes (Knuth's MMIX LCG), biased towards the
/// fragments our parsers react to so the sweep reaches deep code paths.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn parse_never_panics_on_pseudo_random_input() {
    const FRAGMENTS: &[&[u8]] = &[
        b"WEBVTT\n",
        b"\n\n",
        b"00:00:01.000 --> 00:00:02.000",
        b"01:02,5-->",
        b" --> ",
        b"Dana: ",
        b"Speaker 1: ",
        b"<v Dana>",
        b"<v.loud ",
        b"</v>",
        b"<c>",
        b"<",
        b"{\\an8}",
        b"&amp;",
        b"&#",
        b"[00:01] ",
        b"[laughs]",
        b"(",
        b"NOTE ",
        b"STYLE\n",
        b"[{\"speaker\":\"A\",\"start\":1e400,\"text\":\"",
        b"{\"segments\":[",
        b"\"start\":\"99:99\"",
        b"?",
        b". ",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"\xC3",
        b"\xED",
        b"\r",
        b"\0",
        "é".as_bytes(),
        "’".as_bytes(),
    ];
    let mut rng = Lcg(0x5EED);
    for _ in 0..4_000 {
        let mut input = Vec::new();
        for _ in 0..rng.below(40) {
            if rng.below(3) == 0 {
                input.push(rng.next() as u8);
            } else {
                input.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            }
        }
        let hint = ["a.vtt", "a.srt", "a.txt", "a.json", ""][rng.below(5)];
        if let Ok(transcript) = parse(&input, Some(hint)) {
            assert!(!transcript.utterances.is_empty());
            let _ = metrics(&transcript);
            let config = ChunkConfig {
                max_words: 1 + rng.below(20),
                overlap_words: rng.below(10),
            };
            let _ = chunk(&transcript, &config);
        }
    }
}

#[test]
fn more_spoken_words_than_a_session_can_hold_are_refused_with_the_count() {
    let words = |n: usize| format!("Dana: {}\n", "word ".repeat(n));
    assert!(parse(words(MAX_SPOKEN_WORDS).as_bytes(), Some("a.txt")).is_ok());
    assert_eq!(
        parse(words(MAX_SPOKEN_WORDS + 1).as_bytes(), Some("a.txt")),
        Err(TranscriptError::TooLong {
            words: MAX_SPOKEN_WORDS + 1,
            limit: MAX_SPOKEN_WORDS
        })
    );
}
