//! The private, self-paced run: a question, then right/wrong with the explanation and a Next
//! button, then the score with its tier.

use crate::game::run::{Progress, RunKind};
use crate::quiz::{Pick, Question, Quiz};
use crate::render::custom_id::CustomId;
use crate::render::limits::{DESCRIPTION, EMBED_TOTAL};
use crate::render::measure;
use crate::render::question::{
    accepted_text, answer_button, attachments, body, chosen, how_many, option_labels, pick_menu,
    picture, TYPE_IT,
};
use crate::render::text::{player_text, truncate};
use crate::render::view::{color, ButtonStyle, ButtonView, EmbedView, Files, MessageView};

/// Where a private run's message came from: shown under each question.
pub struct RunContext<'a> {
    pub run: i64,
    pub kind: RunKind,
    pub quiz: &'a Quiz,
    /// Review: the quiz each question came from.
    pub source: Option<&'a str>,
}

fn footer(ctx: &RunContext<'_>) -> String {
    let what = match ctx.kind {
        RunKind::Assignment => "Assignment",
        RunKind::Practice => "Practice (not on the leaderboard)",
        RunKind::Review => "Review",
    };
    let title = ctx.source.unwrap_or(&ctx.quiz.title);
    truncate(&format!("{what} · {title}"), 250)
}

/// A question of a private run, with its letter buttons; `note` is a line above it (the first
/// message of a practice says that it stays off the leaderboard; a resumed run says so).
pub fn run_question(ctx: &RunContext<'_>, position: usize, note: Option<&str>) -> MessageView {
    let Some(q) = ctx.quiz.questions.get(position) else {
        return MessageView::text("That question no longer exists.");
    };
    let multi = q.is_multi().then(|| {
        pick_menu(
            q,
            CustomId::RunPick {
                run: ctx.run,
                question: position as u32,
            }
            .to_string(),
            false,
        )
    });
    let typed = q.is_typed().then(|| {
        answer_button(
            CustomId::RunType {
                run: ctx.run,
                question: position as u32,
            }
            .to_string(),
            false,
        )
    });
    let buttons = option_labels(&q.options)
        .into_iter()
        .filter(|_| multi.is_none())
        .enumerate()
        .map(|(i, label)| ButtonView {
            custom_id: CustomId::RunAnswer {
                run: ctx.run,
                question: position as u32,
                choice: i as u8,
            }
            .to_string(),
            label,
            style: ButtonStyle::Primary,
            disabled: false,
        })
        .chain(typed)
        .collect();
    let mut description = body(q, None);
    if multi.is_some() {
        description.push_str("\n\n");
        description.push_str(&how_many(q));
    }
    if q.is_typed() {
        description.push('\n');
        description.push_str(TYPE_IT);
    }
    MessageView {
        content: note.map(|n| truncate(n, 500)).unwrap_or_default(),
        embeds: vec![EmbedView {
            title: format!("Question {} of {}", position + 1, ctx.quiz.questions.len()),
            description,
            footer: footer(ctx),
            color: Some(color::QUESTION),
            image: picture(q),
            ..EmbedView::default()
        }],
        rows: Vec::new(),
        select: multi,
        files: Files::Set(attachments(q, false)),
    }
    .with_buttons(buttons)
}

/// Right or wrong, the correct answer and the explanation, right after an answer; then a Next
/// button, or — after the last question — the score with its tier.
pub fn run_feedback(
    ctx: &RunContext<'_>,
    position: usize,
    choice: u16,
    typed: Option<&str>,
    progress: &Progress,
    due_at: Option<i64>,
) -> MessageView {
    let Some(q) = ctx.quiz.questions.get(position) else {
        return MessageView::text("That question no longer exists.");
    };
    let pick = Pick::from_stored(q, choice);
    let right = pick.is_some_and(|p| q.is_correct(p));
    let yours = match (pick, typed) {
        (Some(Pick::Typed(_)), Some(text)) => format!("**{}**", player_text(text, 100)),
        (Some(Pick::Typed(_)), None) => "(typed earlier)".to_string(),
        (Some(p), _) => chosen(q, &p.indexes(), 300),
        (None, _) => "—".to_string(),
    };
    let verdict = EmbedView {
        title: if right {
            format!(
                "✅ Right! — question {} of {}",
                position + 1,
                progress.questions
            )
        } else {
            format!(
                "❌ Not quite — question {} of {}",
                position + 1,
                progress.questions
            )
        },
        description: truncate(
            &format!(
                "{}\n\nYour answer: {yours}",
                crate::render::images::pictures(&q.prompt).0
            ),
            DESCRIPTION,
        ),
        footer: format!(
            "{} of {} answered · {} correct · {}",
            progress.answered,
            progress.questions,
            progress.correct,
            footer(ctx)
        ),
        color: Some(if right { color::REVEAL } else { color::WRONG }),
        image: picture(q),
        ..EmbedView::default()
    };
    let mut embeds = vec![verdict];
    let summary = progress
        .is_finished()
        .then(|| summary_embed(ctx, progress, due_at));
    let used = embeds
        .iter()
        .chain(&summary)
        .map(embed_chars)
        .sum::<usize>();
    embeds.push(answer_embed(q, EMBED_TOTAL.saturating_sub(used + 50)));
    embeds.extend(summary);
    let view = MessageView {
        content: String::new(),
        embeds,
        rows: Vec::new(),
        select: None,
        // An update replaces the message's files: the question's are sent again, with the
        // explanation's.
        files: Files::Set(attachments(q, true)),
    };
    if progress.is_finished() {
        return view;
    }
    view.with_buttons(vec![ButtonView {
        custom_id: CustomId::RunNext {
            run: ctx.run,
            question: progress.answered as u32,
        }
        .to_string(),
        label: "Next question ▶".into(),
        style: ButtonStyle::Primary,
        disabled: false,
    }])
}

