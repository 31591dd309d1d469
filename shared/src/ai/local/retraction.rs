//! Retractions: a speaker withdrawing something they committed to earlier
//! ("actually, scratch that", "forget what I said about the offsite", "no, I
//! won't do that", "I'm not going to hire anyone after all", "let's drop the
//! newsletter"). The retraction is matched to the speaker's own earlier
//! commitment by shared content words, or, when it only says "that", to the
//! one they made just before.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::text::{content_set, jaccard, pattern};

/// What the retraction matcher needs to know about a commitment.
pub(crate) trait Retractable {
    fn speaker(&self) -> &str;
    fn speaker_turn(&self) -> usize;
    fn content(&self) -> &BTreeSet<String>;
    fn is_retracted(&self) -> bool;
}

/// Unmistakable withdrawals: a verb of withdrawing said as an instruction
/// about what was just said ("scrap that", "forget the hill", "bin the
/// idea"), a change of mind, or a negated intention after "actually"/"no".
static EXPLICIT_RETRACTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[,.;:!?]\s*|\b(?:actually|no|nah|okay|ok|so|wait|hmm|right|yeah)[,.!]?\s+)(?:(?:no|actually|okay|ok)[,.!]?\s+)?(?:just\s+)?(?:scratch|strike|scrap|forget|ignore|cancel|drop|ditch|bin|nix|park|shelve|skip|undo)\s+\w|\bforget\s+(?:what\s+I\s+(?:just\s+)?said|I\s+said|about)\b|\bignore\s+what\s+I\s+(?:just\s+)?said\b|\bnever\s?mind\b|\bon\s+second\s+thoughts?\b|\b(?:take|taking|took)\s+(?:that|it|this)\s+back\b|\bI(?:'ve|\s+have)?\s+changed\s+my\s+mind\b|\bchange\s+of\s+plans?\b|\blet(?:'s|\s+us)\s+(?:drop|skip|scrap|forget|park|shelve|bin|ditch)\b|\b(?:actually|no|wait)[,.]?\s+(?:no[,.]?\s+)?I\s+(?:won't|will\s+not|'m\s+not\s+going\s+to|am\s+not\s+going\s+to|don't\s+think\s+I(?:'ll|\s+will)|shouldn't)\b|\bI\s+won't\s+(?:do|bother\s+with)\s+(?:that|it)\b|\b(?:won't|not\s+going\s+to)\s+[^.?!]*\bafter\s+all\b",
    )
});
/// "that"/"it" pointing back at what was just said.
static POINTS_BACK: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:scratch|strike|scrap|forget|cancel|do|take|mind|drop|skip|ditch|bin|ignore|undo)\s+(?:that|it|this)\b",
    )
});
/// A plain "I won't …" / "I'm not going to …": a retraction only when it
/// names an earlier commitment's content.
static NEGATED_INTENTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\bI(?:'ll not|\s+won't|\s+will\s+not|'m\s+not\s+going\s+to|\s+am\s+not\s+going\s+to|'m\s+not\s+gonna|\s+don't\s+think\s+I(?:'ll|\s+will))\s+(.+)",
    )
});

/// Words of the retraction itself, not of its topic.
const RETRACTION_WORDS: &[&str] = &[
    "scratch", "strike", "forget", "said", "mind", "second", "thoughts", "changed", "change",
    "plan", "plans", "drop", "skip", "scrap", "park", "shelve", "cancel", "after", "bother",
    "idea", "instead", "yet", "ditch", "bin", "nix", "undo", "ignore", "back", "take", "now",
];

/// An anaphoric retraction ("scratch that") reaches back this many of the
/// speaker's turns.
const ANAPHORA_TURNS: usize = 2;

