//! Messages around live questions: the intro, standings after each reveal, the results with a
//! podium, and each player's private "My results".

use super::custom_id::CustomId;
use super::text::{display_name, inline_option, player_text, thousands, truncate};
use super::view::{color, ButtonStyle, ButtonView, EmbedView, MessageView};
use crate::game::live::{Hardest, Standing};
use crate::game::scoring::Scoring;
use crate::quiz::model::letter;
use crate::quiz::{Pick, Quiz};

const MEDALS: [&str; 3] = ["🥇", "🥈", "🥉"];

/// How scores read: in correct-only mode a quiz with questions worth more or less than one
/// (docs/quiz-format.md, "Points") counts points, not correct answers, so it reads as points.
pub fn shown_scoring(scoring: Scoring, quiz: &Quiz) -> Scoring {
    if quiz.questions.iter().any(|q| q.points != 1) {
        Scoring::Speed
    } else {
        scoring
    }
}

/// "2,850 pts" in speed mode, "8 correct" in correct-only mode.
pub fn score(points: u64, scoring: Scoring) -> String {
    match scoring {
        Scoring::Speed => format!("{} pts", thousands(points)),
        Scoring::Correct => format!("{} correct", thousands(points)),
    }
}

fn rank_mark(rank: usize) -> String {
    MEDALS
        .get(rank.wrapping_sub(1))
        .map_or_else(|| format!("`{rank:>2}.`"), |m| (*m).to_string())
}

fn standing_line(s: &Standing, scoring: Scoring) -> String {
    format!(
        "{} **{}** — {} · {}/{} right",
        rank_mark(s.rank),
        display_name(&s.name),
        score(s.totals.points, scoring),
        s.totals.correct,
        s.totals.answered
    )
}

/// How the quiz's questions are answered, for its intro.
fn how_to_answer(quiz: &Quiz) -> &'static str {
    let multi = quiz.questions.iter().any(|q| q.is_multi());
    let typed = quiz.questions.iter().any(|q| q.is_typed());
    match (multi, typed) {
        (false, false) => "Click a letter to answer",
        (true, false) => {
            "Click a letter to answer, or pick every right option in a question's menu"
        }
        (false, true) => "Click a letter to answer, or press Answer and type it",
        (true, true) => {
            "Click a letter, pick every right option in a menu, or press Answer and type it"
        }
    }
}

/// The reply to `/quiz start`: what is about to be played.
pub fn intro(
    quiz: &Quiz,
    questions: usize,
    seconds: u32,
    scoring: Scoring,
    starts_at: i64,
) -> MessageView {
    let mut description = String::new();
    if !quiz.description.is_empty() {
        description.push_str(&truncate(&quiz.description, 1500));
        description.push_str("\n\n");
    }
    description.push_str(&format!(
        "**{questions}** questions · **{seconds} s** each · scoring: **{}**\nFirst question <t:{}:R>. {}; you get one answer per question.",
        match scoring {
            Scoring::Speed => "speed (faster correct answers score more)",
            Scoring::Correct => "one point per correct answer",
        },
        starts_at / 1000,
        how_to_answer(quiz)
    ));
    if quiz.questions.iter().any(|q| q.points != 1) {
        description.push_str(
            "\nSome questions are worth more (⭐ in their title) or are a warm-up worth nothing.",
        );
    }
    MessageView::embed(EmbedView {
        title: format!("🎬 {}", truncate(&quiz.title, 240)),
        description,
        color: Some(color::QUESTION),
        ..EmbedView::default()
    })
}

/// The top five after a reveal.
pub fn standings(
    standings: &[Standing],
    after: usize,
    total: usize,
    scoring: Scoring,
) -> MessageView {
    let mut description: String = standings
        .iter()
        .take(5)
        .map(|s| standing_line(s, scoring))
        .collect::<Vec<_>>()
        .join("\n");
    if description.is_empty() {
        description = "Nobody has answered yet.".to_string();
    }
    let players = standings.len();
    MessageView::embed(EmbedView {
        title: format!("Standings after question {after} of {total}"),
        description,
        footer: format!(
            "{} player{}",
            thousands(players as u64),
            if players == 1 { "" } else { "s" }
        ),
        color: Some(color::NOTICE),
        ..EmbedView::default()
    })
}

/// Everything the results message needs.
pub struct ResultsInput<'a> {
    pub quiz: &'a Quiz,
    pub session: i64,
    pub standings: &'a [Standing],
    pub scoring: Scoring,
    pub hardest: Option<Hardest>,
    /// Ended early by `/quiz stop` (or a failure): say so.
    pub ended_early: Option<&'a str>,
}

