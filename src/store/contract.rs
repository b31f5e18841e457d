//! The store contract: every operation the bot asks of its database, as one trait that both
//! backends implement — SQLite ([`super::SqliteStore`], the embedded default) and PostgreSQL
//! ([`super::PgStore`], for shard processes on several machines). The runtime holds a
//! [`super::Store`] and never knows which one it has; `tests/store_contract.rs` runs the same
//! suite against both.
//!
//! Both backends keep the same guarantees (docs/storage.md): a write resolves only after its
//! commit, answers that wait together are committed together, one answer per player per
//! question is a unique key, and an occurrence of a schedule is claimed by a row.
//!
//! The operations are listed once, in [`contract!`], which writes the trait and the impls
//! that forward to each backend's inherent methods (the queries live with their tables).

use std::collections::HashMap;

use super::{
    AnswerRow, AssignmentRow, AssignmentStart, Claim, GuildQuiz, Inserted, NewAssignment,
    NewSchedule, NewSession, PostedQuestion, RevealedQuestion, RunAnswer, RunAnswerOutcome, RunRow,
    ScoreRow, SessionRow, SessionState, StoreError,
};
use crate::game::live::Answer;
use crate::game::records::{AssignmentResults, BoardRow, MemberStats, ScheduleRow};
use crate::quiz::Quiz;

/// Which database a store writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

