//! Local adapter for the [`Embedder`] port: all-MiniLM-L6-v2 sentence
//! embeddings computed on the CPU by the `flowcoach-minilm` encoder.
//!
//! The model files are not in the repository; `scripts/fetch-model.sh`
//! installs them into [`super::default_model_dir`]. Pooling follows
//! sentence-transformers: mean over the text's tokens, then L2
//! normalisation, so a dot product between two vectors is their cosine.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use flowcoach_minilm::{Config, Encoder, ForwardError, Parallelism, Scratch};
use rayon::prelude::*;
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use super::{DIMENSIONS, MAX_TOKENS, MODEL_ID};
use crate::ai::embedder::{Embedder, EmbedderError};

/// Texts per blocking task: a cancelled caller stops between batches.
const MAX_BATCH_SIZE: usize = 16;

const CONFIG_FILE: &str = "config.json";
const TOKENIZER_FILE: &str = "tokenizer.json";
const WEIGHTS_FILE: &str = "model.safetensors";
const FETCH_HINT: &str = "run scripts/fetch-model.sh (or set FLOWCOACH_MODEL_DIR)";

/// all-MiniLM-L6-v2 on the CPU. Cheap to clone: clones share one loaded model.
#[derive(Clone)]
pub struct MiniLmEmbedder {
    model: Arc<LoadedModel>,
}

/// Everything needed for a forward pass. Only read after loading, so sharing
/// it between concurrent blocking tasks needs no lock.
struct LoadedModel {
    encoder: Encoder,
    tokenizer: Tokenizer,
    model_dir: PathBuf,
}

