//! The live task on its own: a recording fake [`Outbox`] instead of Discord, tokio's paused
//! clock instead of waiting (the runtime jumps to the next timer whenever everything is idle,
//! so a 20-second question takes no time), and a real SQLite store in a temporary folder.
//! Times are asserted exactly: every event happens when one of the quiz's own timers fires.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::answer::{self, Click};
use super::{host_command, start, HostCommand, HostNotice, Launch, Started};
use crate::clock::Clock;
use crate::config::{Config, LiveConfig, StudyConfig};
use crate::library::Library;
use crate::quiz::{Question, Quiz};
use crate::render::view::MessageView;
use crate::runtime::app::App;
use crate::runtime::outbox::{Outbox, SendError};
use crate::store::{SessionState, Store};

const GUILD: u64 = 1;
const CHANNEL: u64 = 2;
const HOST: u64 = 3;

/// Unix ms that follow tokio's (paused) clock, so the game's `now` and the task's timers agree.
struct TokioClock {
    origin: Instant,
}

impl Clock for TokioClock {
    fn now_ms(&self) -> i64 {
        1_800_000_000_000 + self.origin.elapsed().as_millis() as i64
    }
}

#[derive(Debug, Clone)]
enum Sent {
    Post { at: Duration, view: MessageView },
    Edit { at: Duration, view: MessageView },
    Whisper { at: Duration, text: String },
}

impl Sent {
    fn at(&self) -> Duration {
        match self {
            Sent::Post { at, .. } | Sent::Edit { at, .. } | Sent::Whisper { at, .. } => *at,
        }
    }

    /// The first embed's title, or the text.
    fn headline(&self) -> String {
        match self {
            Sent::Post { view, .. } | Sent::Edit { view, .. } => view
                .embeds
                .first()
                .map_or_else(|| view.content.clone(), |e| e.title.clone()),
            Sent::Whisper { text, .. } => text.clone(),
        }
    }
}

/// Records what the task sends, and when; refuses posts whose headline starts with `refuse`.
struct Recorder {
    origin: Instant,
    sent: Mutex<Vec<Sent>>,
    changed: Notify,
    refuse: Option<&'static str>,
}

impl Recorder {
    fn new(origin: Instant, refuse: Option<&'static str>) -> Arc<Recorder> {
        Arc::new(Recorder {
            origin,
            sent: Mutex::new(Vec::new()),
            changed: Notify::new(),
            refuse,
        })
    }

    fn push(&self, s: Sent) -> usize {
        let mut sent = self.sent.lock();
        sent.push(s);
        self.changed.notify_waiters();
        sent.len()
    }

    /// Waits (in paused time: as long as the quiz needs) until something sent matches.
    async fn until(&self, what: impl Fn(&Sent) -> bool) -> Sent {
        loop {
            let notified = self.changed.notified();
            if let Some(s) = self.sent.lock().iter().find(|s| what(s)) {
                return s.clone();
            }
            notified.await;
        }
    }

    async fn headline(&self, prefix: &str) -> Sent {
        self.until(|s| s.headline().starts_with(prefix)).await
    }

    fn headlines(&self) -> Vec<String> {
        self.sent.lock().iter().map(Sent::headline).collect()
    }
}

#[async_trait]
impl Outbox for Recorder {
    async fn post(&self, _channel: u64, view: MessageView) -> Result<u64, SendError> {
        let at = self.origin.elapsed();
        let s = Sent::Post { at, view };
        if self.refuse.is_some_and(|p| s.headline().starts_with(p)) {
            return Err(SendError {
                message: "Missing Permissions".into(),
                missing_permission: true,
            });
        }
        Ok(1000 + self.push(s) as u64)
    }

    async fn edit(&self, _channel: u64, _message: u64, view: MessageView) -> Result<(), SendError> {
        let at = self.origin.elapsed();
        self.push(Sent::Edit { at, view });
        Ok(())
    }

    async fn whisper(&self, _token: &str, text: &str) -> Result<(), SendError> {
        let at = self.origin.elapsed();
        self.push(Sent::Whisper {
            at,
            text: text.to_string(),
        });
        Ok(())
    }
}

fn quiz(questions: usize) -> Arc<Quiz> {
    Arc::new(Quiz {
        id: "unit".into(),
        title: "Unit quiz".into(),
        description: String::new(),
        question_seconds: None,
        questions: (0..questions)
            .map(|i| Question {
                number: i + 1,
                line: i + 1,
                ..Question::choice(
                    format!("Question number {}?", i + 1),
                    vec!["Yes".into(), "No".into()],
                    0,
                )
            })
            .collect(),
        tiers: Vec::new(),
    })
}

