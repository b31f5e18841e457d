//! `quizbot rehearse`: a whole live quiz offline — the real bot through the real serenity client
//! against the built-in Discord simulator, with simulated players answering with seeded random
//! choices and speeds — printed as the channel unfolds. No token, no network.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use discord_sim::{Arg, Message, Sim, SimConfig};

use crate::clock::SystemClock;
use crate::config::LiveConfig;
use crate::quiz::{self, Quiz};
use crate::simbot;

pub struct Options {
    /// A bundled quiz id or a quiz file; the seed quiz by default.
    pub quiz: Option<String>,
    pub players: usize,
    pub seed: u64,
    pub seconds: u32,
    pub quizzes_dir: PathBuf,
}

const NAMES: [&str; 40] = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Katherine",
    "Donald",
    "Radia",
    "Tim",
    "Hedy",
    "Guido",
    "Annie",
    "John",
    "Shafi",
    "Yukihiro",
    "Sophie",
    "Bjarne",
    "Adele",
    "Niklaus",
    "Joan",
    "Leslie",
    "Mary",
    "Claude",
    "Evelyn",
    "Alonzo",
    "Karen",
    "Vint",
    "Lynn",
    "Whitfield",
    "Jean",
    "Robin",
    "Dorothy",
    "Larry",
    "Hal",
    "Ida",
];

