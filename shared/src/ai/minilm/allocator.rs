//! The global allocator of every build that links the model (the local
//! server, stage-embed, the tests): jemalloc, set so that freed tensor memory
//! is reused by the next forward pass instead of being returned to the OS and
//! faulted in again (ADR 8: page faults were a fifth of the embedding time).
//!
//! It lives beside the model, not in each binary, because the model's
//! allocation pattern is why it is needed: a build with the model gets both.

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Read by jemalloc before `main` (`_RJEM_MALLOC_CONF` overrides it).
///
/// - `oversize_threshold:0`: above 8 MiB (the default threshold) an
///   allocation gets an arena that gives its pages back at once, so every
///   batch's attention scores (25 MB a pass) were zeroed and faulted in
///   again; with 0 they stay in the ordinary arenas, whose unused pages go
///   back to the OS after jemalloc's 10 s decay. Release bench: 5.7 → 8.2
///   chunks/s.
/// - `percpu_arena:percpu`: one arena per CPU rather than four per CPU, so what one
///   forward pass frees the next pass on that CPU reuses (peak RSS of the
///   server 593 → 473 MiB at the same speed; ADR 8).
#[export_name = "_rjem_malloc_conf"]
static MALLOC_CONF: &[u8; 41] = b"oversize_threshold:0,percpu_arena:percpu\0";