impl MiniLmEmbedder {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` from
    /// `model_dir`. Missing or unreadable files are
    /// [`EmbedderError::Unavailable`].
    pub fn load(model_dir: &Path) -> Result<Self, EmbedderError> {
        let missing: Vec<&str> = [CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE]
            .into_iter()
            .filter(|file| !model_dir.join(file).is_file())
            .collect();
        if !missing.is_empty() {
            return Err(EmbedderError::Unavailable(format!(
                "{MODEL_ID} is not installed in {}: missing {}; {FETCH_HINT}",
                model_dir.display(),
                missing.join(", ")
            )));
        }

        let config = load_config(&model_dir.join(CONFIG_FILE))?;
        let tokenizer = load_tokenizer(&model_dir.join(TOKENIZER_FILE))?;
        let encoder = load_weights(&model_dir.join(WEIGHTS_FILE), &config)?;
        Ok(Self {
            model: Arc::new(LoadedModel {
                encoder,
                tokenizer,
                model_dir: model_dir.to_path_buf(),
            }),
        })
    }

    /// Folder the model was loaded from.
    pub fn model_dir(&self) -> &Path {
        &self.model.model_dir
    }
}

impl fmt::Debug for MiniLmEmbedder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MiniLmEmbedder")
            .field("model_id", &MODEL_ID)
            .field("model_dir", &self.model.model_dir)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Embedder for MiniLmEmbedder {
    fn model_id(&self) -> &str {
        MODEL_ID
    }

    fn dimensions(&self) -> usize {
        DIMENSIONS
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedderError> {
        let mut vectors = Vec::with_capacity(texts.len());
        for batch in texts.chunks(MAX_BATCH_SIZE) {
            let model = Arc::clone(&self.model);
            let batch = batch.to_vec();
            // The forward passes are CPU-bound for tens to hundreds of
            // milliseconds: keep them off the async worker threads.
            let batch_vectors = tokio::task::spawn_blocking(move || model.embed_batch(&batch))
                .await
                .map_err(|err| EmbedderError::Failed(format!("embedding task aborted: {err}")))??;
            vectors.extend(batch_vectors);
        }
        Ok(vectors)
    }
}

impl LoadedModel {
    /// Embeds `texts` one text per forward pass, as many side by side as
    /// rayon has threads; each thread keeps one [`Scratch`] for all its
    /// texts. A lone text splits its matmuls across the threads instead.
    fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedderError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let inputs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let encodings = self
            .tokenizer
            .encode_batch(inputs, true)
            .map_err(|err| EmbedderError::Failed(format!("tokenisation failed: {err}")))?;

        let threads = rayon::current_num_threads().max(1);
        let vectors = if encodings.len() == 1 || threads == 1 {
            let parallelism = if threads > 1 {
                Parallelism::Rayon(threads)
            } else {
                Parallelism::None
            };
            let mut scratch = Scratch::default();
            encodings
                .iter()
                .map(|encoding| self.embed_one(encoding, &mut scratch, parallelism))
                .collect::<Result<Vec<_>, _>>()
        } else {
            encodings
                .par_iter()
                .map_init(Scratch::default, |scratch, encoding| {
                    self.embed_one(encoding, scratch, Parallelism::None)
                })
                .collect::<Result<Vec<_>, _>>()
        };
        vectors
            .map_err(|err| EmbedderError::Failed(format!("{MODEL_ID} forward pass failed: {err}")))
    }

    fn embed_one(
        &self,
        encoding: &Encoding,
        scratch: &mut Scratch,
        parallelism: Parallelism,
    ) -> Result<Vec<f32>, ForwardError> {
        self.encoder.embed(
            encoding.get_ids(),
            encoding.get_type_ids(),
            scratch,
            parallelism,
        )
    }
}

fn load_config(path: &Path) -> Result<Config, EmbedderError> {
    let text = std::fs::read_to_string(path).map_err(|err| unreadable(path, err))?;
    let config: Config = serde_json::from_str(&text).map_err(|err| unreadable(path, err))?;
    if config.hidden_size != DIMENSIONS {
        return Err(EmbedderError::Unavailable(format!(
            "{} describes a model with {} dimensions, expected {DIMENSIONS} for {MODEL_ID}; {FETCH_HINT}",
            path.display(),
            config.hidden_size
        )));
    }
    Ok(config)
}

fn load_tokenizer(path: &Path) -> Result<Tokenizer, EmbedderError> {
    let mut tokenizer = Tokenizer::from_file(path).map_err(|err| unreadable(path, err))?;
    // The shipped tokenizer.json pads every text to a fixed 128 tokens and
    // truncates at 128. Each text runs through the encoder alone, so no
    // padding at all; truncate at 256, the length the model was trained with.
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(TruncationParams {
            direction: TruncationDirection::Right,
            max_length: MAX_TOKENS,
            strategy: TruncationStrategy::LongestFirst,
            stride: 0,
        }))
        .map_err(|err| unreadable(path, err))?;
    Ok(tokenizer)
}

fn load_weights(path: &Path, config: &Config) -> Result<Encoder, EmbedderError> {
    // Read into memory rather than mmap: the encoder copies every tensor
    // into its own layout anyway, and this keeps the adapter free of `unsafe`.
    let bytes = std::fs::read(path).map_err(|err| unreadable(path, err))?;
    Encoder::from_safetensors(config, &bytes).map_err(|err| unreadable(path, err))
}

fn unreadable(path: &Path, err: impl fmt::Display) -> EmbedderError {
    EmbedderError::Unavailable(format!(
        "cannot load {}: {err}; {FETCH_HINT}",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Instant;

    use serde::Deserialize;

    use super::*;
    use crate::ai::minilm::default_model_dir;

    #[derive(Deserialize)]
    struct ReferenceFile {
        vectors: Vec<ReferenceVector>,
    }

    #[derive(Deserialize)]
    struct ReferenceVector {
        text: String,
        embedding: Vec<f32>,
    }

    /// The tests need the real model: a missing model is a failure, not a
    /// skip, so a CI run that forgot to fetch it cannot pass silently.
    fn load_model() -> MiniLmEmbedder {
        let dir = default_model_dir();
        match MiniLmEmbedder::load(&dir) {
            Ok(embedder) => embedder,
            Err(err) => panic!(
                "the {MODEL_ID} model is required for these tests and could not be loaded from {} \
                 ({err}). Run scripts/fetch-model.sh first.",
                dir.display()
            ),
        }
    }

    /// `<workspace>/../shared/fixtures`, else `$FLOWCOACH_FIXTURES`.
    fn fixture_path(name: &str) -> PathBuf {
        let beside_workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures")
            .join(name);
        if beside_workspace.is_file() {
            return beside_workspace;
        }
        match std::env::var_os("FLOWCOACH_FIXTURES") {
            Some(dir) => PathBuf::from(dir).join(name),
            None => panic!(
                "fixture {name} not found at {} and FLOWCOACH_FIXTURES is not set",
                beside_workspace.display()
            ),
        }
    }

    fn reference_vectors() -> Vec<ReferenceVector> {
        let path = fixture_path("embedding-reference.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let file: ReferenceFile = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("cannot parse {}: {err}", path.display()));
        assert!(
            !file.vectors.is_empty(),
            "no reference vectors in {}",
            path.display()
        );
        file.vectors
    }

    /// ~180-word chunks of a real fixture transcript, like the chunker emits.
    fn transcript_chunks(count: usize, words_per_chunk: usize) -> Vec<String> {
        let path = fixture_path("transcripts/s04.txt");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let words: Vec<&str> = text.split_whitespace().collect();
        assert!(
            words.len() > words_per_chunk,
            "{} is too short",
            path.display()
        );
        // Start each chunk at a different offset so the chunks differ.
        (0..count)
            .map(|index| {
                let start = (index * 37) % (words.len() - words_per_chunk);
                words[start..start + words_per_chunk].join(" ")
            })
            .collect()
    }

    fn max_abs_diff(left: &[f32], right: &[f32]) -> f32 {
        assert_eq!(left.len(), right.len(), "vector lengths differ");
        left.iter()
            .zip(right)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max)
    }

    fn cosine(left: &[f32], right: &[f32]) -> f32 {
        // Both vectors are unit length, so the dot product is the cosine.
        left.iter().zip(right).map(|(a, b)| a * b).sum()
    }

    fn owned(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|text| text.to_string()).collect()
    }

    #[test]
    fn embedder_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<MiniLmEmbedder>();
        assert_send_sync::<Arc<dyn Embedder>>();
    }

    #[test]
    fn missing_model_is_unavailable_and_names_the_fetch_script() {
        let dir = std::env::temp_dir().join(format!("flowcoach-no-model-{}", std::process::id()));
        match MiniLmEmbedder::load(&dir) {
            Err(EmbedderError::Unavailable(message)) => {
                assert!(message.contains("scripts/fetch-model.sh"), "{message}");
                assert!(message.contains("model.safetensors"), "{message}");
            }
            Err(other) => panic!("expected Unavailable, got {other:?}"),
            Ok(_) => panic!("loading from {} should fail", dir.display()),
        }
    }

    #[tokio::test]
    async fn matches_reference_vectors() {
        let embedder = load_model();
        assert_eq!(embedder.model_id(), "all-MiniLM-L6-v2");
        assert_eq!(embedder.dimensions(), 384);

        let references = reference_vectors();
        let texts: Vec<String> = references
            .iter()
            .map(|reference| reference.text.clone())
            .collect();
        let vectors = embedder.embed(&texts).await.expect("embedding failed");
        assert_eq!(vectors.len(), references.len());

        let mut overall_max_diff = 0.0f32;
        for (vector, reference) in vectors.iter().zip(&references) {
            assert_eq!(vector.len(), 384);
            let diff = max_abs_diff(vector, &reference.embedding);
            eprintln!("max abs diff {diff:.2e} for {:?}", reference.text);
            assert!(
                diff <= 1e-4,
                "{:?} differs from the reference by {diff}",
                reference.text
            );
            overall_max_diff = overall_max_diff.max(diff);
        }
        eprintln!("max abs diff vs reference over all vectors: {overall_max_diff:.2e}");
    }

    #[tokio::test]
    async fn batched_texts_match_each_text_embedded_alone() {
        let embedder = load_model();
        let long_chunk = transcript_chunks(1, 180).remove(0);
        // 20 texts: crosses the 16-text batch boundary and mixes lengths, so
        // the batch runs side by side while each text alone splits its
        // matmuls across threads.
        let mut texts = owned(&["", "Yes.", "I feel burned out at work"]);
        texts.push(long_chunk);
        texts.extend(owned(&[
            "So for next week, try tracking where your hours actually go.",
            "I'm going to take myself off the required reviewers list by Friday.",
        ]));
        texts.extend((0..14).map(|index| "word ".repeat(index * 5 + 1)));

        let batched = embedder
            .embed(&texts)
            .await
            .expect("batch embedding failed");
        assert_eq!(batched.len(), texts.len());
        for (text, batched_vector) in texts.iter().zip(&batched) {
            let alone = embedder
                .embed(std::slice::from_ref(text))
                .await
                .expect("single embedding failed");
            let diff = max_abs_diff(batched_vector, &alone[0]);
            assert!(
                diff <= 1e-5,
                "batched vs alone differ by {diff} for {text:?}"
            );
        }
    }

    #[tokio::test]
    async fn vectors_are_unit_length() {
        let embedder = load_model();
        let mut texts = owned(&["", "a", "The recipe needs two eggs"]);
        texts.extend(transcript_chunks(2, 180));
        for vector in embedder.embed(&texts).await.expect("embedding failed") {
            let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
        }
    }

    #[tokio::test]
    async fn paraphrases_are_closer_than_unrelated_texts() {
        let embedder = load_model();
        let texts = owned(&[
            "I feel burned out at work",
            "My job is exhausting me",
            "The recipe needs two eggs",
        ]);
        let vectors = embedder.embed(&texts).await.expect("embedding failed");
        let paraphrase = cosine(&vectors[0], &vectors[1]);
        let unrelated = cosine(&vectors[0], &vectors[2]);
        eprintln!("cosine paraphrase {paraphrase:.3}, unrelated {unrelated:.3}");
        assert!(
            paraphrase > unrelated + 0.2,
            "paraphrase {paraphrase} should clearly beat unrelated {unrelated}"
        );
    }

    #[tokio::test]
    async fn texts_longer_than_the_model_limit_are_truncated() {
        let embedder = load_model();
        // ~1,500 tokens: beyond 512 positions this would fail without truncation.
        let very_long = "coaching conversation about priorities ".repeat(300);
        let vectors = embedder
            .embed(&[very_long])
            .await
            .expect("embedding failed");
        assert_eq!(vectors[0].len(), DIMENSIONS);
    }

    #[tokio::test]
    async fn empty_input_gives_no_vectors() {
        let embedder = load_model();
        assert!(embedder
            .embed(&[])
            .await
            .expect("embedding failed")
            .is_empty());
    }

    /// Informational: load time and throughput on chunk-sized texts. Run with
    /// RAYON_NUM_THREADS=1 for the per-thread figure.
    #[tokio::test]
    async fn reports_load_time_and_throughput() {
        let started = Instant::now();
        let embedder = load_model();
        let load_time = started.elapsed();

        let chunks = transcript_chunks(32, 180);
        // Warm up allocations and caches before timing.
        embedder
            .embed(&chunks[..2])
            .await
            .expect("embedding failed");
        let started = Instant::now();
        let vectors = embedder.embed(&chunks).await.expect("embedding failed");
        let elapsed = started.elapsed().as_secs_f64();
        assert_eq!(vectors.len(), chunks.len());
        eprintln!(
            "load {:.0} ms; {} chunks of 180 words in {elapsed:.2} s = {:.1} chunks/s \
             (threads: {})",
            load_time.as_secs_f64() * 1000.0,
            chunks.len(),
            chunks.len() as f64 / elapsed,
            rayon::current_num_threads()
        );
    }
}