/// The podium and the top ten, the number of players and the hardest question, with the
/// "My results" button. Fits Discord's limits whatever the number of players.
pub fn results(r: &ResultsInput<'_>) -> MessageView {
    let mut description = String::new();
    if let Some(why) = r.ended_early {
        description.push_str(&format!("*{why}*\n\n"));
    }
    if r.standings.is_empty() {
        description.push_str("Nobody answered.");
    } else {
        for s in r.standings.iter().take(3) {
            description.push_str(&standing_line(s, shown_scoring(r.scoring, r.quiz)));
            description.push('\n');
        }
        if r.standings.len() > 3 {
            description.push('\n');
            for s in r.standings.iter().skip(3).take(7) {
                description.push_str(&standing_line(s, shown_scoring(r.scoring, r.quiz)));
                description.push('\n');
            }
        }
    }
    let players = r.standings.len();
    description.push_str(&format!(
        "\n**{}** player{}",
        thousands(players as u64),
        if players == 1 { "" } else { "s" }
    ));
    if let Some(h) = &r.hardest {
        let q = r.quiz.questions.get(h.question_index);
        let share = (h.correct * 100).checked_div(h.answered).map_or_else(
            || "nobody answered it".to_string(),
            |p| format!("{p}% got it right"),
        );
        description.push_str(&format!(
            " · hardest: **Q{}** {} ({share})",
            h.position + 1,
            q.map(|q| truncate(&super::images::named(&q.prompt), 120))
                .unwrap_or_default()
        ));
    }
    MessageView::embed(EmbedView {
        title: format!("🏆 Results — {}", truncate(&r.quiz.title, 230)),
        description,
        footer: "Click “My results” for your score, your tier and the questions you missed.".into(),
        color: Some(color::RESULTS),
        ..EmbedView::default()
    })
    .with_buttons(vec![ButtonView {
        custom_id: CustomId::MyResults { session: r.session }.to_string(),
        label: "My results".into(),
        style: ButtonStyle::Primary,
        disabled: false,
    }])
}

/// One player's answer to a question, for "My results".
pub struct MyAnswer {
    pub question_index: usize,
    /// As [`crate::quiz::Pick::stored`] keeps it.
    pub choice: Option<u16>,
    /// What was typed, for a typed-answer question.
    pub typed: Option<String>,
    pub correct: bool,
}

pub struct MyResultsInput<'a> {
    pub quiz: &'a Quiz,
    pub scoring: Scoring,
    /// The player's answers in play order (one per question asked).
    pub answers: &'a [MyAnswer],
    pub points: u64,
    pub rank: Option<(usize, usize)>,
}

/// The private summary behind "My results": score, tier, and each missed question with its
/// correct answer and explanation — shortened to fit, never over Discord's limits.
pub fn my_results(r: &MyResultsInput<'_>) -> MessageView {
    let asked = r.answers.len();
    let correct = r.answers.iter().filter(|a| a.correct).count();
    let mut head = format!(
        "**{}** · **{correct}/{asked}** correct",
        score(r.points, shown_scoring(r.scoring, r.quiz))
    );
    if let Some((rank, of)) = r.rank {
        head.push_str(&format!(" · rank **{rank}** of {of}"));
    }
    match r.quiz.tier_for(correct as u32) {
        Some(tier) => head.push_str(&format!(
            "\n**{correct}/{asked} — {}**",
            truncate(&tier.label, 200)
        )),
        None if !r.quiz.tiers.is_empty() => head.push_str(&format!("\n**{correct}/{asked}**")),
        None => {}
    }
    let missed: Vec<&MyAnswer> = r.answers.iter().filter(|a| !a.correct).collect();
    let mut blocks = Vec::new();
    for (i, a) in r.answers.iter().enumerate() {
        if a.correct {
            continue;
        }
        let Some(q) = r.quiz.questions.get(a.question_index) else {
            continue;
        };
        let yours = match a.choice.and_then(|c| Pick::from_stored(q, c)) {
            Some(Pick::One(c)) => format!(
                "{}. {}",
                letter(usize::from(c)),
                inline_option(q.options.get(usize::from(c)).map_or("", String::as_str), 80)
            ),
            Some(Pick::Typed(_)) => {
                format!("“{}”", player_text(a.typed.as_deref().unwrap_or(""), 80))
            }
            Some(set) => set.letters(),
            None => "no answer".to_string(),
        };
        let correct = if q.is_typed() {
            truncate(&q.accepted[0], 150)
        } else if q.is_multi() {
            q.correct_pick().letters()
        } else {
            format!(
                "{}. {}",
                letter(q.answer),
                inline_option(q.correct_option(), 150)
            )
        };
        blocks.push((
            format!(
                "**Q{}.** {}\nYou: {yours} · Correct: **{correct}**",
                i + 1,
                truncate(&super::images::named(&q.prompt), 200),
            ),
            q.explanation.clone(),
        ));
    }
    let body = if missed.is_empty() {
        "You got every question right. 🎉".to_string()
    } else {
        fit_blocks(&blocks, 3800 - head.chars().count().min(1000))
    };
    MessageView::embed(EmbedView {
        title: format!("Your results — {}", truncate(&r.quiz.title, 230)),
        description: format!("{head}\n\n{body}"),
        color: Some(color::RESULTS),
        ..EmbedView::default()
    })
}

