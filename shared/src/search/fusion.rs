//! Reciprocal rank fusion: each retriever's list counts by rank, not by its
//! own score (full-text ranks and cosine similarities are not comparable),
//! so a passage near the top of both lists beats one at the top of one.

use std::collections::HashMap;
use std::hash::Hash;

/// The usual constant: it damps the difference between the very first
/// ranks, so one retriever's top hit cannot outvote agreement.
const K: f64 = 60.0;

/// The keys of every list, fused best first (ties in first-seen order).
pub fn fuse<Key: Copy + Eq + Hash>(lists: &[Vec<Key>]) -> Vec<(Key, f64)> {
    let mut scores: HashMap<Key, (f64, usize)> = HashMap::new();
    let mut seen = 0;
    for list in lists {
        for (rank, key) in list.iter().enumerate() {
            let entry = scores.entry(*key).or_insert_with(|| {
                seen += 1;
                (0.0, seen)
            });
            entry.0 += 1.0 / (K + rank as f64 + 1.0);
        }
    }
    let mut fused: Vec<(Key, f64, usize)> = scores
        .into_iter()
        .map(|(key, (score, order))| (key, score, order))
        .collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    fused
        .into_iter()
        .map(|(key, score, _)| (key, score))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_beats_one_list_s_top_hit() {
        let keyword = vec!['a', 'b', 'c'];
        let semantic = vec!['d', 'b', 'e'];
        let fused: Vec<char> = fuse(&[keyword, semantic])
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        // b: 2nd in both; then the singles, equal ranks in the order seen.
        assert_eq!(fused, vec!['b', 'a', 'd', 'c', 'e']);
    }

    #[test]
    fn one_list_keeps_its_order_and_nothing_fuses_to_nothing() {
        let fused = fuse(&[vec![3, 1, 2]]);
        assert_eq!(
            fused.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            vec![3, 1, 2]
        );
        assert!(fused[0].1 > fused[1].1);
        assert!(fuse::<u8>(&[vec![], vec![]]).is_empty());
    }
}
