//! The assignment post (with its Start button) and, at its due time, its results.

use crate::game::records::AssignmentResults;
use crate::quiz::Quiz;
use crate::render::custom_id::CustomId;
use crate::render::limits::DESCRIPTION;
use crate::render::text::{display_name, thousands, truncate};
use crate::render::view::{color, ButtonStyle, ButtonView, EmbedView, MessageView};

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
            .map(|q| truncate(&crate::render::images::named(&q.prompt), 120))
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
