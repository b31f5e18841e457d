//! Study groups (README.md, "Study groups"): the assignment post and its results, and the private,
//! self-paced run — a question, then right/wrong with the explanation and a Next button, then
//! the score with its tier.

use super::custom_id::CustomId;
use super::limits::{DESCRIPTION, EMBED_TOTAL};
use super::measure;
use super::question::{body, option_labels};
use super::text::{display_name, lettered_option, thousands, truncate};
use super::view::{color, ButtonStyle, ButtonView, EmbedView, MessageView};
use crate::game::records::{AssignmentResults, ScheduleMode, ScheduleRow};
use crate::game::run::{Progress, RunKind};
use crate::game::schedule::{is_series, parse_time, Daily};
use crate::quiz::model::letter;
use crate::quiz::{Question, Quiz};

/// The public post of `/quiz assign`.
pub fn assignment_post(quiz: &Quiz, assignment: i64, due_at: i64, open: bool) -> MessageView {
    let mut description = String::new();
    if !quiz.description.is_empty() {
        description.push_str(&truncate(&quiz.description, 1500));
        description.push_str("\n\n");
    }
    let due = due_at.div_euclid(1000);
    let n = quiz.questions.len();
    description.push_str(&format!(
        "**{n}** question{} · at your own pace, privately\n",
        if n == 1 { "" } else { "s" }
    ));
    if open {
        description.push_str(&format!("**Due** <t:{due}:F> (<t:{due}:R>)"));
    } else {
        description.push_str(&format!("**Closed** <t:{due}:F> — the results are below."));
    }
    MessageView::embed(EmbedView {
        title: format!("📝 {}", truncate(&quiz.title, 240)),
        description,
        footer: if open {
            "Press Start to take it: only you see your questions. One run each — stop any time and press Start again to go on.".into()
        } else {
            "This assignment is closed. /quiz practice lets you take the quiz any time.".into()
        },
        color: Some(color::QUESTION),
        ..EmbedView::default()
    })
    .with_buttons(vec![ButtonView {
        custom_id: CustomId::Start { assignment }.to_string(),
        label: if open { "Start".into() } else { "Closed".into() },
        style: ButtonStyle::Success,
        disabled: !open,
    }])
}

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
    let buttons = option_labels(&q.options)
        .into_iter()
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
        .collect();
    MessageView {
        content: note.map(|n| truncate(n, 500)).unwrap_or_default(),
        embeds: vec![EmbedView {
            title: format!("Question {} of {}", position + 1, ctx.quiz.questions.len()),
            description: body(q, None),
            footer: footer(ctx),
            color: Some(color::QUESTION),
            ..EmbedView::default()
        }],
        rows: Vec::new(),
    }
    .with_buttons(buttons)
}

