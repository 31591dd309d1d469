//! Analysis and embeddings: the ports, the local analyser, templates and the model.

pub mod analyst;
pub mod answerer;
pub mod builtin_templates;
pub mod embedder;
pub mod llm;
pub mod llm_analyst;
pub mod llm_answerer;
pub mod llm_refiner;
pub mod local;
pub mod minilm;
pub mod refiner;
pub mod routing;
pub mod template;