macro_rules! contract {
    ($( $(#[$doc:meta])* fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {
        #[async_trait::async_trait]
        pub trait Contract: Send + Sync + 'static {
            /// Which database this is.
            fn backend(&self) -> Backend;
            /// Wall-clock ms of the last successful commit (0: none yet): the health check's
            /// proof that the database takes writes.
            fn last_commit_ms(&self) -> i64;
            $( $(#[$doc])* #[allow(clippy::too_many_arguments)]
            async fn $name(&self $(, $arg: $ty)*) -> Result<$ret, StoreError>; )*
        }

        #[async_trait::async_trait]
        impl Contract for super::SqliteStore {
            fn backend(&self) -> Backend {
                Backend::Sqlite
            }
            fn last_commit_ms(&self) -> i64 {
                super::SqliteStore::last_commit_ms(self)
            }
            $( #[allow(clippy::too_many_arguments)]
            async fn $name(&self $(, $arg: $ty)*) -> Result<$ret, StoreError> {
                super::SqliteStore::$name(self $(, $arg)*).await
            } )*
        }

        #[async_trait::async_trait]
        impl Contract for super::PgStore {
            fn backend(&self) -> Backend {
                Backend::Postgres
            }
            fn last_commit_ms(&self) -> i64 {
                super::PgStore::last_commit_ms(self)
            }
            $( #[allow(clippy::too_many_arguments)]
            async fn $name(&self $(, $arg: $ty)*) -> Result<$ret, StoreError> {
                super::PgStore::$name(self $(, $arg)*).await
            } )*
        }
    };
}

contract! {
    // Live quizzes: sessions, the questions posted, answers and final scores.
    /// Records a new running session; [`StoreError::ChannelBusy`] when the channel has one.
    fn create_session(&self, s: NewSession) -> i64;
    /// A question was opened: when, and until when.
    fn open_question(&self, session: i64, position: usize, question_index: usize, opened_at: i64, deadline_at: i64) -> ();
    fn set_question_message(&self, session: i64, position: usize, message_id: u64) -> ();
    /// Ends a session once: final scores, quizzes played and best streaks on every board.
    fn finish_session(&self, session: i64, guild_id: u64, state: SessionState, finished_at: i64, scores: Vec<ScoreRow>, boards: Vec<String>) -> ();
    fn set_results_message(&self, session: i64, message_id: u64) -> ();
    fn session(&self, id: i64) -> Option<SessionRow>;
    /// Sessions that were running when the bot stopped.
    fn running_sessions(&self) -> Vec<SessionRow>;
    /// Ended at `since` or later with no results message recorded: results owed.
    fn results_owed(&self, since: i64) -> Vec<SessionRow>;
    fn posted_questions(&self, session: i64) -> Vec<PostedQuestion>;
    /// How many players a finished session had.
    fn session_players(&self, session: i64) -> usize;
    fn session_score(&self, session: i64, user: u64) -> Option<ScoreRow>;
    /// Stores an answer (and the player's name); a second one is refused by the unique key,
    /// or with `replace` overwrites the first.
    fn insert_answer(&self, a: AnswerRow, replace: bool) -> Inserted;
    /// Every answer of a session with the player's name: for restart recovery.
    fn session_answers(&self, session: i64) -> Vec<AnswerRow>;
    fn answers_of(&self, session: i64, user: u64) -> Vec<(usize, Answer)>;
    fn answer_count(&self, session: i64, position: usize) -> u64;

    // Leaderboards and server settings.
    /// Marks a question revealed and adds its answers to every board, once.
    fn reveal(&self, session: i64, position: usize, guild_id: u64, boards: Vec<String>, now: i64, question: Option<RevealedQuestion>) -> bool;
    fn leaderboard(&self, guild_id: u64, board: String, limit: usize) -> Vec<BoardRow>;
    fn board_entry(&self, guild_id: u64, board: String, user: u64) -> Option<(usize, BoardRow)>;
    fn member_stats(&self, guild_id: u64, user: u64, now: i64, tz: chrono_tz::Tz) -> Option<MemberStats>;
    fn set_guild_timezone(&self, guild_id: u64, tz: chrono_tz::Tz) -> ();
    fn guild_timezone(&self, guild_id: u64) -> chrono_tz::Tz;

    // Study groups: assignments, runs, mistakes, schedules.
    fn create_assignment(&self, a: NewAssignment) -> i64;
    fn set_assignment_message(&self, id: i64, message: u64) -> ();
    fn assignment(&self, id: i64) -> Option<AssignmentRow>;
    fn due_assignments(&self, now: i64) -> Vec<AssignmentRow>;
    fn results_pending(&self) -> Vec<AssignmentRow>;
    fn close_assignment(&self, id: i64) -> bool;
    fn abandon_assignment(&self, id: i64) -> ();
    fn results_posted(&self, id: i64, message: Option<u64>) -> ();
    fn assignment_results(&self, id: i64, questions: usize) -> AssignmentResults;
    fn run(&self, id: i64) -> Option<RunRow>;
    fn run_answers(&self, id: i64) -> Vec<(usize, u16, bool)>;
    fn start_assignment_run(&self, assignment: i64, guild: u64, user: u64, now: i64) -> AssignmentStart;
    fn start_practice_run(&self, guild: u64, user: u64, quiz: &Quiz, now: i64) -> (RunRow, bool);
    fn start_review_run(&self, guild: u64, user: u64, limit: usize, now: i64) -> Option<RunRow>;
    /// Takes one answer of a run, with everything it changes, in one transaction.
    fn answer_run(&self, a: RunAnswer) -> RunAnswerOutcome;
    fn mistake_count(&self, guild: u64, user: u64) -> u64;
    fn add_schedule(&self, s: NewSchedule) -> i64;
    fn schedules(&self, guild: Option<u64>) -> Vec<ScheduleRow>;
    fn remove_schedule(&self, guild: u64, id: i64, now: i64) -> bool;
    fn series_uses(&self, guild: u64) -> HashMap<String, u32>;
    fn occurrence_claimed(&self, schedule: i64, at: i64) -> bool;
    /// Claims an occurrence of a schedule — and creates its assignment — once.
    fn claim_occurrence(&self, schedule: &ScheduleRow, at: i64, quiz_id: Option<String>, outcome: &str, now: i64, assignment: Option<NewAssignment>) -> Claim;

    // Uploaded quizzes and their pictures.
    fn save_guild_quiz(&self, guild_id: u64, quiz_id: String, filename: String, source: Vec<u8>, title: String, questions: usize, uploaded_by: u64, at: i64, pictures: Vec<(String, std::sync::Arc<[u8]>)>) -> bool;
    fn guild_quizzes(&self, guild_id: u64) -> Vec<GuildQuiz>;
    fn guild_quiz_source(&self, guild_id: u64, quiz_id: String) -> Option<(String, Vec<u8>)>;
    fn picture(&self, hash: String) -> Option<Vec<u8>>;

    // The processes sharing the database, and shutdown.
    fn heartbeat(&self, process: &str, shards: &str, now: i64) -> ();
    fn heartbeats(&self) -> Vec<(String, String, i64)>;
    /// At a clean shutdown: every write so far committed (SQLite: the WAL folded in).
    fn checkpoint(&self) -> ();
}
