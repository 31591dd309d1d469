//! Test doubles wrapping the real analyst and embedder to inject failures.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use flowcoach_core::ai::analyst::{Analysis, AnalysisRequest, Analyst, AnalystError};
use flowcoach_core::ai::local::LocalAnalyst;

/// The local analyser, failing transiently for the first `failures` calls
/// (or for as long as `broken` is set).
pub struct FlakyAnalyst {
    pub failures: usize,
    pub calls: AtomicUsize,
    pub broken: AtomicBool,
}

impl FlakyAnalyst {
    pub fn failing_first(failures: usize) -> Arc<Self> {
        Arc::new(Self {
            failures,
            calls: AtomicUsize::new(0),
            broken: AtomicBool::new(false),
        })
    }

    pub fn broken() -> Arc<Self> {
        Arc::new(Self {
            failures: 0,
            calls: AtomicUsize::new(0),
            broken: AtomicBool::new(true),
        })
    }

    pub fn repair(&self) {
        self.broken.store(false, Ordering::SeqCst);
    }
}

#[async_trait]
impl Analyst for FlakyAnalyst {
    async fn analyse(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        if call < self.failures || self.broken.load(Ordering::SeqCst) {
            return Err(AnalystError::Transient(format!(
                "model endpoint timed out (call {})",
                call + 1
            )));
        }
        LocalAnalyst.analyse(request).await
    }
}

pub use flowcoach_tests::app::HELD_AT;