/// Right or wrong, the correct answer and the explanation, right after an answer; then a Next
/// button, or — after the last question — the score with its tier.
pub fn run_feedback(
    ctx: &RunContext<'_>,
    position: usize,
    choice: u8,
    progress: &Progress,
    due_at: Option<i64>,
) -> MessageView {
    let Some(q) = ctx.quiz.questions.get(position) else {
        return MessageView::text("That question no longer exists.");
    };
    let right = usize::from(choice) == q.answer;
    let yours = q
        .options
        .get(usize::from(choice))
        .map_or("", String::as_str);
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
                "{}\n\nYour answer: **{}.** {}",
                q.prompt,
                letter(usize::from(choice)),
                yours
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
    let title = format!("Answer: {}", letter(q.answer));
    let head = lettered_option(&format!("**{}.**", letter(q.answer)), q.correct_option());
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

/// The results of an assignment, posted at its due time: who finished with their score and
/// tier, the average and the hardest question. Fits Discord's limits for any number of members.
pub fn assignment_results(quiz: &Quiz, r: &AssignmentResults) -> MessageView {
    let n = quiz.questions.len();
    let mut description = String::new();
    if r.finished.is_empty() {
        description.push_str("Nobody finished this one.\n");
    }
    const SHOWN: usize = 20;
    for (i, f) in r.finished.iter().take(SHOWN).enumerate() {
        let tier = quiz
            .tier_for(f.correct)
            .map(|t| format!(" — {}", truncate(&t.label, 60)))
            .unwrap_or_default();
        description.push_str(&format!(
            "`{:>2}.` **{}** — {}/{n}{tier}\n",
            i + 1,
            display_name(&f.name),
            f.correct
        ));
    }
    if r.finished.len() > SHOWN {
        description.push_str(&format!(
            "… and {} more\n",
            thousands((r.finished.len() - SHOWN) as u64)
        ));
    }
    let finished = r.finished.len();
    description.push_str(&format!(
        "\n**{}** finished · **{}** started but didn't finish",
        thousands(finished as u64),
        thousands(r.unfinished as u64)
    ));
    if finished > 0 {
        let total: u64 = r.finished.iter().map(|f| u64::from(f.correct)).sum();
        let tenths = (total * 10 + finished as u64 / 2) / finished as u64;
        description.push_str(&format!(
            " · average **{}.{}/{n}**",
            tenths / 10,
            tenths % 10
        ));
    }
    let hardest = r
        .per_question
        .iter()
        .enumerate()
        .filter(|(_, (answered, _))| *answered > 0)
        .min_by(|(ia, (aa, ca)), (ib, (ab, cb))| {
            // Lowest share right; on a tie the earlier question.
            (u128::from(*ca) * u128::from(*ab))
                .cmp(&(u128::from(*cb) * u128::from(*aa)))
                .then(ia.cmp(ib))
        });
    if let Some((i, (answered, correct))) = hardest {
        let prompt = quiz
            .questions
            .get(i)
            .map(|q| truncate(&q.prompt, 120))
            .unwrap_or_default();
        description.push_str(&format!(
            "\nHardest: **Q{}** {prompt} ({}% got it right)",
            i + 1,
            correct * 100 / answered
        ));
    }
    MessageView::embed(EmbedView {
        title: format!("📋 Results — {}", truncate(&quiz.title, 230)),
        description: truncate(&description, DESCRIPTION),
        footer: "Missed questions wait in /review.".into(),
        color: Some(color::RESULTS),
        ..EmbedView::default()
    })
}

/// "every day at 09:00 Europe/Berlin in <#…>: the next quiz of `day-*` as an assignment open
/// 24 h" — one schedule in words.
pub fn schedule_line(
    target: &str,
    local_time: &str,
    timezone: &str,
    channel: u64,
    mode: ScheduleMode,
    due_minutes: i64,
) -> String {
    let what = if is_series(target) {
        format!("the next quiz of `{}`", truncate(target, 64))
    } else {
        format!("`{}`", truncate(target, 64))
    };
    let how = match mode {
        ScheduleMode::Assignment => format!("as an assignment open {}", duration(due_minutes)),
        ScheduleMode::Live => "as a live quiz".to_string(),
    };
    format!("every day at **{local_time} {timezone}** in <#{channel}>: {what} {how}")
}

/// 90 → "1 h 30 min", 1440 → "24 h", 2880 → "2 days".
fn duration(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) if h > 24 && h % 24 == 0 => format!("{} days", h / 24),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `/quiz schedule list`.
pub fn schedule_list(rows: &[ScheduleRow], now: i64) -> MessageView {
    let mut description = String::new();
    for s in rows {
        let next = parse_time(&s.local_time)
            .zip(s.timezone.parse().ok())
            .map(|(time, tz)| Daily { time, tz }.next_after(now));
        let mut line = format!(
            "**#{}** {}",
            s.id,
            schedule_line(
                &s.target,
                &s.local_time,
                &s.timezone,
                s.channel_id,
                s.mode,
                s.due_minutes
            )
        );
        if let Some(next) = next {
            line.push_str(&format!(" · next <t:{}:R>", next / 1000));
        }
        description.push_str(&line);
        description.push('\n');
    }
    if description.is_empty() {
        description = "No schedules yet. `/quiz schedule add quiz:day-* time:09:00` posts the next quiz of a series every day.".into();
    }
    MessageView::embed(EmbedView {
        title: "📅 Schedules".into(),
        description: truncate(&description, DESCRIPTION),
        footer: "/quiz schedule remove id:N stops one.".into(),
        color: Some(color::NOTICE),
        ..EmbedView::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::records::Finisher;
    use crate::quiz::model::Tier;
    use crate::render::measure::problems;

    fn quiz(n: usize, long: bool) -> Quiz {
        let text = |s: &str, len: usize| if long { s.repeat(len) } else { s.to_string() };
        Quiz {
            id: "networking".into(),
            title: "Networking basics".into(),
            description: "Five quick questions.".into(),
            question_seconds: None,
            questions: (0..n)
                .map(|i| Question {
                    number: i + 1,
                    line: 1,
                    prompt: format!("Q{i} {}", text("p", 900)),
                    options: vec![text("a", 200), text("b", 200), text("c", 200)],
                    answer: 1,
                    explanation: text("because ", 500),
                    seconds: None,
                })
                .collect(),
            tiers: vec![
                Tier {
                    min: 0,
                    max: 1,
                    label: "Keep going".into(),
                },
                Tier {
                    min: 2,
                    max: 3,
                    label: "Well done".into(),
                },
            ],
        }
    }

    fn ctx(q: &Quiz, kind: RunKind) -> RunContext<'_> {
        RunContext {
            run: 5,
            kind,
            quiz: q,
            source: None,
        }
    }

    #[test]
    fn the_post_has_a_start_button_and_the_due_time_twice() {
        let q = quiz(3, false);
        let post = assignment_post(&q, 9, 1_800_000_000_000, true);
        let d = &post.embeds[0].description;
        assert!(
            d.contains("<t:1800000000:F>") && d.contains("<t:1800000000:R>"),
            "{d}"
        );
        assert!(d.contains("**3** questions"));
        let start = post.buttons().next().unwrap();
        assert_eq!(
            (start.custom_id.as_str(), start.label.as_str()),
            ("a:9", "Start")
        );
        let closed = assignment_post(&q, 9, 1_800_000_000_000, false);
        assert!(closed.buttons().all(|b| b.disabled));
    }

    #[test]
    fn feedback_says_right_or_wrong_explains_and_offers_next() {
        let q = quiz(3, false);
        let mut p = Progress::new(3);
        p.answer(0, 0, 3, 1, 0, None).unwrap();
        let v = run_feedback(&ctx(&q, RunKind::Practice), 0, 0, &p, None);
        assert!(v.embeds[0].title.starts_with("❌ Not quite"));
        assert!(v.embeds[0].description.contains("Your answer: **A.** a"));
        assert_eq!(v.embeds[1].title, "Answer: B");
        assert!(v.embeds[1].description.contains("because"));
        let next = v.buttons().next().unwrap();
        assert_eq!(next.custom_id, "n:5:1");
    }

    #[test]
    fn the_last_answer_shows_the_score_and_tier() {
        let q = quiz(3, false);
        let mut p = Progress::new(3);
        for pos in 0..3 {
            p.answer(pos, 1, 3, 1, 0, None).unwrap();
        }
        let v = run_feedback(
            &ctx(&q, RunKind::Assignment),
            2,
            1,
            &p,
            Some(1_800_000_000_000),
        );
        assert_eq!(v.rows.len(), 0, "no Next after the last question");
        let summary = v.embeds.last().unwrap();
        assert!(
            summary.description.contains("**3/3 — Well done**"),
            "{}",
            summary.description
        );
        assert!(summary.description.contains("<t:1800000000:R>"));
    }

    #[test]
    fn private_views_of_the_longest_questions_fit() {
        let q = quiz(3, true);
        let mut p = Progress::new(3);
        for pos in 0..3 {
            p.answer(pos, 0, 3, 1, 0, None).unwrap();
            let c = ctx(&q, RunKind::Review);
            assert_eq!(
                problems(&run_question(&c, pos, Some("note"))),
                Vec::<String>::new()
            );
            assert_eq!(
                problems(&run_feedback(&c, pos, 0, &p, None)),
                Vec::<String>::new()
            );
        }
    }

    #[test]
    fn results_list_finishers_with_tiers_average_and_hardest() {
        let q = quiz(3, false);
        let r = AssignmentResults {
            finished: vec![
                Finisher {
                    user_id: 1,
                    name: "Ann".into(),
                    correct: 3,
                    finished_at: 5,
                },
                Finisher {
                    user_id: 2,
                    name: "**Bob**".into(),
                    correct: 1,
                    finished_at: 6,
                },
            ],
            unfinished: 1,
            per_question: vec![(3, 2), (2, 0), (2, 2)],
        };
        let d = assignment_results(&q, &r).embeds[0].description.clone();
        assert!(d.contains("` 1.` **Ann** — 3/3 — Well done"), "{d}");
        assert!(d.contains("**\\*\\*Bob\\*\\*** — 1/3 — Keep going"), "{d}");
        assert!(
            d.contains("**2** finished · **1** started but didn't finish"),
            "{d}"
        );
        assert!(d.contains("average **2.0/3**"), "{d}");
        assert!(
            d.contains("Hardest: **Q2**") && d.contains("(0% got it right)"),
            "{d}"
        );
    }

    #[test]
    fn results_for_thousands_of_members_fit() {
        let q = quiz(3, false);
        let r = AssignmentResults {
            finished: (0..5000)
                .map(|i| Finisher {
                    user_id: i,
                    name: "@everyone".repeat(5),
                    correct: 2,
                    finished_at: i as i64,
                })
                .collect(),
            unfinished: 0,
            per_question: vec![(5000, 4000); 3],
        };
        let v = assignment_results(&q, &r);
        assert_eq!(problems(&v), Vec::<String>::new());
        assert!(v.embeds[0].description.contains("… and 4,980 more"));
    }
}
