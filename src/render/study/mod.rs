//! Study groups (README.md, "Study groups"): the assignment post and its results
//! (`assignment.rs`), the private, self-paced run (`run.rs`), and schedule lists
//! (`schedule.rs`).

mod assignment;
mod run;
mod schedule;
#[cfg(test)]
mod tests;

pub use assignment::{assignment_post, assignment_results};
pub use run::{run_closed, run_done, run_feedback, run_question, RunContext};
pub use schedule::{schedule_line, schedule_list};
