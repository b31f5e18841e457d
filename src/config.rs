//! Configuration: `config/quizbot.toml` (every key optional, see
//! `config/quizbot.example.toml`), then environment overrides, validated once into [`Config`].
//! The token only ever comes from the environment and never prints.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub use crate::game::shards::{ShardCount, ShardPlan};

use crate::game::scoring::Scoring;

/// A secret that never shows in Debug output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Raw {
    discord: RawDiscord,
    database: RawDatabase,
    quizzes: RawQuizzes,
    live: RawLive,
    study: RawStudy,
    log: RawLog,
    metrics: RawMetrics,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawMetrics {
    listen: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawDiscord {
    api_proxy: Option<String>,
    /// `"auto"` or a number (TOML lets either through; checked in [`Config::load`]).
    shards: Option<toml::Value>,
    shard_range: Option<String>,
    dev_guild_id: Option<u64>,
    host_role: Option<String>,
    request_timeout_seconds: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawDatabase {
    path: Option<PathBuf>,
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawQuizzes {
    dir: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawLive {
    seconds: Option<u32>,
    pause_seconds: Option<f64>,
    start_delay_seconds: Option<f64>,
    scoring: Option<String>,
    streak_bonus: Option<bool>,
    allow_answer_change: Option<bool>,
    count_update_seconds: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawStudy {
    due_hours: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawLog {
    filter: Option<String>,
}

/// How live quizzes run unless `/quiz start` says otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveConfig {
    pub seconds: u32,
    /// After a reveal and its standings, before the next question.
    pub pause: Duration,
    /// Between `/quiz start` and the first question.
    pub start_delay: Duration,
    pub scoring: Scoring,
    pub streak_bonus: bool,
    pub allow_answer_change: bool,
    /// The answered count on a question is edited at most this often.
    pub count_interval: Duration,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            seconds: 20,
            pause: Duration::from_secs(5),
            start_delay: Duration::from_secs(5),
            scoring: Scoring::Speed,
            streak_bonus: true,
            allow_answer_change: false,
            count_interval: Duration::from_secs(2),
        }
    }
}

/// Study groups: assignments and schedules.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyConfig {
    /// How long `/quiz assign` stays open when the host gives no due time.
    pub due: Duration,
    /// How often the scheduler looks for due assignments and schedules. Not in the file: a
    /// second is cheap (two indexed reads) and tests make it shorter.
    pub tick: Duration,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            due: Duration::from_secs(24 * 3600),
            tick: Duration::from_secs(1),
        }
    }
}

/// `discord.request_timeout_seconds` unless configured: Discord answers in well under a
/// second; fifteen leaves room for a slow moment without letting a hung call freeze a quiz.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone)]
pub struct Config {
    /// `None` when no token was given (fine for `rehearse`, an error for `run`).
    pub token: Option<Secret>,
    /// A Discord API proxy (`http://host:port`); when set, serenity's own rate limiter is off.
    pub api_proxy: Option<String>,
    /// Register commands instantly in this server only, instead of globally.
    pub dev_guild: Option<u64>,
    /// Members with this role may host, besides those with Manage Server.
    pub host_role: String,
    /// The longest a REST call to Discord may take before it is given up (and a send retried).
    pub request_timeout: Duration,
    /// How many shards in all, and which of them this process runs.
    pub shards: ShardPlan,
    /// `[metrics] listen`: where `/metrics` and `/healthz` are served; off when `None`.
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// The SQLite file (`database.path`); unused when `database_url` is set.
    pub database: PathBuf,
    /// `database.url`: a PostgreSQL server (`postgres://…`) instead of the SQLite file.
    pub database_url: Option<String>,
    pub quizzes_dir: PathBuf,
    pub live: LiveConfig,
    pub study: StudyConfig,
    pub log_filter: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration {path}: {why}")]
    Read { path: PathBuf, why: String },
    #[error("{path}:{line}:{col}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{what}: {why}")]
    Invalid { what: String, why: String },
}