struct Fixture {
    app: Arc<App>,
    outbox: Arc<Recorder>,
    _dir: tempfile::TempDir,
}

fn fixture(refuse: Option<&'static str>) -> Fixture {
    let origin = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("quizbot.db")).unwrap();
    let library = Library::load(&dir.path().join("quizzes"), store.clone());
    let live = LiveConfig {
        seconds: 20,
        pause: Duration::from_secs(5),
        start_delay: Duration::from_secs(3),
        count_interval: Duration::from_secs(2),
        ..LiveConfig::default()
    };
    let config = Config {
        token: None,
        api_proxy: None,
        dev_guild: None,
        host_role: "Quiz Host".into(),
        request_timeout: crate::config::DEFAULT_REQUEST_TIMEOUT,
        shards: crate::config::ShardPlan::default(),
        metrics_listen: None,
        database: dir.path().join("quizbot.db"),
        database_url: None,
        quizzes_dir: dir.path().join("quizzes"),
        live,
        study: StudyConfig::default(),
        log_filter: "warn".into(),
    };
    let app = App::new(config, store, library, Arc::new(TokioClock { origin }));
    let outbox = Recorder::new(origin, refuse);
    assert!(app.set_outbox(outbox.clone()));
    Fixture {
        app,
        outbox,
        _dir: dir,
    }
}

fn launch(questions: usize) -> Launch {
    Launch {
        guild: GUILD,
        channel: CHANNEL,
        host: HOST,
        quiz: quiz(questions),
        seconds: None,
        scoring: None,
        shuffle: false,
        host_notice: Some(HostNotice {
            token: "host-token".into(),
            expires_at: i64::MAX,
        }),
    }
}

async fn started(f: &Fixture, questions: usize) -> i64 {
    match start(&f.app, launch(questions)).await.unwrap() {
        Started::Running { session, intro } => {
            assert!(intro.embeds[0].title.contains("Unit quiz"));
            session
        }
        Started::ChannelBusy => panic!("the channel is free"),
    }
}

