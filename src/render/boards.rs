//! `/leaderboard`, `/stats` and `/quiz list`.

use super::text::{display_name, thousands, truncate};
use super::view::{color, EmbedView, MessageView};
use crate::game::records::{BoardRow, MemberStats};

fn accuracy(correct: u64, answered: u64) -> String {
    (correct * 100)
        .checked_div(answered)
        .map_or_else(|| "—".to_string(), |p| format!("{p}%"))
}

/// The top ten of a board and the caller's own line.
pub fn leaderboard(
    title: &str,
    rows: &[BoardRow],
    mine: Option<(usize, &BoardRow)>,
) -> MessageView {
    let mut description: String = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "`{:>2}.` **{}** — {} pts · {}/{} correct ({})",
                i + 1,
                display_name(&r.name),
                thousands(r.points),
                thousands(r.correct),
                thousands(r.answered),
                accuracy(r.correct, r.answered)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    if description.is_empty() {
        description = "Nobody has scored here yet.".to_string();
    }
    description.push_str("\n\n");
    match mine {
        Some((rank, r)) => description.push_str(&format!(
            "You: **#{rank}** — {} pts · {}/{} correct",
            thousands(r.points),
            thousands(r.correct),
            thousands(r.answered)
        )),
        None => description.push_str("You are not on this board yet."),
    }
    MessageView::embed(EmbedView {
        title: truncate(&format!("🏅 Leaderboard — {title}"), 256),
        description,
        color: Some(color::RESULTS),
        ..EmbedView::default()
    })
}

/// A member's numbers in this server: live quizzes, assignments and practice, all time, and
/// their last seven days.
pub fn stats(name: &str, s: Option<&MemberStats>) -> MessageView {
    let description = match s {
        None => {
            "No answers yet. Join a quiz, take an assignment or `/quiz practice` to get started!"
                .to_string()
        }
        Some(s) => {
            let rank = s.rank.map_or_else(
                || "not on the leaderboard yet".to_string(),
                |r| format!("rank #{r}"),
            );
            let mut d = format!(
                "**Points:** {} ({rank})\n**Answered:** {}\n**Correct:** {}\n**Accuracy:** {}\n**Best streak:** {}\n**Quizzes completed:** {}",
                thousands(s.points),
                thousands(s.answered),
                thousands(s.correct),
                accuracy(s.correct, s.answered),
                s.best_streak,
                thousands(s.quizzes),
            );
            d.push_str("\n\n**Last 7 days**");
            if s.last_days.is_empty() {
                d.push_str("\nNo answers this week.");
            }
            for (day, answered, correct) in &s.last_days {
                d.push_str(&format!(
                    "\n`{day}` {}/{} correct",
                    thousands(*correct),
                    thousands(*answered)
                ));
            }
            d
        }
    };
    MessageView::embed(EmbedView {
        title: truncate(&format!("📊 Stats — {}", display_name(name)), 256),
        description,
        footer: "Live quizzes, assignments and practice (practice does not score points).".into(),
        color: Some(color::NOTICE),
        ..EmbedView::default()
    })
}

/// One line per quiz: id, title and number of questions.
pub fn quiz_list(
    bundled: &[(String, String, usize)],
    uploaded: &[(String, String, usize)],
) -> MessageView {
    let line = |(id, title, n): &(String, String, usize)| {
        format!(
            "`{id}` — {} ({n} question{})",
            truncate(title, 120),
            if *n == 1 { "" } else { "s" }
        )
    };
    let mut sections = Vec::new();
    if !bundled.is_empty() {
        sections.push(("Bundled", bundled));
    }
    if !uploaded.is_empty() {
        sections.push(("Uploaded to this server", uploaded));
    }
    let mut description = String::new();
    for (name, list) in sections {
        description.push_str(&format!("**{name}**\n"));
        for (i, q) in list.iter().enumerate() {
            let next = line(q);
            if description.chars().count() + next.chars().count() > 3900 {
                description.push_str(&format!("… and {} more\n", list.len() - i));
                break;
            }
            description.push_str(&next);
            description.push('\n');
        }
        description.push('\n');
    }
    if description.is_empty() {
        description = "No quizzes yet. `/quiz upload` adds one.".to_string();
    }
    MessageView::embed(EmbedView {
        title: "📚 Quizzes".into(),
        description: description.trim_end().to_string(),
        footer: "Start one with /quiz start".into(),
        color: Some(color::NOTICE),
        ..EmbedView::default()
    })
}