fn embed_chars(e: &EmbedView) -> usize {
    let v = MessageView::embed(e.clone());
    measure::embed_total(&v)
}

/// The correct answer and the explanation, within `budget` characters.
fn answer_embed(q: &Question, budget: usize) -> EmbedView {
    let (title, head) = if q.is_typed() {
        (
            format!("Answer: {}", truncate(&q.accepted[0], 200)),
            accepted_text(q),
        )
    } else {
        (
            format!("Answer: {}", q.correct_pick().letters()),
            chosen(q, &q.correct_indexes(), 1000),
        )
    };
    let mut description = head.clone();
    if !q.explanation.is_empty() {
        let room = budget
            .min(DESCRIPTION)
            .saturating_sub(head.chars().count() + title.chars().count() + 2);
        if room >= 40 {
            description.push_str("\n\n");
            description.push_str(&truncate(&q.explanation, room));
        }
    }
    EmbedView {
        title,
        description: truncate(&description, DESCRIPTION),
        color: Some(color::REVEAL),
        ..EmbedView::default()
    }
}

/// "7/10 — Good understanding" and what happens next.
fn summary_embed(ctx: &RunContext<'_>, p: &Progress, due_at: Option<i64>) -> EmbedView {
    let mut description = format!("**{}/{}** correct", p.correct, p.questions);
    if ctx.kind != RunKind::Review {
        if let Some(tier) = ctx.quiz.tier_for(p.correct) {
            description = format!(
                "**{}/{} — {}**",
                p.correct,
                p.questions,
                truncate(&tier.label, 200)
            );
        }
    }
    if p.best_streak > 1 {
        description.push_str(&format!("\nBest streak: **{}** in a row", p.best_streak));
    }
    description.push_str("\n\n");
    description.push_str(&match (ctx.kind, due_at) {
        (RunKind::Assignment, Some(due)) => format!(
            "The results are posted in the channel when the assignment closes, <t:{}:R>.",
            due.div_euclid(1000)
        ),
        (RunKind::Assignment, None) => "Your score counts toward the leaderboard.".into(),
        (RunKind::Practice, _) => {
            "Practice counts toward `/stats` and `/review`, not the leaderboard. Missed questions wait for you in `/review`.".into()
        }
        (RunKind::Review, _) if p.correct as usize == p.questions => {
            "Every one right: those mistakes are cleared. 🎉".into()
        }
        (RunKind::Review, _) => "The ones you missed stay in `/review` for next time.".into(),
    });
    EmbedView {
        title: format!("🏁 Finished — {}", truncate(&ctx.quiz.title, 230)),
        description,
        color: Some(color::RESULTS),
        ..EmbedView::default()
    }
}

/// Start pressed again after finishing: the score, nothing to answer.
pub fn run_done(ctx: &RunContext<'_>, p: &Progress, due_at: Option<i64>) -> MessageView {
    MessageView {
        content: "You've already finished this one.".into(),
        embeds: vec![summary_embed(ctx, p, due_at)],
        rows: Vec::new(),
        select: None,
        files: Files::Keep,
    }
}

/// Start (or an answer) after the due time.
pub fn run_closed(quiz: &Quiz, due_at: i64, progress: Option<&Progress>) -> MessageView {
    let mut text = format!(
        "⏰ This assignment closed <t:{}:R>, so it no longer takes answers.",
        due_at.div_euclid(1000)
    );
    if let Some(p) = progress {
        text.push_str(&format!(
            " You answered {} of {} ({} correct).",
            p.answered, p.questions, p.correct
        ));
    }
    text.push_str(&format!(
        " You can still take it privately with `/quiz practice quiz:{}`.",
        truncate(&quiz.id, 64)
    ));
    MessageView::text(text)
}
