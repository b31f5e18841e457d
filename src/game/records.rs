//! What the store reads back for leaderboards, `/stats`, assignment results and schedule
//! lists: plain data that the store fills and `render/` shows. They live in the domain so that
//! neither layer imports the other, and a second store (PostgreSQL) fills the same types.

/// A member's numbers for `/stats`: live quizzes and assignments (the `all` board) plus
/// practice (`p:all`), and the same per day for the last seven days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberStats {
    pub name: String,
    /// Leaderboard points and rank (all time); practice does not score.
    pub points: u64,
    pub rank: Option<usize>,
    pub answered: u64,
    pub correct: u64,
    pub best_streak: u32,
    pub quizzes: u64,
    /// (day as `YYYY-MM-DD`, answered, correct), oldest first, days with answers only.
    pub last_days: Vec<(String, u64, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRow {
    pub user_id: u64,
    pub name: String,
    pub points: u64,
    pub answered: u64,
    pub correct: u64,
    pub correct_ms: u64,
    pub quizzes: u64,
    pub best_streak: u32,
}

/// A member's completed run of an assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finisher {
    pub user_id: u64,
    pub name: String,
    pub correct: u32,
    pub finished_at: i64,
}

/// What the results of an assignment are made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentResults {
    /// Best first: more correct, then earlier.
    pub finished: Vec<Finisher>,
    /// Members who started and did not finish in time.
    pub unfinished: usize,
    /// (answered, correct) per question position, over every run.
    pub per_question: Vec<(u64, u64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleMode {
    /// Post an assignment, due `due_minutes` later.
    Assignment,
    /// Start a live quiz in the channel.
    Live,
}

impl ScheduleMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleMode::Assignment => "assignment",
            ScheduleMode::Live => "live",
        }
    }

    /// The mode a stored name stands for (an unknown name is an assignment, the default).
    pub fn parse(s: &str) -> ScheduleMode {
        match s {
            "live" => ScheduleMode::Live,
            _ => ScheduleMode::Assignment,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ScheduleRow {
    pub id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub host_id: u64,
    pub target: String,
    pub local_time: String,
    pub timezone: String,
    pub mode: ScheduleMode,
    pub due_minutes: i64,
    pub created_at: i64,
}