/// SplitMix64: a seeded generator small enough to own (the same seed, the same rehearsal).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// `<t:1795843152:R>` as a terminal reader would want it: "<in 3 s>" (Discord renders these as
/// live relative times in every client).
fn timestamps(text: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<t:") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let parsed = after.find('>').and_then(|end| {
            let inner = &after[..end];
            let secs: i64 = inner.split(':').next()?.parse().ok()?;
            Some((secs, end))
        });
        match parsed {
            Some((secs, end)) => {
                let d = secs - now;
                out.push_str(&if d >= 0 {
                    format!("<in {d} s>")
                } else {
                    format!("<{} s ago>", -d)
                });
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("<t:");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A message for the terminal.
fn show(m: &Message) -> String {
    indent(&timestamps(&m.render()))
}

/// A revealed question: only what the reveal added (the answer, explanation, distribution).
fn show_reveal(m: &Message) -> String {
    let mut reveal = m.clone();
    if reveal.embeds.len() > 1 {
        reveal.embeds.remove(0);
    }
    show(&reveal)
}

/// Runs the rehearsal, printing to `out`. Returns an error (already explained) on a bad quiz.
pub async fn run(opts: Options, out: &mut impl Write) -> anyhow::Result<()> {
    let quiz_arg = opts
        .quiz
        .clone()
        .unwrap_or_else(|| "day-42-attention-mechanisms".to_string());
    // A path to a file is checked here and uploaded through /quiz upload, as an author would.
    let file = Path::new(&quiz_arg);
    let readable = quiz::Format::from_path(file).is_some() || quiz::archive::is_archive(file);
    let upload = if readable && file.exists() {
        let checked = quiz::check_path(file, &crate::render::preflight::DiscordFit);
        if checked.quiz.is_none() {
            write!(out, "{}", checked.render(&file.display().to_string(), 50))?;
            bail!("{} has errors; fix them and rehearse again", file.display());
        }
        Some((file.to_path_buf(), std::fs::read(file)?))
    } else {
        None
    };
    let quiz_id = upload
        .as_ref()
        .map_or(quiz_arg.clone(), |(p, _)| quiz::quiz_id(p));
    let rehearsed = load(
        &opts.quizzes_dir,
        upload.as_ref().map(|(p, _)| p.as_path()),
        &quiz_id,
    )?;

    let sim = Sim::start(SimConfig {
        tls: true,
        bot_name: "quizbot".into(),
        ..SimConfig::default()
    })
    .await?;
    let setup = sim.setup_guild("Rehearsal", &["quiz-night"], 0);
    let channel = setup.channels[0];
    let mut rng = Rng(opts.seed);
    let players: Vec<(u64, String, f64)> = (0..opts.players)
        .map(|i| {
            let name = if i < NAMES.len() {
                NAMES[i].to_string()
            } else {
                format!("{}{}", NAMES[i % NAMES.len()], i / NAMES.len() + 1)
            };
            let id = sim.add_member(setup.guild, &name.to_lowercase());
            sim.set_global_name(id, &name);
            // Each player's chance of knowing the answer.
            (id, name, 0.35 + 0.55 * rng.unit())
        })
        .collect();

    let dir = tempfile::tempdir()?;
    let live = LiveConfig {
        seconds: opts.seconds,
        pause: Duration::from_millis(1500),
        start_delay: Duration::from_secs(1),
        ..LiveConfig::default()
    };
    let config = simbot::config(
        dir.path().join("rehearsal.sqlite3"),
        opts.quizzes_dir.clone(),
        live,
    );
    let bot = simbot::start(&sim, config, Arc::new(SystemClock))
        .await
        .context("start the bot against the simulator")?;
    writeln!(
        out,
        "quizbot rehearsal — the real bot and serenity against the built-in Discord simulator\n\
         {} players in #quiz-night, seed {}, {} s per question\n",
        players.len(),
        opts.seed,
        opts.seconds
    )?;

    let wait = Duration::from_secs(30);
    if let Some((path, bytes)) = &upload {
        let name = path
            .file_name()
            .map_or("quiz.md".into(), |n| n.to_string_lossy().into_owned());
        let h = sim.command(
            setup.owner,
            channel,
            "quiz upload",
            &[("file", Arg::file(&name, bytes.clone()))],
        )?;
        let reply = sim
            .wait_until(wait, "the upload reply", |s| {
                s.interaction(h.id)
                    .and_then(|r| r.original)
                    .filter(|m| !m.loading)
            })
            .await?;
        writeln!(out, "> /quiz upload file:{name}\n{}", show(&reply))?;
    }
    // The time limit is the bot's configured default (`live.seconds`), which may be shorter than
    // the command's own minimum: rehearsals are meant to be quick.
    let start = sim.command(
        setup.owner,
        channel,
        "quiz start",
        &[("quiz", quiz_id.as_str().into())],
    )?;
    let started = sim.wait_response(&start, wait).await?;
    writeln!(out, "> /quiz start quiz:{quiz_id}")?;
    if let Some(m) = &started.original {
        if m.ephemeral_for.is_some() {
            write!(out, "{}", show(m))?;
            bail!("the bot refused to start the quiz");
        }
    }

    // Follow the channel: print each new message and each reveal; players click on questions.
    let mut seen: HashMap<u64, bool> = HashMap::new();
    let mut acked = 0usize;
    let results = loop {
        let messages = sim.public_messages(channel);
        let mut done = None;
        for m in &messages {
            let is_question = m
                .embeds
                .first()
                .is_some_and(|e| e.title.starts_with("Question "));
            let revealed = closed(m) == Some(true);
            match seen.get(&m.id) {
                None => {
                    write!(out, "{}", show(m))?;
                    writeln!(out)?;
                    if is_question && !revealed {
                        schedule_clicks(&sim, m, &rehearsed, &players, opts.seconds, &mut rng);
                    }
                    seen.insert(m.id, revealed);
                }
                Some(false) if is_question && revealed => {
                    writeln!(
                        out,
                        "  ── question {} closed ──",
                        m.embeds[0].title.trim_start_matches("Question ")
                    )?;
                    write!(out, "{}", show_reveal(m))?;
                    writeln!(out)?;
                    seen.insert(m.id, true);
                }
                _ => {}
            }
            if m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with("🏆 Results"))
            {
                done = Some(m.clone());
            }
        }
        if let Some(m) = done {
            break m;
        }
        out.flush()?;
        sim.wait_until(Duration::from_secs(120), "the channel to change", {
            let before: Vec<(u64, u32)> = messages.iter().map(|m| (m.id, m.edits)).collect();
            move |s| {
                let now: Vec<(u64, u32)> = s
                    .public_messages(channel)
                    .iter()
                    .map(|m| (m.id, m.edits))
                    .collect();
                (now.len() != before.len()
                    || now
                        .iter()
                        .zip(&before)
                        .any(|(a, b)| a.1 != b.1 && !is_count_only(s, a.0)))
                .then_some(())
            }
        })
        .await?;
    };
    for (id, _, _) in &players {
        acked += sim
            .ephemerals(*id)
            .iter()
            .filter(|m| m.content.starts_with("Locked in"))
            .count();
    }

    // One player looks at their private results.
    if let Some((id, name, _)) = players.first() {
        let button = results
            .buttons()
            .find(|b| b.label == "My results")
            .and_then(|b| b.custom_id.clone());
        if let Some(custom_id) = button {
            let h = sim.click(*id, results.id, &custom_id)?;
            let r = sim.wait_response(&h, wait).await?;
            if let Some(m) = r.original {
                writeln!(out, "> {name} clicks “My results” (only {name} sees this):")?;
                write!(out, "{}", show(&m))?;
                writeln!(out)?;
            }
        }
    }
    let violations = sim.violations();
    writeln!(
        out,
        "Rehearsal over: {} players, {acked} answers locked in, {} Discord rule violation(s).",
        players.len(),
        violations.len()
    )?;
    for v in &violations {
        writeln!(out, "  - {:?} on {}: {}", v.kind, v.route, v.detail)?;
    }
    bot.shutdown().await;
    sim.shutdown();
    Ok(())
}

/// An edit that only changed the answered count (not worth printing).
fn is_count_only(sim: &Sim, message: u64) -> bool {
    sim.message(message).is_some_and(|m| {
        m.embeds
            .first()
            .is_some_and(|e| e.title.starts_with("Question "))
            && closed(&m) == Some(false)
    })
}

/// Whether a question's buttons (or its menu) are disabled; `None` when it has neither.
fn closed(m: &Message) -> Option<bool> {
    m.buttons()
        .next()
        .map(|b| b.disabled)
        .or_else(|| m.selects.first().map(|s| s.disabled))
}

/// Each player answers the question after a random delay: right with their own probability.
fn schedule_clicks(
    sim: &Sim,
    question: &Message,
    quiz: &Quiz,
    players: &[(u64, String, f64)],
    seconds: u32,
    rng: &mut Rng,
) {
    let buttons: Vec<String> = question
        .buttons()
        .filter_map(|b| b.custom_id.clone())
        .collect();
    let menu = question.selects.first().filter(|s| !s.disabled);
    if buttons.is_empty() && menu.is_none() {
        return;
    }
    let correct = correct_choice(question, quiz);
    for (id, _, skill) in players {
        if rng.unit() < 0.08 {
            continue; // some players miss a question
        }
        let delay = Duration::from_secs_f64(0.3 + rng.unit() * 0.8 * f64::from(seconds));
        if let Some(menu) = menu {
            // A multi-select: the right set, or a few options at random.
            let values: Vec<String> = match &correct {
                Some(set) if rng.unit() < *skill => set.iter().map(usize::to_string).collect(),
                _ => {
                    let n = menu.options.len() as u64;
                    let (lo, hi) = (menu.min_values.max(1), menu.max_values.min(n));
                    let want = lo + rng.next() % (hi - lo + 1);
                    let mut all: Vec<String> =
                        menu.options.iter().map(|(_, v)| v.clone()).collect();
                    while all.len() as u64 > want {
                        all.remove((rng.next() % all.len() as u64) as usize);
                    }
                    all
                }
            };
            let (sim, id, message, custom_id) =
                (sim.clone(), *id, question.id, menu.custom_id.clone());
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                let _ = sim.select(id, message, &custom_id, &values);
            });
            continue;
        }
        if let Some(typed) = quiz_question(question, quiz).filter(|q| q.is_typed()) {
            // A typed answer: press Answer, then type in the box it opens.
            let text = if rng.unit() < *skill {
                typed.accepted[0].clone()
            } else {
                "no idea".to_string()
            };
            let (sim, id, message, custom_id) = (sim.clone(), *id, question.id, buttons[0].clone());
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let Ok(h) = sim.click(id, message, &custom_id) else {
                    return;
                };
                if sim.wait_response(&h, Duration::from_secs(5)).await.is_ok() {
                    let _ = sim.submit_modal(id, &h, &[("answer", &text)]);
                }
            });
            continue;
        }
        let choice = match correct.as_deref() {
            Some(&[c]) if rng.unit() < *skill => c,
            _ => (rng.next() % buttons.len() as u64) as usize,
        };
        let (sim, id, message, custom_id) =
            (sim.clone(), *id, question.id, buttons[choice].clone());
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = sim.click(id, message, &custom_id);
        });
    }
}

