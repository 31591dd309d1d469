//! The BERT encoder of all-MiniLM-L6-v2, run on one text at a time.
//!
//! One text per call means no padding and no attention mask: every matmul
//! works on real tokens only, and texts run side by side on separate cores
//! with nothing shared but the read-only weights. Each call reuses its
//! caller's [`Scratch`], so a forward pass allocates nothing after the first
//! (docs/decisions/0011-own-encoder.md has the measurements that led here).

use gemm::Parallelism;
use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;

use super::kernels::{self, Matrix, MatrixMut, ShapeError};

/// The fields of the model's `config.json` the forward pass depends on.
#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    pub hidden_size: usize,
    pub num_attention_heads: usize,
    pub num_hidden_layers: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    pub type_vocab_size: usize,
    pub vocab_size: usize,
    pub layer_norm_eps: f64,
    pub hidden_act: String,
}

/// Why the weights could not become an encoder.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("not a safetensors file: {0}")]
    Format(#[from] safetensors::SafeTensorError),
    #[error("tensor {0} is missing")]
    Missing(String),
    #[error("tensor {name} is {found:?}, expected {expected:?} of F32")]
    Shape {
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    #[error("tensor {name} holds {dtype:?}, expected F32")]
    Dtype { name: String, dtype: Dtype },
    #[error("{0}")]
    Config(String),
}

/// Why one forward pass failed.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error("token id {0} is outside the vocabulary")]
    UnknownToken(u32),
    #[error("{tokens} tokens exceed the model's {limit} positions")]
    TooLong { tokens: usize, limit: usize },
    #[error(transparent)]
    Shape(#[from] ShapeError),
}

/// A dense layer stored for `x · W`: the weight transposed from torch's
/// `(out, in)` to `(in, out)` once at load, so every product reads it row
/// by row.
struct Dense {
    weight: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

impl Dense {
    fn weight(&self) -> Result<Matrix<'_>, ShapeError> {
        Matrix::row_major(&self.weight, self.inputs, self.outputs)
    }
}

struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

struct Layer {
    /// Query, key and value in one `(hidden, 3 · hidden)` product.
    qkv: Dense,
    attention_output: Dense,
    attention_norm: Norm,
    intermediate: Dense,
    output: Dense,
    output_norm: Norm,
}

/// The loaded weights; read-only after loading, so shared by every thread.
pub struct Encoder {
    word_embeddings: Vec<f32>,
    position_embeddings: Vec<f32>,
    token_type_embeddings: Vec<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
    hidden: usize,
    heads: usize,
    intermediate: usize,
    vocab_size: usize,
    type_vocab_size: usize,
    max_positions: usize,
    eps: f32,
}

/// Working memory of one forward pass; kept by the caller between texts.
#[derive(Default)]
pub struct Scratch {
    hidden: Vec<f32>,
    qkv: Vec<f32>,
    context: Vec<f32>,
    scores: Vec<f32>,
    intermediate: Vec<f32>,
}

impl Encoder {
    /// The encoder from the bytes of a `model.safetensors` file (torch's
    /// BERT tensor names, without a `bert.` prefix) and its `config.json`.
    pub fn from_safetensors(config: &Config, bytes: &[u8]) -> Result<Self, LoadError> {
        let tensors = SafeTensors::deserialize(bytes)?;
        Self::load(config, &tensors)
    }

    fn load(config: &Config, tensors: &SafeTensors<'_>) -> Result<Self, LoadError> {
        if config.hidden_act != "gelu" {
            return Err(LoadError::Config(format!(
                "hidden_act {:?} is not supported (expected \"gelu\")",
                config.hidden_act
            )));
        }
        if config.num_attention_heads == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(LoadError::Config(format!(
                "{} hidden units do not divide into {} heads",
                config.hidden_size, config.num_attention_heads
            )));
        }
        let hidden = config.hidden_size;
        let weights = Weights { tensors };
        let norm = |prefix: &str| -> Result<Norm, LoadError> {
            Ok(Norm {
                gamma: weights.f32(&format!("{prefix}.LayerNorm.weight"), &[hidden])?,
                beta: weights.f32(&format!("{prefix}.LayerNorm.bias"), &[hidden])?,
            })
        };
        let layers = (0..config.num_hidden_layers)
            .map(|index| {
                let prefix = format!("encoder.layer.{index}");
                let attention = format!("{prefix}.attention");
                Ok(Layer {
                    qkv: weights.dense_stacked(
                        &["query", "key", "value"].map(|part| format!("{attention}.self.{part}")),
                        hidden,
                        hidden,
                    )?,
                    attention_output: weights.dense(
                        &format!("{attention}.output.dense"),
                        hidden,
                        hidden,
                    )?,
                    attention_norm: norm(&format!("{attention}.output"))?,
                    intermediate: weights.dense(
                        &format!("{prefix}.intermediate.dense"),
                        hidden,
                        config.intermediate_size,
                    )?,
                    output: weights.dense(
                        &format!("{prefix}.output.dense"),
                        config.intermediate_size,
                        hidden,
                    )?,
                    output_norm: norm(&format!("{prefix}.output"))?,
                })
            })
            .collect::<Result<_, LoadError>>()?;
        Ok(Self {
            word_embeddings: weights.f32(
                "embeddings.word_embeddings.weight",
                &[config.vocab_size, hidden],
            )?,
            position_embeddings: weights.f32(
                "embeddings.position_embeddings.weight",
                &[config.max_position_embeddings, hidden],
            )?,
            token_type_embeddings: weights.f32(
                "embeddings.token_type_embeddings.weight",
                &[config.type_vocab_size, hidden],
            )?,
            embedding_norm: norm("embeddings")?,
            layers,
            hidden,
            heads: config.num_attention_heads,
            intermediate: config.intermediate_size,
            vocab_size: config.vocab_size,
            type_vocab_size: config.type_vocab_size,
            max_positions: config.max_position_embeddings,
            eps: config.layer_norm_eps as f32,
        })
    }

    /// The sentence embedding of one tokenised text: the mean of the last
    /// layer's token states, scaled to unit length (sentence-transformers'
    /// pooling), so a dot product of two vectors is their cosine.
    ///
    /// `parallelism` splits each matmul across threads: `None` when texts
    /// already run side by side, one per core.
    pub fn embed(
        &self,
        token_ids: &[u32],
        type_ids: &[u32],
        scratch: &mut Scratch,
        parallelism: Parallelism,
    ) -> Result<Vec<f32>, ForwardError> {
        let tokens = token_ids.len();
        if tokens > self.max_positions {
            return Err(ForwardError::TooLong {
                tokens,
                limit: self.max_positions,
            });
        }
        let mut pooled = vec![0.0f32; self.hidden];
        if tokens == 0 {
            return Ok(pooled);
        }
        self.embed_tokens(token_ids, type_ids, &mut scratch.hidden)?;
        for layer in &self.layers {
            self.layer(layer, tokens, scratch, parallelism)?;
        }

        for row in scratch.hidden.chunks_exact(self.hidden) {
            for (total, value) in pooled.iter_mut().zip(row) {
                *total += value;
            }
        }
        let count = tokens as f32;
        pooled.iter_mut().for_each(|value| *value /= count);
        let norm = pooled
            .iter()
            .map(|value| value * value)
            .sum::<f32>()
            .sqrt()
            .max(1e-12);
        pooled.iter_mut().for_each(|value| *value /= norm);
        Ok(pooled)
    }

    /// Word, position and token-type embeddings summed, then normalised.
    fn embed_tokens(
        &self,
        token_ids: &[u32],
        type_ids: &[u32],
        hidden: &mut Vec<f32>,
    ) -> Result<(), ForwardError> {
        let width = self.hidden;
        hidden.resize(token_ids.len() * width, 0.0);
        for (position, (row, &id)) in hidden.chunks_exact_mut(width).zip(token_ids).enumerate() {
            let word = self
                .row(&self.word_embeddings, id, self.vocab_size)
                .ok_or(ForwardError::UnknownToken(id))?;
            // A missing type id is type 0, as torch's default.
            let type_id = type_ids.get(position).copied().unwrap_or(0);
            let token_type = self
                .row(&self.token_type_embeddings, type_id, self.type_vocab_size)
                .ok_or(ForwardError::UnknownToken(type_id))?;
            let place = self
                .position_embeddings
                .get(position * width..(position + 1) * width)
                .ok_or(ForwardError::TooLong {
                    tokens: token_ids.len(),
                    limit: self.max_positions,
                })?;
            for (((value, w), p), t) in row.iter_mut().zip(word).zip(place).zip(token_type) {
                *value = w + p + t;
            }
        }
        let norm = &self.embedding_norm;
        kernels::layer_norm(hidden, &norm.gamma, &norm.beta, self.eps);
        Ok(())
    }

    fn row<'a>(&self, table: &'a [f32], id: u32, rows: usize) -> Option<&'a [f32]> {
        let id = usize::try_from(id).ok().filter(|id| *id < rows)?;
        table.get(id * self.hidden..(id + 1) * self.hidden)
    }

    /// One transformer layer, in place on `scratch.hidden`.
    fn layer(
        &self,
        layer: &Layer,
        tokens: usize,
        scratch: &mut Scratch,
        parallelism: Parallelism,
    ) -> Result<(), ShapeError> {
        let hidden = self.hidden;
        let head_size = hidden / self.heads;
        let Scratch {
            hidden: states,
            qkv,
            context,
            scores,
            intermediate,
        } = scratch;

        // Query, key and value of every token in one product.
        qkv.resize(tokens * 3 * hidden, 0.0);
        kernels::fill_rows(qkv, &layer.qkv.bias);
        let input = Matrix::row_major(states, tokens, hidden)?;
        kernels::matmul(
            MatrixMut::row_major(qkv, tokens, 3 * hidden)?,
            input,
            layer.qkv.weight()?,
            1.0,
            true,
            parallelism,
        )?;

        // Scaled dot-product attention, head by head, on views of `qkv`.
        context.resize(tokens * hidden, 0.0);
        scores.resize(tokens * tokens, 0.0);
        let scale = 1.0 / (head_size as f32).sqrt();
        for head in 0..self.heads {
            let column = head * head_size;
            let query = Matrix::strided(&qkv[column..], tokens, head_size, 3 * hidden, 1)?;
            let key = Matrix::strided(&qkv[hidden + column..], tokens, head_size, 3 * hidden, 1)?;
            let value = Matrix::strided(
                &qkv[2 * hidden + column..],
                tokens,
                head_size,
                3 * hidden,
                1,
            )?;
            kernels::matmul(
                MatrixMut::row_major(scores, tokens, tokens)?,
                query,
                key.transposed(),
                scale,
                false,
                parallelism,
            )?;
            kernels::softmax_rows(scores, tokens);
            kernels::matmul(
                MatrixMut::strided(&mut context[column..], tokens, head_size, hidden)?,
                Matrix::row_major(scores, tokens, tokens)?,
                value,
                1.0,
                false,
                parallelism,
            )?;
        }

        // Output projection onto the residual, then normalised.
        kernels::add_to_rows(states, &layer.attention_output.bias);
        kernels::matmul(
            MatrixMut::row_major(states, tokens, hidden)?,
            Matrix::row_major(context, tokens, hidden)?,
            layer.attention_output.weight()?,
            1.0,
            true,
            parallelism,
        )?;
        let norm = &layer.attention_norm;
        kernels::layer_norm(states, &norm.gamma, &norm.beta, self.eps);

        // Feed-forward: widen, GELU, narrow onto the residual, normalise.
        intermediate.resize(tokens * self.intermediate, 0.0);
        kernels::fill_rows(intermediate, &layer.intermediate.bias);
        kernels::matmul(
            MatrixMut::row_major(intermediate, tokens, self.intermediate)?,
            Matrix::row_major(states, tokens, hidden)?,
            layer.intermediate.weight()?,
            1.0,
            true,
            parallelism,
        )?;
        kernels::gelu(intermediate);
        kernels::add_to_rows(states, &layer.output.bias);
        kernels::matmul(
            MatrixMut::row_major(states, tokens, hidden)?,
            Matrix::row_major(intermediate, tokens, self.intermediate)?,
            layer.output.weight()?,
            1.0,
            true,
            parallelism,
        )?;
        let norm = &layer.output_norm;
        kernels::layer_norm(states, &norm.gamma, &norm.beta, self.eps);
        Ok(())
    }
}