impl Config {
    /// Reads the configuration: `path` if given (it must exist), else `config/quizbot.toml` if
    /// present; then the environment (`env`) overrides.
    pub fn load(
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let default_path = Path::new("config/quizbot.toml");
        let (raw, source) = match path {
            Some(p) => (read(p)?, Some(p.to_path_buf())),
            None if default_path.exists() => {
                (read(default_path)?, Some(default_path.to_path_buf()))
            }
            None => (Raw::default(), None),
        };
        let _ = source;
        let invalid = |what: &str, why: String| ConfigError::Invalid {
            what: what.to_string(),
            why,
        };
        let env_u64 = |key: &str| -> Result<Option<u64>, ConfigError> {
            match env(key).filter(|v| !v.trim().is_empty()) {
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| invalid(key, format!("{v:?} is not a server id (a number)"))),
                None => Ok(None),
            }
        };

        let token = env("DISCORD_TOKEN")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .map(Secret::new);
        let api_proxy = env("QUIZBOT_API_PROXY")
            .or(raw.discord.api_proxy)
            .map(|p| p.trim().trim_end_matches('/').to_string())
            .filter(|p| !p.is_empty());
        if let Some(p) = &api_proxy {
            if !(p.starts_with("http://") || p.starts_with("https://")) {
                return Err(invalid(
                    "discord.api_proxy",
                    format!("{p:?} must start with http:// or https://"),
                ));
            }
        }
        let shard_count = match env("QUIZBOT_SHARDS").filter(|v| !v.trim().is_empty()) {
            Some(v) => Some(v),
            None => match raw.discord.shards {
                None => None,
                Some(toml::Value::String(s)) => Some(s),
                Some(toml::Value::Integer(n)) => Some(n.to_string()),
                Some(other) => Some(other.to_string()),
            },
        };
        let shard_count = match shard_count {
            None => ShardCount::Auto,
            Some(v) => ShardCount::parse(&v).map_err(|why| invalid("discord.shards", why))?,
        };
        let shard_range = env("QUIZBOT_SHARD_RANGE").or(raw.discord.shard_range);
        let shards = ShardPlan::new(shard_count, shard_range.as_deref())
            .map_err(|why| invalid("discord.shard_range", why))?;
        let metrics_listen = match env("QUIZBOT_METRICS_LISTEN")
            .or(raw.metrics.listen)
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
        {
            None => None,
            Some(l) => Some(l.parse().map_err(|_| {
                invalid(
                    "metrics.listen",
                    format!("{l:?} is not an address and port such as \"127.0.0.1:9108\""),
                )
            })?),
        };
        let dev_guild = env_u64("QUIZBOT_DEV_GUILD_ID")?
            .or(raw.discord.dev_guild_id)
            .filter(|g| *g != 0);
        let defaults = LiveConfig::default();
        let seconds = raw.live.seconds.unwrap_or(defaults.seconds);
        if !(5..=3600).contains(&seconds) {
            return Err(invalid(
                "live.seconds",
                format!("{seconds} is outside 5 to 3600"),
            ));
        }
        let secs = |what: &str, v: Option<f64>, default: Duration, min: f64, max: f64| match v {
            None => Ok(default),
            Some(s) if s.is_finite() && (min..=max).contains(&s) => Ok(Duration::from_secs_f64(s)),
            Some(s) => Err(invalid(
                what,
                format!("{s} is outside {min} to {max} seconds"),
            )),
        };
        let scoring = match raw.live.scoring.as_deref() {
            None => defaults.scoring,
            Some(s) => Scoring::parse(s).ok_or_else(|| {
                invalid(
                    "live.scoring",
                    format!("{s:?} is neither \"speed\" nor \"correct\""),
                )
            })?,
        };
        let live = LiveConfig {
            seconds,
            pause: secs(
                "live.pause_seconds",
                raw.live.pause_seconds,
                defaults.pause,
                0.0,
                120.0,
            )?,
            start_delay: secs(
                "live.start_delay_seconds",
                raw.live.start_delay_seconds,
                defaults.start_delay,
                0.0,
                120.0,
            )?,
            scoring,
            streak_bonus: raw.live.streak_bonus.unwrap_or(defaults.streak_bonus),
            allow_answer_change: raw
                .live
                .allow_answer_change
                .unwrap_or(defaults.allow_answer_change),
            // Discord allows about 5 edits per 5 s per channel: never faster than one per 2 s.
            count_interval: secs(
                "live.count_update_seconds",
                raw.live.count_update_seconds,
                defaults.count_interval,
                2.0,
                60.0,
            )?,
        };
        let request_timeout = secs(
            "discord.request_timeout_seconds",
            raw.discord.request_timeout_seconds,
            DEFAULT_REQUEST_TIMEOUT,
            1.0,
            120.0,
        )?;
        let study = StudyConfig {
            due: secs(
                "study.due_hours",
                raw.study.due_hours.map(|h| h * 3600.0),
                StudyConfig::default().due,
                300.0,
                30.0 * 24.0 * 3600.0,
            )
            .map_err(|_| {
                invalid(
                    "study.due_hours",
                    "must be between 5 minutes (0.0833) and 720 hours (30 days)".into(),
                )
            })?,
            ..StudyConfig::default()
        };
        let database_url = env("QUIZBOT_DATABASE_URL")
            .or(raw.database.url)
            .filter(|u| !u.trim().is_empty());
        if let Some(url) = &database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(invalid(
                    "database.url",
                    "must be a PostgreSQL URL (postgres://user:password@host:5432/database); \
                     for SQLite set database.path instead"
                        .into(),
                ));
            }
        }
        Ok(Config {
            database_url,
            token,
            api_proxy,
            dev_guild,
            host_role: env("QUIZBOT_HOST_ROLE")
                .or(raw.discord.host_role)
                .unwrap_or_else(|| "Quiz Host".to_string()),
            request_timeout,
            shards,
            metrics_listen,
            database: env("QUIZBOT_DATABASE")
                .map(PathBuf::from)
                .or(raw.database.path)
                .unwrap_or_else(|| PathBuf::from("data/quizbot.sqlite3")),
            quizzes_dir: env("QUIZBOT_QUIZZES_DIR")
                .map(PathBuf::from)
                .or(raw.quizzes.dir)
                .unwrap_or_else(|| PathBuf::from("quizzes")),
            live,
            study,
            log_filter: env("RUST_LOG")
                .or(raw.log.filter)
                .unwrap_or_else(|| "info".to_string()),
        })
    }
}