/// The correct options of a posted question: the players "know" the quiz (with their own
/// chance of being right), so they look the question up by its prompt.
fn correct_choice(question: &Message, quiz: &Quiz) -> Option<Vec<usize>> {
    quiz_question(question, quiz).map(|q| q.correct_indexes())
}

/// The quiz's question a posted message asks, found by its prompt.
fn quiz_question<'a>(question: &Message, quiz: &'a Quiz) -> Option<&'a crate::quiz::Question> {
    let text = &question.embeds.first()?.description;
    quiz.questions
        .iter()
        .filter(|q| text.starts_with(&q.prompt))
        .max_by_key(|q| q.prompt.len())
}

/// The quiz being rehearsed, as the bot will load it.
fn load(quizzes_dir: &Path, upload: Option<&Path>, id: &str) -> anyhow::Result<Quiz> {
    let candidates: Vec<PathBuf> = match upload {
        Some(p) => vec![p.to_path_buf()],
        None => quiz::EXTENSIONS
            .iter()
            .map(|ext| quizzes_dir.join(format!("{id}.{ext}")))
            .collect(),
    };
    for path in candidates.iter().filter(|p| p.exists()) {
        if let Some(q) = quiz::check_path(path, &crate::render::preflight::DiscordFit).quiz {
            return Ok(q);
        }
    }
    bail!(
        "no quiz `{id}`: give a bundled quiz id (see `ls {}`) or a path to a quiz file",
        quizzes_dir.display()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn discord_timestamps_become_readable() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let text = format!("Closes <t:{}:R> · <t:bad", now + 5);
        let shown = super::timestamps(&text);
        assert!(
            shown.starts_with("Closes <in 5 s>") || shown.starts_with("Closes <in 4 s>"),
            "{shown}"
        );
        assert!(shown.ends_with("<t:bad"));
    }
}
