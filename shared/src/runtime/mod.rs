//! The one-machine runtime: the job worker, the inbox watcher, the schedule
//! tick and the wiring of local adapters (`flowcoach serve`).

pub mod inbox;
pub mod local;
pub mod scheduler;
pub mod worker;