/// Typed reads from the safetensors file.
struct Weights<'a, 'data> {
    tensors: &'a SafeTensors<'data>,
}

impl Weights<'_, '_> {
    /// An F32 tensor of exactly `shape`, as values.
    fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, LoadError> {
        let view = self
            .tensors
            .tensor(name)
            .map_err(|_| LoadError::Missing(name.to_string()))?;
        if view.dtype() != Dtype::F32 {
            return Err(LoadError::Dtype {
                name: name.to_string(),
                dtype: view.dtype(),
            });
        }
        if view.shape() != shape {
            return Err(LoadError::Shape {
                name: name.to_string(),
                expected: shape.to_vec(),
                found: view.shape().to_vec(),
            });
        }
        Ok(view
            .data()
            .chunks_exact(4)
            .map(|bytes| f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
            .collect())
    }

    fn dense(&self, prefix: &str, inputs: usize, outputs: usize) -> Result<Dense, LoadError> {
        self.dense_stacked(&[prefix.to_string()], inputs, outputs)
    }

    /// Dense layers reading the same input, side by side in one weight:
    /// `(inputs, outputs · parts)`.
    fn dense_stacked(
        &self,
        prefixes: &[String],
        inputs: usize,
        outputs: usize,
    ) -> Result<Dense, LoadError> {
        let width = outputs * prefixes.len();
        let mut weight = vec![0.0f32; inputs * width];
        let mut bias = Vec::with_capacity(width);
        for (part, prefix) in prefixes.iter().enumerate() {
            // torch stores (outputs, inputs); transpose into our columns.
            let stored = self.f32(&format!("{prefix}.weight"), &[outputs, inputs])?;
            for (output, row) in stored.chunks_exact(inputs).enumerate() {
                for (input, value) in row.iter().enumerate() {
                    weight[input * width + part * outputs + output] = *value;
                }
            }
            bias.extend(self.f32(&format!("{prefix}.bias"), &[outputs])?);
        }
        Ok(Dense {
            weight,
            bias,
            inputs,
            outputs: width,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use safetensors::tensor::TensorView;

    use super::*;
    use crate::kernels::tests::erf_reference;

    const HIDDEN: usize = 8;
    const HEADS: usize = 2;
    const INTERMEDIATE: usize = 12;
    const VOCAB: usize = 7;
    const POSITIONS: usize = 6;
    const LAYERS: usize = 2;

    fn config() -> Config {
        Config {
            hidden_size: HIDDEN,
            num_attention_heads: HEADS,
            num_hidden_layers: LAYERS,
            intermediate_size: INTERMEDIATE,
            max_position_embeddings: POSITIONS,
            type_vocab_size: 2,
            vocab_size: VOCAB,
            layer_norm_eps: 1e-12,
            hidden_act: "gelu".into(),
        }
    }

    /// Every tensor of a tiny BERT, filled with distinct deterministic values.
    fn tensors() -> Vec<(String, Vec<usize>, Vec<f32>)> {
        let mut shapes: Vec<(String, Vec<usize>)> = vec![
            (
                "embeddings.word_embeddings.weight".into(),
                vec![VOCAB, HIDDEN],
            ),
            (
                "embeddings.position_embeddings.weight".into(),
                vec![POSITIONS, HIDDEN],
            ),
            (
                "embeddings.token_type_embeddings.weight".into(),
                vec![2, HIDDEN],
            ),
            ("embeddings.LayerNorm.weight".into(), vec![HIDDEN]),
            ("embeddings.LayerNorm.bias".into(), vec![HIDDEN]),
        ];
        for layer in 0..LAYERS {
            let prefix = format!("encoder.layer.{layer}");
            for (name, shape) in [
                ("attention.self.query", vec![HIDDEN, HIDDEN]),
                ("attention.self.key", vec![HIDDEN, HIDDEN]),
                ("attention.self.value", vec![HIDDEN, HIDDEN]),
                ("attention.output.dense", vec![HIDDEN, HIDDEN]),
                ("intermediate.dense", vec![INTERMEDIATE, HIDDEN]),
                ("output.dense", vec![HIDDEN, INTERMEDIATE]),
            ] {
                let outputs = shape[0];
                shapes.push((format!("{prefix}.{name}.weight"), shape));
                shapes.push((format!("{prefix}.{name}.bias"), vec![outputs]));
            }
            for norm in ["attention.output", "output"] {
                shapes.push((format!("{prefix}.{norm}.LayerNorm.weight"), vec![HIDDEN]));
                shapes.push((format!("{prefix}.{norm}.LayerNorm.bias"), vec![HIDDEN]));
            }
        }
        shapes
            .into_iter()
            .enumerate()
            .map(|(index, (name, shape))| {
                let count = shape.iter().product::<usize>();
                let values = (0..count)
                    .map(|at| ((index * 131 + at * 17) as f32 * 0.618).sin() * 0.5)
                    .collect();
                (name, shape, values)
            })
            .collect()
    }

    fn serialise(tensors: &[(String, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
        let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
            .iter()
            .map(|(name, shape, values)| {
                let data = values
                    .iter()
                    .flat_map(|value| value.to_le_bytes())
                    .collect();
                (name.clone(), shape.clone(), data)
            })
            .collect();
        let views: Vec<(String, TensorView<'_>)> = bytes
            .iter()
            .map(|(name, shape, data)| {
                let view = TensorView::new(Dtype::F32, shape.clone(), data).expect("view");
                (name.clone(), view)
            })
            .collect();
        safetensors::serialize(views, None).expect("serialise")
    }

    /// BERT written out plainly in f64, straight from torch's layout: the
    /// encoder must agree with it.
    fn reference_embedding(weights: &HashMap<String, Vec<f32>>, ids: &[usize]) -> Vec<f64> {
        let get =
            |name: &str| -> Vec<f64> { weights[name].iter().map(|v| f64::from(*v)).collect() };
        let norm = |rows: &mut Vec<Vec<f64>>, prefix: &str| {
            let (gamma, beta) = (
                get(&format!("{prefix}.LayerNorm.weight")),
                get(&format!("{prefix}.LayerNorm.bias")),
            );
            for row in rows.iter_mut() {
                let mean = row.iter().sum::<f64>() / HIDDEN as f64;
                let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / HIDDEN as f64;
                for (i, value) in row.iter_mut().enumerate() {
                    *value = (*value - mean) / (var + 1e-12).sqrt() * gamma[i] + beta[i];
                }
            }
        };
        // torch's Linear: y = x · Wᵀ + b, W stored (outputs, inputs).
        let linear = |rows: &[Vec<f64>], prefix: &str| -> Vec<Vec<f64>> {
            let (weight, bias) = (
                get(&format!("{prefix}.weight")),
                get(&format!("{prefix}.bias")),
            );
            let inputs = rows[0].len();
            rows.iter()
                .map(|row| {
                    (0..bias.len())
                        .map(|out| {
                            bias[out]
                                + (0..inputs)
                                    .map(|i| row[i] * weight[out * inputs + i])
                                    .sum::<f64>()
                        })
                        .collect()
                })
                .collect()
        };
        let (word, place, kind) = (
            get("embeddings.word_embeddings.weight"),
            get("embeddings.position_embeddings.weight"),
            get("embeddings.token_type_embeddings.weight"),
        );
        let mut states: Vec<Vec<f64>> = ids
            .iter()
            .enumerate()
            .map(|(t, id)| {
                (0..HIDDEN)
                    .map(|i| word[id * HIDDEN + i] + place[t * HIDDEN + i] + kind[i])
                    .collect()
            })
            .collect();
        norm(&mut states, "embeddings");
        let head = HIDDEN / HEADS;
        for layer in 0..LAYERS {
            let prefix = format!("encoder.layer.{layer}");
            let q = linear(&states, &format!("{prefix}.attention.self.query"));
            let k = linear(&states, &format!("{prefix}.attention.self.key"));
            let v = linear(&states, &format!("{prefix}.attention.self.value"));
            let mut context = vec![vec![0.0; HIDDEN]; ids.len()];
            for h in 0..HEADS {
                let cols = h * head..(h + 1) * head;
                for t in 0..ids.len() {
                    let scores: Vec<f64> = (0..ids.len())
                        .map(|s| {
                            cols.clone().map(|c| q[t][c] * k[s][c]).sum::<f64>()
                                / (head as f64).sqrt()
                        })
                        .collect();
                    let top = scores.iter().cloned().fold(f64::MIN, f64::max);
                    let total: f64 = scores.iter().map(|s| (s - top).exp()).sum();
                    for c in cols.clone() {
                        context[t][c] = (0..ids.len())
                            .map(|s| (scores[s] - top).exp() / total * v[s][c])
                            .sum();
                    }
                }
            }
            let attended = linear(&context, &format!("{prefix}.attention.output.dense"));
            let mut states_after: Vec<Vec<f64>> = attended
                .iter()
                .zip(&states)
                .map(|(a, s)| a.iter().zip(s).map(|(x, y)| x + y).collect())
                .collect();
            norm(&mut states_after, &format!("{prefix}.attention.output"));
            let widened: Vec<Vec<f64>> =
                linear(&states_after, &format!("{prefix}.intermediate.dense"))
                    .into_iter()
                    .map(|row| {
                        row.into_iter()
                            .map(|x| 0.5 * x * (1.0 + erf_reference(x / 2f64.sqrt())))
                            .collect()
                    })
                    .collect();
            let narrowed = linear(&widened, &format!("{prefix}.output.dense"));
            states = narrowed
                .iter()
                .zip(&states_after)
                .map(|(a, s)| a.iter().zip(s).map(|(x, y)| x + y).collect())
                .collect();
            norm(&mut states, &format!("{prefix}.output"));
        }
        let mut pooled: Vec<f64> = (0..HIDDEN)
            .map(|i| states.iter().map(|row| row[i]).sum::<f64>() / ids.len() as f64)
            .collect();
        let length = pooled.iter().map(|v| v * v).sum::<f64>().sqrt();
        pooled.iter_mut().for_each(|v| *v /= length);
        pooled
    }

    #[test]
    fn the_encoder_agrees_with_bert_written_out_plainly() {
        let tensors = tensors();
        let encoder = Encoder::from_safetensors(&config(), &serialise(&tensors)).expect("loads");
        let weights: HashMap<String, Vec<f32>> = tensors
            .into_iter()
            .map(|(name, _, values)| (name, values))
            .collect();
        let mut scratch = Scratch::default();
        // Lengths that differ, so one scratch is reused grown and shrunk.
        for ids in [vec![1u32, 4, 2, 6, 3], vec![5], vec![0, 2, 2, 1, 6, 3]] {
            let types = vec![0; ids.len()];
            for parallelism in [Parallelism::None, Parallelism::Rayon(2)] {
                let got = encoder
                    .embed(&ids, &types, &mut scratch, parallelism)
                    .expect("embeds");
                let ids: Vec<usize> = ids.iter().map(|id| *id as usize).collect();
                let want = reference_embedding(&weights, &ids);
                for (g, w) in got.iter().zip(&want) {
                    assert!(
                        (f64::from(*g) - w).abs() < 1e-5,
                        "{ids:?}: {got:?} vs {want:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn bad_weights_and_bad_input_are_errors_that_say_what_is_wrong() {
        let mut tensors = tensors();
        let bytes = serialise(&tensors);
        let mut relu = config();
        relu.hidden_act = "relu".into();
        assert!(matches!(
            Encoder::from_safetensors(&relu, &bytes),
            Err(LoadError::Config(_))
        ));
        let mut wider = config();
        wider.intermediate_size = INTERMEDIATE + 1;
        assert!(matches!(
            Encoder::from_safetensors(&wider, &bytes),
            Err(LoadError::Shape { .. })
        ));
        assert!(matches!(
            Encoder::from_safetensors(&config(), b"not a model"),
            Err(LoadError::Format(_))
        ));
        tensors.retain(|(name, _, _)| name != "encoder.layer.1.output.dense.bias");
        match Encoder::from_safetensors(&config(), &serialise(&tensors)) {
            Err(LoadError::Missing(name)) => assert_eq!(name, "encoder.layer.1.output.dense.bias"),
            other => panic!("expected a missing tensor, got {:?}", other.err()),
        }

        let encoder = Encoder::from_safetensors(&config(), &bytes).expect("loads");
        let mut scratch = Scratch::default();
        let unknown = encoder.embed(&[1, VOCAB as u32], &[0, 0], &mut scratch, Parallelism::None);
        assert!(matches!(unknown, Err(ForwardError::UnknownToken(id)) if id == VOCAB as u32));
        let long = vec![1u32; POSITIONS + 1];
        let too_long = encoder.embed(&long, &[], &mut scratch, Parallelism::None);
        assert!(matches!(
            too_long,
            Err(ForwardError::TooLong {
                tokens: 7,
                limit: 6
            })
        ));
        let empty = encoder
            .embed(&[], &[], &mut scratch, Parallelism::None)
            .expect("empty");
        assert!(empty.iter().all(|value| *value == 0.0));
    }
}