async fn state(f: &Fixture, session: i64) -> SessionState {
    f.app.store.session(session).await.unwrap().unwrap().state
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[tokio::test(start_paused = true)]
async fn each_question_opens_after_the_delay_and_is_revealed_at_its_deadline() {
    let f = fixture(None);
    let session = started(&f, 2).await;

    let q1 = f.outbox.headline("Question 1 of 2").await;
    assert_eq!(q1.at(), secs(3), "live.start_delay after the start");
    let reveal = f
        .outbox
        .until(|s| matches!(s, Sent::Edit { view, .. } if view.buttons().all(|b| b.disabled)))
        .await;
    assert_eq!(reveal.at(), secs(23), "20 seconds per question");
    let standings = f.outbox.headline("Standings after question 1 of 2").await;
    assert_eq!(standings.at(), secs(23));
    let q2 = f.outbox.headline("Question 2 of 2").await;
    assert_eq!(q2.at(), secs(28), "live.pause after the standings");
    let results = f.outbox.headline("🏆 Results").await;
    assert_eq!(
        results.at(),
        secs(48),
        "no standings after the last question"
    );

    assert_eq!(state(&f, session).await, SessionState::Finished);
    assert!(
        f.app.live.in_channel(CHANNEL).is_none(),
        "the channel is free"
    );
}

#[tokio::test(start_paused = true)]
async fn the_answered_count_is_edited_once_per_interval_with_what_came_in() {
    let f = fixture(None);
    let session = started(&f, 1).await;
    let q1 = f.outbox.headline("Question 1 of 1").await;
    let Sent::Post { view, .. } = &q1 else {
        panic!("a post")
    };
    assert!(view.embeds[0].description.contains("**0** answered"));

    let click = |user, name| Click {
        user,
        name,
        position: 0,
        pick: crate::quiz::Pick::One(0),
        typed: None,
        message: None,
    };
    let (a, b) = tokio::join!(
        answer::click(&f.app, session, GUILD, click(10, "Ada")),
        answer::click(&f.app, session, GUILD, click(11, "Bo")),
    );
    assert!(a.unwrap().content.starts_with("Locked in: **A**"));
    assert!(b.unwrap().content.starts_with("Locked in: **A**"));

    let count = f
        .outbox
        .until(|s| matches!(s, Sent::Edit { view, .. } if view.embeds[0].description.contains("**2** answered")))
        .await;
    assert_eq!(
        count.at(),
        secs(5),
        "the first count tick, 2 s after the question opened"
    );
    f.outbox.headline("🏆 Results").await;
    let edits = f
        .outbox
        .sent
        .lock()
        .iter()
        .filter(|s| matches!(s, Sent::Edit { .. }))
        .count();
    assert_eq!(
        edits, 2,
        "one count edit (nothing changed after it) and the reveal"
    );
}

#[tokio::test(start_paused = true)]
async fn next_reveals_at_once_and_stop_in_the_pause_posts_the_results_so_far() {
    let f = fixture(None);
    let session = started(&f, 3).await;
    f.outbox.headline("Question 1 of 3").await;
    assert!(host_command(&f.app, CHANNEL, HostCommand::Next));
    let reveal = f
        .outbox
        .until(|s| matches!(s, Sent::Edit { view, .. } if view.buttons().all(|b| b.disabled)))
        .await;
    assert_eq!(
        reveal.at(),
        secs(3),
        "revealed when the host asked, not at the deadline"
    );
    f.outbox.headline("Standings after question 1 of 3").await;
    assert!(host_command(&f.app, CHANNEL, HostCommand::Stop));
    let results = f.outbox.headline("🏆 Results").await;
    let Sent::Post { view, .. } = &results else {
        panic!("a post")
    };
    assert!(
        view.embeds[0]
            .description
            .contains("Stopped by the host after 1 question(s)."),
        "{}",
        view.embeds[0].description
    );
    assert_eq!(results.at(), secs(3), "the pause is cut short");
    assert!(!f
        .outbox
        .headlines()
        .iter()
        .any(|h| h.starts_with("Question 2")));
    assert_eq!(state(&f, session).await, SessionState::Stopped);
    assert!(
        !host_command(&f.app, CHANNEL, HostCommand::Next),
        "nothing runs here now"
    );
}

#[tokio::test(start_paused = true)]
async fn a_pause_for_a_restart_says_so_and_leaves_the_quiz_running_in_the_store() {
    let f = fixture(None);
    let session = started(&f, 2).await;
    f.outbox.headline("Question 1 of 2").await;
    super::pause_all(&f.app, secs(5)).await;
    f.outbox.headline("⏸ Quiz paused").await;
    assert!(f.app.live.in_channel(CHANNEL).is_none());
    assert_eq!(
        state(&f, session).await,
        SessionState::Running,
        "resumed after the restart"
    );
    assert!(
        !f.outbox.headlines().iter().any(|h| h.starts_with("🏆")),
        "no results: the quiz is not over"
    );
    // A click before recovery takes the quiz up again is asked to come back, not told that
    // the quiz has finished.
    let click = Click {
        user: 10,
        name: "Ada",
        position: 0,
        pick: crate::quiz::Pick::One(0),
        typed: None,
        message: None,
    };
    let reply = answer::click(&f.app, session, GUILD, click).await.unwrap();
    assert!(
        reply.content.starts_with("⏸ The bot is restarting"),
        "{}",
        reply.content
    );
}

#[tokio::test(start_paused = true)]
async fn a_question_discord_refuses_ends_the_quiz_and_the_host_is_told_privately() {
    let f = fixture(Some("Question 1"));
    let session = started(&f, 2).await;
    let told = f.outbox.until(|s| matches!(s, Sent::Whisper { .. })).await;
    assert_eq!(
        told.headline(),
        "The quiz stopped: I could not post question 1 (Missing Permissions)."
    );
    assert_eq!(told.at(), secs(3));
    f.outbox.headline("🏆 Results").await;
    assert_eq!(state(&f, session).await, SessionState::Failed);
    assert!(
        f.app.live.in_channel(CHANNEL).is_none(),
        "the channel is free again"
    );
}

#[tokio::test(start_paused = true)]
async fn a_second_quiz_in_the_channel_is_refused_while_the_first_runs() {
    let f = fixture(None);
    started(&f, 1).await;
    assert!(matches!(
        start(&f.app, launch(1)).await.unwrap(),
        Started::ChannelBusy
    ));
    f.outbox.headline("🏆 Results").await;
    started(&f, 1).await;
}