/// The indices of the commitments `sentence` withdraws: every own
/// commitment sharing the most topic words ("forget what I said about HR"
/// withdraws both HR commitments), or the latest one for a bare "scratch
/// that".
pub(crate) fn find_retracted<C: Retractable>(
    sentence: &str,
    speaker: &str,
    speaker_turn: usize,
    candidates: &[C],
) -> Vec<usize> {
    let own = |c: &&C| c.speaker() == speaker && !c.is_retracted();
    if EXPLICIT_RETRACTION.is_match(sentence) {
        let topic = topic_words(sentence);
        let overlaps: Vec<(usize, usize)> = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| own(c))
            .map(|(i, c)| (i, c.content().intersection(&topic).count()))
            .filter(|(_, shared)| *shared > 0)
            .collect();
        let most = overlaps
            .iter()
            .map(|(_, shared)| *shared)
            .max()
            .unwrap_or(0);
        let by_topic: Vec<usize> = overlaps
            .into_iter()
            .filter(|(_, shared)| *shared == most)
            .map(|(i, _)| i)
            .collect();
        if !by_topic.is_empty() || !(topic.is_empty() || POINTS_BACK.is_match(sentence)) {
            return by_topic;
        }
        return candidates
            .iter()
            .enumerate()
            .rev()
            .find(|(_, c)| own(c) && c.speaker_turn() + ANAPHORA_TURNS >= speaker_turn)
            .map(|(i, _)| vec![i])
            .unwrap_or_default();
    }
    let Some(caps) = NEGATED_INTENTION.captures(sentence) else {
        return Vec::new();
    };
    // Without a retraction marker, "I won't …" must clearly name the
    // commitment: two shared topic words and a fair overlap.
    let topic = topic_words(&caps[1]);
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| own(c))
        .map(|(i, c)| {
            let shared = c.content().intersection(&topic).count();
            (i, shared, jaccard(c.content(), &topic))
        })
        .filter(|(_, shared, similarity)| *shared >= 2 && *similarity >= 0.3)
        .max_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)))
        .map(|(i, _, _)| vec![i])
        .unwrap_or_default()
}

fn topic_words(text: &str) -> BTreeSet<String> {
    content_set(text)
        .into_iter()
        .filter(|w| !RETRACTION_WORDS.contains(&w.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake {
        speaker: &'static str,
        turn: usize,
        content: BTreeSet<String>,
    }

    impl Retractable for Fake {
        fn speaker(&self) -> &str {
            self.speaker
        }
        fn speaker_turn(&self) -> usize {
            self.turn
        }
        fn content(&self) -> &BTreeSet<String> {
            &self.content
        }
        fn is_retracted(&self) -> bool {
            false
        }
    }

    fn fake(speaker: &'static str, turn: usize, text: &str) -> Fake {
        Fake {
            speaker,
            turn,
            content: content_set(text),
        }
    }

    #[test]
    fn withdrawing_verbs_said_as_an_instruction_retract() {
        let candidates = vec![
            fake("A", 1, "repaint the shed on Saturday"),
            fake("A", 2, "phone the bank about the loan"),
        ];
        let find = |s: &str| find_retracted(s, "A", 3, &candidates);
        assert_eq!(find("Ditch the shed, it can wait."), vec![0]);
        assert_eq!(find("Forget sheds, honestly."), Vec::<usize>::new());
        assert_eq!(find("Hmm, no, bin that."), vec![1]);
        assert_eq!(find("Okay, I take it back."), vec![1]);
        assert_eq!(find("No. Scrap that, the loan can wait."), vec![1]);
        // The same verbs as the plan itself, or about someone else's plan, are not a withdrawal.
        assert!(find("They had to cancel the match.").is_empty());
        assert!(find("I'll drop the kids at school first.").is_empty());
    }

    #[test]
    fn withdraws_every_commitment_on_the_named_topic() {
        let candidates = vec![
            fake("A", 1, "talk to HR about the shouting"),
            fake("A", 1, "call my sister"),
            fake("A", 2, "email HR"),
        ];
        assert_eq!(
            find_retracted("Forget what I said about HR.", "A", 3, &candidates),
            vec![0, 2]
        );
        // One shared word without a retraction marker is not enough.
        assert!(find_retracted("I won't call HR.", "A", 3, &candidates).is_empty());
    }

    #[test]
    fn matches_by_topic_or_recency() {
        let candidates = vec![
            fake("A", 1, "move the standup to Fridays"),
            fake("A", 2, "write the newsletter"),
            fake("B", 2, "book the venue"),
        ];
        let find = |s: &str, who: &str, turn: usize| {
            let found = find_retracted(s, who, turn, &candidates);
            assert!(found.len() <= 1, "{found:?}");
            found.first().copied()
        };
        assert_eq!(find("Let's drop the newsletter idea.", "A", 5), Some(1));
        assert_eq!(
            find("Forget what I said about the standup.", "A", 9),
            Some(0)
        );
        assert_eq!(find("Actually, scratch that.", "A", 3), Some(1));
        assert_eq!(
            find(
                "Actually, forget the standup thing, it's pointless.",
                "A",
                9
            ),
            Some(0)
        );
        // Too long ago for a bare "scratch that".
        assert_eq!(find("Scratch that.", "A", 9), None);
        // Naming something they never committed to withdraws nothing, and
        // someone else's commitment is not theirs to withdraw.
        assert_eq!(find("Never mind the venue.", "A", 3), None);
        assert_eq!(find("Never mind the venue.", "B", 3), Some(2));
        assert_eq!(find("I won't pretend it's easy.", "A", 3), None);
        assert_eq!(
            find("I'm not going to move the standup to Fridays.", "A", 3),
            Some(0)
        );
    }
}
