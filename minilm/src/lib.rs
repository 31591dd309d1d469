//! The BERT encoder of all-MiniLM-L6-v2 (sentence embeddings), computed on
//! the CPU: the weights from the model's safetensors file, one text per
//! forward pass, matmuls through `gemm`.
//!
//! Pure computation: no files, no tokenizer, no threads of its own. The
//! embedder adapter in `flowcoach-core` (`ai::minilm::model`) tokenises,
//! reads the files and runs texts side by side. Its own crate so that dev
//! and test builds compile it optimised (its loops are the embedding time)
//! without optimising the rest of the workspace
//! (docs/decisions/0011-own-encoder.md).

mod encoder;
mod kernels;

pub use encoder::{Config, Encoder, ForwardError, LoadError, Scratch};
pub use gemm::Parallelism;