fn read(path: &Path) -> Result<Raw, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: path.to_path_buf(),
        why: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| {
            let before = &text[..s.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, col)
        });
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            col,
            message: e.message().to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(toml: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("quizbot.toml");
        std::fs::write(&path, toml).unwrap();
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(Some(&path), |k| env.get(k).cloned())
    }

    #[test]
    fn a_postgres_url_from_the_file_or_the_environment() {
        assert_eq!(load("", &[]).unwrap().database_url, None);
        let c = load("[database]\nurl = \"postgres://q@db/quizbot\"\n", &[]).unwrap();
        assert_eq!(c.database_url.as_deref(), Some("postgres://q@db/quizbot"));
        let c = load(
            "[database]\nurl = \"postgres://q@db/quizbot\"\n",
            &[("QUIZBOT_DATABASE_URL", "postgresql://other@db2/x")],
        )
        .unwrap();
        assert_eq!(c.database_url.as_deref(), Some("postgresql://other@db2/x"));
        // An empty variable means "not set", as for the other variables.
        let c = load("", &[("QUIZBOT_DATABASE_URL", " ")]).unwrap();
        assert_eq!(c.database_url, None);
        let e = load("[database]\nurl = \"sqlite://x.db\"\n", &[]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("database.url: must be a PostgreSQL URL"),
            "{e}"
        );
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let c = load(
            "[live]\nseconds = 30\n[database]\npath = \"x.db\"\n",
            &[("QUIZBOT_DATABASE", "/data/q.db")],
        )
        .unwrap();
        assert_eq!(c.live.seconds, 30);
        assert_eq!(c.database, PathBuf::from("/data/q.db"));
        assert_eq!(c.live.pause, Duration::from_secs(5));
        assert_eq!(c.host_role, "Quiz Host");
        assert!(c.token.is_none());
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let c = load("", &[("DISCORD_TOKEN", "super-secret-token")]).unwrap();
        assert_eq!(c.token.as_ref().unwrap().expose(), "super-secret-token");
        let debug = format!("{c:?}");
        assert!(!debug.contains("super-secret-token"), "{debug}");
        assert!(debug.contains("Secret(***)"));
    }

    #[test]
    fn a_malformed_file_names_its_line() {
        let e = load("[live]\nseconds = \"ten\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("quizbot.toml:2:11:"), "{e}");
        let e = load("[live]\nsecondz = 10\n", &[]).unwrap_err().to_string();
        assert!(
            e.contains(":2:1:") && e.contains("unknown field `secondz`"),
            "{e}"
        );
    }

    #[test]
    fn values_out_of_range_are_refused() {
        assert!(load("[live]\nseconds = 2\n", &[])
            .unwrap_err()
            .to_string()
            .contains("live.seconds"));
        assert!(
            load("[live]\ncount_update_seconds = 0.5\n", &[]).is_err(),
            "edits at most every 2 s"
        );
        assert!(load("[discord]\napi_proxy = \"localhost:3000\"\n", &[]).is_err());
        assert!(load("", &[("QUIZBOT_DEV_GUILD_ID", "abc")]).is_err());
        assert!(load("[metrics]\nlisten = \"9108\"\n", &[]).is_err());
    }

    #[test]
    fn shards_come_from_the_file_or_the_environment_and_a_bad_range_is_named() {
        let c = load("", &[]).unwrap();
        assert_eq!(c.shards, ShardPlan::default(), "auto, every shard");
        let c = load("[discord]\nshards = 4\nshard_range = \"2-3\"\n", &[]).unwrap();
        assert_eq!(c.shards.count, ShardCount::Fixed(4));
        assert_eq!(c.shards.range, Some((2, 3)));
        let c = load(
            "[discord]\nshards = \"auto\"\n",
            &[("QUIZBOT_SHARDS", "8"), ("QUIZBOT_SHARD_RANGE", "0-3")],
        )
        .unwrap();
        assert_eq!(
            (c.shards.count, c.shards.range),
            (ShardCount::Fixed(8), Some((0, 3)))
        );
        let e = load("[discord]\nshards = 4\nshard_range = \"0-4\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("discord.shard_range") && e.contains("0 to 3"),
            "{e}"
        );
        let e = load("[discord]\nshards = 0\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("discord.shards"), "{e}");
        let c = load("[metrics]\nlisten = \"127.0.0.1:9108\"\n", &[]).unwrap();
        assert_eq!(c.metrics_listen, Some("127.0.0.1:9108".parse().unwrap()));
    }
}

#[cfg(test)]
mod example {
    #[test]
    fn the_example_file_is_valid_and_shows_the_defaults() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/quizbot.example.toml");
        let c = super::Config::load(Some(&path), |_| None).expect("the example parses");
        let defaults =
            super::Config::load(Some(std::path::Path::new("/dev/null")), |_| None).unwrap();
        assert_eq!(c.live, defaults.live);
        assert_eq!(c.study, defaults.study);
        assert_eq!(
            (c.database, c.quizzes_dir, c.host_role),
            (defaults.database, defaults.quizzes_dir, defaults.host_role)
        );
    }
}