/// Joins (heading, explanation) blocks within `budget` characters: explanations are shortened
/// evenly, and blocks that still do not fit are counted at the end.
fn fit_blocks(blocks: &[(String, String)], budget: usize) -> String {
    let headings: usize = blocks.iter().map(|(h, _)| h.chars().count() + 3).sum();
    let per_explanation = budget.saturating_sub(headings) / blocks.len().max(1);
    let mut out = String::new();
    for (i, (heading, explanation)) in blocks.iter().enumerate() {
        let mut block = heading.clone();
        if !explanation.is_empty() && per_explanation >= 60 {
            block.push('\n');
            block.push_str(&truncate(explanation, per_explanation));
        }
        let remaining = blocks.len() - i;
        let tail =
            format!("\n\n… and {remaining} more missed question(s): `/review` goes over them.");
        if out.chars().count() + block.chars().count() + 2
            > budget.saturating_sub(tail.chars().count())
        {
            out.push_str(&tail);
            return out;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&block);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::live::Totals;
    use crate::render::measure::problems;

    fn standing(rank: usize, name: &str) -> Standing {
        Standing {
            rank,
            user: rank as u64,
            name: name.to_string(),
            totals: Totals {
                points: 10_000 - rank as u64,
                correct: 9,
                answered: 10,
                ..Totals::default()
            },
        }
    }

    #[test]
    fn results_for_five_thousand_players_with_long_names_fit() {
        let quiz = crate::quiz::Quiz {
            id: "q".into(),
            title: "T".repeat(200),
            description: String::new(),
            question_seconds: None,
            questions: vec![],
            tiers: vec![],
        };
        let standings: Vec<Standing> = (1..=5000)
            .map(|i| standing(i, &"*@everyone*".repeat(10)))
            .collect();
        let view = results(&ResultsInput {
            quiz: &quiz,
            session: 1,
            standings: &standings,
            scoring: Scoring::Speed,
            hardest: None,
            ended_early: None,
        });
        assert_eq!(problems(&view), Vec::<String>::new());
        let text = &view.embeds[0].description;
        assert!(text.contains("**5,000** players"), "{text}");
        assert_eq!(text.matches("pts").count(), 10, "the top ten only");
        assert!(!text.contains("@everyone"), "names are defused");
    }

    #[test]
    fn my_results_shortens_explanations_to_fit() {
        let q = |i: usize| crate::quiz::Question {
            number: i + 1,
            line: 1,
            prompt: "P".repeat(300),
            options: vec!["a".repeat(200), "b".repeat(200)],
            answer: 1,
            answers: Vec::new(),
            accepted: Vec::new(),
            exact: false,
            explanation: "E".repeat(3000),
            seconds: None,
            points: 1,
            pictures: Vec::new(),
            tags: Vec::new(),
            difficulty: None,
        };
        let quiz = crate::quiz::Quiz {
            id: "q".into(),
            title: "T".into(),
            description: String::new(),
            question_seconds: None,
            questions: (0..40).map(q).collect(),
            tiers: vec![],
        };
        let answers: Vec<MyAnswer> = (0..40)
            .map(|i| MyAnswer {
                question_index: i,
                choice: Some(0),
                typed: None,
                correct: false,
            })
            .collect();
        let view = my_results(&MyResultsInput {
            quiz: &quiz,
            scoring: Scoring::Speed,
            answers: &answers,
            points: 0,
            rank: None,
        });
        assert_eq!(problems(&view), Vec::<String>::new());
        assert!(view.embeds[0]
            .description
            .contains("more missed question(s)"));
    }
}
