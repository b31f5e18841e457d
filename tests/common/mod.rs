//! One harness for the end-to-end tests: the simulator, the real bot on it (serenity and poise,
//! in-process), a guild with a host and named players, and a clock the test moves.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use discord_sim::{Message, Sim, SimConfig};
use quizbot::clock::ManualClock;
use quizbot::config::LiveConfig;
use quizbot::simbot::{self, SimBot};

pub const WAIT: Duration = Duration::from_secs(30);
/// Where the manual clock starts: a round number, so deadlines are easy to read.
pub const T0: i64 = 1_800_000_000_000;

pub struct Harness {
    pub sim: Sim,
    pub bot: SimBot,
    pub clock: ManualClock,
    pub guild: u64,
    pub channel: u64,
    pub channels: Vec<u64>,
    /// Has every permission (the guild owner).
    pub host: u64,
    pub players: Vec<u64>,
    pub names: Vec<String>,
    pub dir: tempfile::TempDir,
    /// Where the database is (inside `dir` unless the test chose a folder).
    pub db_path: std::path::PathBuf,
    /// A second server the bot is in, when asked for.
    pub other: Option<discord_sim::driver::GuildSetup>,
}

pub struct Options {
    pub players: usize,
    pub tls: bool,
    pub live: LiveConfig,
    pub channels: usize,
    /// Put the database in this folder (e.g. a small tmpfs).
    pub db_dir: Option<std::path::PathBuf>,
    pub second_guild: bool,
    /// `discord.request_timeout_seconds`.
    pub request_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            players: 5,
            tls: false,
            live: LiveConfig {
                seconds: 20,
                pause: Duration::from_millis(300),
                start_delay: Duration::from_millis(100),
                ..LiveConfig::default()
            },
            channels: 1,
            db_dir: None,
            second_guild: false,
            request_timeout: quizbot::config::DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// `tests/fixtures/{path}` as an attachment, named as its file.
pub fn fixture(path: &str) -> discord_sim::Arg {
    let name = path.rsplit('/').next().unwrap_or(path);
    let bytes = std::fs::read(format!("tests/fixtures/{path}"))
        .unwrap_or_else(|e| panic!("tests/fixtures/{path}: {e}"));
    discord_sim::Arg::file(name, bytes)
}

/// A TOML quiz titled `title` with one two-option question (`no` / `yes`, `yes` right) per
/// prompt; `extra` adds TOML lines to the question at that index (tags, a difficulty).
pub fn toml_bank(
    title: &str,
    prompts: impl IntoIterator<Item = String>,
    extra: impl Fn(usize) -> String,
) -> Vec<u8> {
    let mut toml = format!("title = \"{title}\"\n");
    for (i, prompt) in prompts.into_iter().enumerate() {
        toml.push_str(&format!(
            "\n[[questions]]\nprompt = \"{prompt}\"\noptions = [\"no\", \"yes\"]\nanswer = \"b\"\n{}",
            extra(i)
        ));
    }
    toml.into_bytes()
}

pub const NAMES: [&str; 5] = ["Ada", "Bo", "Cy", "Di", "Ed"];

pub async fn start(opts: Options) -> Harness {
    if std::env::var("QUIZBOT_TEST_LOG").is_ok() {
        quizbot::cli::logging::init(&std::env::var("QUIZBOT_TEST_LOG").unwrap());
    }
    let sim = Sim::start(SimConfig {
        tls: opts.tls,
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let guild = sim.add_guild("Quiz Club");
    let channels: Vec<u64> = (0..opts.channels)
        .map(|i| sim.add_channel(guild, &format!("quiz-{i}")))
        .collect();
    let mut players = Vec::new();
    let mut names = Vec::new();
    for i in 0..opts.players {
        let name = NAMES
            .get(i)
            .map_or_else(|| format!("Player{i}"), |n| n.to_string());
        let id = sim.add_member(guild, &name.to_lowercase());
        sim.set_global_name(id, &name);
        players.push(id);
        names.push(name);
    }
    let host = sim.owner_of(guild);
    let other = opts
        .second_guild
        .then(|| sim.setup_guild("Other Club", &["elsewhere"], 2));
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(T0);
    let db_path = opts
        .db_dir
        .clone()
        .unwrap_or_else(|| dir.path().to_path_buf())
        .join("quizbot.sqlite3");
    let mut config = simbot::config(
        db_path.clone(),
        std::path::PathBuf::from("quizzes"),
        opts.live,
    );
    config.request_timeout = opts.request_timeout;
    let bot = simbot::start(&sim, config, Arc::new(clock.clone()))
        .await
        .expect("the bot connects to the simulator");
    Harness {
        channel: channels[0],
        sim,
        bot,
        clock,
        guild,
        channels,
        host,
        players,
        names,
        dir,
        db_path,
        other,
    }
}

impl Harness {
    /// Stops the bot and starts a fresh one on the same database and simulator (the same
    /// clock), as after a restart; waits until it is connected.
    pub async fn restart(self) -> Harness {
        let config = self.bot.app.config.clone();
        let (identified, _) = self.sim.gateway_sessions();
        let Harness { bot: old, .. } = self;
        old.shutdown().await;
        let bot = simbot::start(&self.sim, config, Arc::new(self.clock.clone()))
            .await
            .expect("the bot connects again");
        self.sim
            .wait_until(WAIT, "the new bot to connect", |s| {
                (s.gateway_sessions().0 > identified && s.bot_connected()).then_some(())
            })
            .await
            .expect("the bot reconnects");
        Harness { bot, ..self }
    }

    /// A scheduler pass that sees the clock as it is now.
    pub async fn tick(&self) {
        self.bot.tick().await.expect("a scheduler pass");
    }

    /// Runs a command as `user` and returns the bot's first reply (waiting out a deferral).
    pub async fn run(&self, user: u64, name: &str, args: &[(&str, discord_sim::Arg)]) -> Message {
        self.run_in(self.channel, user, name, args).await
    }

    pub async fn run_in(
        &self,
        channel: u64,
        user: u64,
        name: &str,
        args: &[(&str, discord_sim::Arg)],
    ) -> Message {
        let h = self
            .sim
            .command(user, channel, name, args)
            .expect("the command runs");
        self.sim
            .wait_until(WAIT, "the command's reply", |s| {
                s.interaction(h.id)
                    .and_then(|r| r.original)
                    .filter(|m| !m.loading)
            })
            .await
            .expect("a reply")
    }

    /// Clicks a button and returns the bot's ephemeral reply.
    pub async fn click(&self, user: u64, message: u64, custom_id: &str) -> Message {
        let h = self
            .sim
            .click(user, message, custom_id)
            .expect("the click is possible");
        let r = self
            .sim
            .wait_response(&h, WAIT)
            .await
            .expect("an answer to the click");
        r.original.expect("a visible reply")
    }

    /// Picks `values` (option indexes) in the message's select menu and returns the bot's
    /// reply (ephemeral, or the private message it updated).
    pub async fn select(&self, user: u64, message: &Message, values: &[&str]) -> Message {
        let menu = message
            .selects
            .first()
            .unwrap_or_else(|| panic!("no select menu on {}", message.render()));
        let h = self
            .sim
            .select(user, message.id, &menu.custom_id, values)
            .expect("the choice is possible");
        let r = self
            .sim
            .wait_response(&h, WAIT)
            .await
            .expect("an answer to the choice");
        r.original.expect("a visible reply")
    }

    /// Presses the message's "✍️ Answer" button, checks that a modal opened, types `text` in
    /// it and submits; returns the bot's reply (ephemeral, or the private message updated).
    pub async fn type_answer(&self, user: u64, message: &Message, text: &str) -> Message {
        let button = message
            .button("✍️ Answer")
            .and_then(|b| b.custom_id.clone())
            .unwrap_or_else(|| panic!("no Answer button on {}", message.render()));
        let pressed = self
            .sim
            .click(user, message.id, &button)
            .expect("the Answer button can be pressed");
        let opened = self
            .sim
            .wait_response(&pressed, WAIT)
            .await
            .expect("an answer to the press");
        assert_eq!(opened.response_kind, Some(9), "a modal opens: {opened:?}");
        let submitted = self
            .sim
            .submit_modal(user, &pressed, &[("answer", text)])
            .expect("the modal can be submitted");
        let r = self
            .sim
            .wait_response(&submitted, WAIT)
            .await
            .expect("an answer to the typed answer");
        r.original.expect("a visible reply")
    }

    /// The question message `n` (1-based) of the quiz in `channel`, once it is posted.
    pub async fn question(&self, channel: u64, n: usize) -> Message {
        let title = format!("Question {n} of ");
        self.sim
            .wait_message(channel, self.host, WAIT, |m| {
                m.embeds
                    .first()
                    .is_some_and(|e| e.title.starts_with(&title))
            })
            .await
            .expect("the question is posted")
    }

    /// Waits until question `n` in `channel` has been revealed (buttons, or the menu of a
    /// multi-select question, disabled).
    pub async fn revealed(&self, channel: u64, n: usize) -> Message {
        let title = format!("Question {n} of ");
        self.sim
            .wait_message(channel, self.host, WAIT, |m| {
                m.embeds
                    .first()
                    .is_some_and(|e| e.title.starts_with(&title))
                    && m.buttons().all(|b| b.disabled)
                    && m.selects.iter().all(|s| s.disabled)
                    && (m.buttons().next().is_some() || !m.selects.is_empty())
            })
            .await
            .expect("the question is revealed")
    }

    /// The message whose first embed's title starts with `prefix`, once it is posted.
    pub async fn titled(&self, channel: u64, prefix: &str) -> Message {
        self.sim
            .wait_message(channel, self.host, WAIT, |m| {
                m.embeds
                    .first()
                    .is_some_and(|e| e.title.starts_with(prefix))
            })
            .await
            .unwrap_or_else(|e| panic!("no message titled {prefix:?}: {e}"))
    }

    /// A message of the bot's in the channel carrying buttons with these custom ids, as if a
    /// hostile client had forged them (Discord would deliver such clicks); returns its id.
    pub async fn forged_buttons(&self, ids: &[String]) -> u64 {
        use poise::serenity_prelude as serenity;
        let http = serenity::HttpBuilder::new(self.sim.token())
            .proxy(self.sim.api_url())
            .ratelimiter_disabled(true)
            .default_allowed_mentions(serenity::CreateAllowedMentions::new())
            .build();
        let buttons: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| serenity::CreateButton::new(id).label(format!("{i}")))
            .collect();
        let rows = buttons
            .chunks(5)
            .map(|c| serenity::CreateActionRow::Buttons(c.to_vec()))
            .collect();
        serenity::ChannelId::new(self.channel)
            .send_message(
                &http,
                serenity::CreateMessage::new()
                    .content("buttons")
                    .components(rows),
            )
            .await
            .expect("the forged message is posted")
            .id
            .get()
    }

    pub fn button_id(m: &Message, letter: char) -> String {
        m.buttons()
            .find(|b| b.label.starts_with(letter))
            .and_then(|b| b.custom_id.clone())
            .unwrap_or_else(|| panic!("no button {letter}"))
    }

    /// Uploads `tests/fixtures/{path}` as the host; the bot's reply.
    pub async fn upload(&self, path: &str) -> Message {
        self.run(self.host, "quiz upload", &[("file", fixture(path))])
            .await
    }

    /// Uploads a file made by the test as the host; the bot's reply.
    pub async fn upload_bytes(&self, name: &str, bytes: Vec<u8>) -> Message {
        self.run(
            self.host,
            "quiz upload",
            &[("file", discord_sim::Arg::file(name, bytes))],
        )
        .await
    }

    /// One number from the bot's database (`SELECT COUNT(*) …`).
    pub fn count(&self, sql: &str) -> i64 {
        rusqlite::Connection::open(&self.db_path)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub async fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db_path).unwrap()
    }

    /// Waits until `sql` (one row, one column) reads a value that is not NULL, and returns it.
    /// The bot writes some facts only once Discord has answered (a results message's id), so a
    /// test that has already seen the message can look before the row is written.
    pub async fn db_eventually(&self, sql: &str) -> i64 {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let value: Option<i64> = self
                .db()
                .await
                .query_row(sql, [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            if let Some(v) = value {
                return v;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{sql} stayed NULL for {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A `.zip` of these files, as a zip tool writes one (deflated).
pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            w.start_file(*name, options).unwrap();
            std::io::Write::write_all(&mut w, bytes).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}
