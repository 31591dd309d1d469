//! Bytes to text: size and emptiness checks, binary sniffing, encoding
//! detection (UTF-8, UTF-16 with or without BOM, Windows-1252 fallback) and
//! line-ending normalisation to `\n`.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::error::{BinaryCause, TranscriptError};
use super::MAX_TRANSCRIPT_BYTES;

/// How many leading bytes we inspect for UTF-16 zero-byte patterns.
const UTF16_SNIFF_BYTES: usize = 4096;

/// Decodes an uploaded file into text with `\n` line endings.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, TranscriptError> {
    if bytes.len() > MAX_TRANSCRIPT_BYTES {
        return Err(TranscriptError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_TRANSCRIPT_BYTES,
        });
    }
    if let Some(kind) = known_binary_type(bytes) {
        return Err(binary(BinaryCause::KnownFileType(kind)));
    }
    let text = decode_text(bytes)?;
    if text.contains('\0') {
        return Err(binary(BinaryCause::NulBytes));
    }
    if text.trim().is_empty() {
        return Err(TranscriptError::Empty);
    }
    if is_mostly_control_characters(&text) {
        return Err(binary(BinaryCause::MostlyNonText));
    }
    Ok(normalize_line_endings(&text))
}

fn binary(cause: BinaryCause) -> TranscriptError {
    TranscriptError::Binary { cause }
}

fn decode_text(bytes: &[u8]) -> Result<String, TranscriptError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(text.into_owned());
    }
    if let Some(encoding) = sniff_bomless_utf16(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return Ok(text.into_owned());
    }
    // NUL bytes are legal UTF-8, but no transcript export contains them.
    if bytes.contains(&0) {
        return Err(binary(BinaryCause::NulBytes));
    }
    match UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text.into_owned()),
        // Older Windows tools save transcripts as Windows-1252 (a superset of
        // Latin-1 for printable characters), e.g. "Lucía" as a single 0xED.
        None => Ok(WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()),
    }
}

/// UTF-16 text that is mostly ASCII has a zero in every other byte: the odd
/// bytes for little-endian, the even bytes for big-endian.
fn sniff_bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(UTF16_SNIFF_BYTES)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even_zeros, odd_zeros) = (zeros_at(0), zeros_at(1));
    let mostly = |count: usize| count * 10 >= pairs * 7;
    let rarely = |count: usize| count * 10 <= pairs;
    if mostly(odd_zeros) && rarely(even_zeros) {
        Some(UTF_16LE)
    } else if mostly(even_zeros) && rarely(odd_zeros) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Recognises file types people upload by mistake (the recording, a
/// screenshot, a Word or PDF export) so the message can say what it was.
fn known_binary_type(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive or Word document"),
        (b"\x1F\x8B", "a compressed (gzip) file"),
        (b"ID3", "an audio recording"),
        (b"OggS", "an audio recording"),
        (b"fLaC", "an audio recording"),
        (b"RIFF", "an audio or video recording"),
        (b"\x1A\x45\xDF\xA3", "a video recording"),
    ];
    if bytes.get(4..8) == Some(b"ftyp") {
        return Some("an audio or video recording");
    }
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|&(_, kind)| kind)
}

/// More than 5% control characters (other than tab, line breaks and form
/// feed) means the bytes were never text in any encoding we tried.
fn is_mostly_control_characters(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C') {
            control += 1;
        }
    }
    control * 20 > total
}

fn normalize_line_endings(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little_endian: bool, with_bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = std::iter::once(0xFEFF)
            .filter(|_| with_bom)
            .chain(text.encode_utf16());
        for unit in units {
            let bytes = if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            out.extend_from_slice(&bytes);
        }
        out
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let text = decode(b"\xEF\xBB\xBFDana: hi").expect("decodes");
        assert_eq!(text, "Dana: hi");
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        let text = decode(b"a\r\nb\rc\n").expect("decodes");
        assert_eq!(text, "a\nb\nc\n");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let sample = "Dana: Lucía, how are you?\r\n";
        for little_endian in [true, false] {
            for with_bom in [true, false] {
                let bytes = utf16(sample, little_endian, with_bom);
                let text = decode(&bytes).expect("decodes");
                assert_eq!(
                    text, "Dana: Lucía, how are you?\n",
                    "le={little_endian} bom={with_bom}"
                );
            }
        }
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let text = decode(b"Speaker 1: Hi Luc\xEDa \x93quoted\x94").expect("decodes");
        assert_eq!(text, "Speaker 1: Hi Lucía \u{201C}quoted\u{201D}");
    }

    #[test]
    fn nul_bytes_are_binary() {
        let err = decode(b"Dana: hi\0\0\0there\0 and more text here").expect_err("binary");
        assert_eq!(err, binary(BinaryCause::NulBytes));
    }

    #[test]
    fn known_signatures_are_named() {
        let err = decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect_err("binary");
        assert_eq!(err, binary(BinaryCause::KnownFileType("a PNG image")));
        let err = decode(b"\0\0\0\x20ftypisom").expect_err("binary");
        assert!(matches!(err, TranscriptError::Binary { .. }));
    }

    #[test]
    fn control_heavy_text_is_binary() {
        let err = decode(b"\x01\x02\x03\x04abc\x05\x06").expect_err("binary");
        assert_eq!(err, binary(BinaryCause::MostlyNonText));
    }

    #[test]
    fn empty_and_blank_and_oversize() {
        assert_eq!(decode(b""), Err(TranscriptError::Empty));
        assert_eq!(decode(b" \r\n\t \n"), Err(TranscriptError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF"), Err(TranscriptError::Empty));
        let big = vec![b'a'; MAX_TRANSCRIPT_BYTES + 1];
        assert_eq!(
            decode(&big),
            Err(TranscriptError::TooLarge {
                bytes: MAX_TRANSCRIPT_BYTES + 1,
                limit: MAX_TRANSCRIPT_BYTES
            })
        );
    }
}
