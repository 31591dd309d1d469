//! The one-machine runtime: the job worker, the inbox watcher, the schedule
//! tick and the wiring of local adapters (`flowcoach serve`).

mod first_head;
pub mod inbox;
pub mod local;
pub mod scheduler;
pub mod worker;
