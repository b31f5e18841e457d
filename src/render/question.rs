//! A live question and its reveal (README.md, "A live question").

use super::custom_id::CustomId;
use super::images;
use super::limits::LABEL;
use super::text::{display_name, lettered_option, plain, thousands, truncate};
use super::view::{color, ButtonStyle, ButtonView, EmbedView, MessageView};
use crate::quiz::model::{letter, Question};

/// What a question message shows besides the question itself.
#[derive(Debug, Clone, Copy)]
pub struct Card<'a> {
    pub quiz_title: &'a str,
    pub question: &'a Question,
    /// 1-based position in the session, and the session's number of questions.
    pub position: usize,
    pub total: usize,
    pub session: i64,
    /// Unix seconds; Discord renders `<t:…:R>` as a live countdown in every client.
    pub closes_at: i64,
    pub answered: u64,
}

/// How the players answered one question.
#[derive(Debug, Clone, Default)]
pub struct RevealStats {
    /// Answers per option, in option order.
    pub counts: Vec<u64>,
    /// The fastest correct player's name (as Discord gave it) and answer time in milliseconds.
    pub fastest: Option<(String, u64)>,
}

pub fn question(card: &Card<'_>) -> MessageView {
    let mut description = body(card.question, None);
    description.push_str(&format!(
        "\n\n⏱ Closes <t:{}:R> · **{}** answered",
        card.closes_at,
        thousands(card.answered)
    ));
    MessageView::embed(EmbedView {
        title: title(card),
        description,
        footer: truncate(card.quiz_title, 200),
        color: Some(color::QUESTION),
        image: picture(card.question),
        ..EmbedView::default()
    })
    .with_buttons(buttons(card, None))
}

pub fn reveal(card: &Card<'_>, stats: &RevealStats) -> MessageView {
    let q = card.question;
    let mut description = body(q, Some(q.answer));
    description.push_str(&format!(
        "\n\nClosed · **{}** answered",
        thousands(card.answered)
    ));
    let mut answer = lettered_option(
        &format!("**{}.**", letter(q.answer)),
        &images::pictures(q.correct_option()).0,
    );
    if !q.explanation.is_empty() {
        answer.push_str("\n\n");
        answer.push_str(&images::pictures(&q.explanation).0);
    }
    answer.push_str("\n\n");
    answer.push_str(&distribution(&stats.counts, q.answer));
    match &stats.fastest {
        Some((name, millis)) => answer.push_str(&format!(
            "\n⚡ Fastest correct: **{}** ({:.1} s)",
            display_name(name),
            *millis as f64 / 1000.0
        )),
        None => answer.push_str("\nNobody got this one right."),
    }
    MessageView {
        content: String::new(),
        embeds: vec![
            EmbedView {
                title: title(card),
                description,
                footer: truncate(card.quiz_title, 200),
                color: Some(color::REVEAL),
                image: picture(q),
                ..EmbedView::default()
            },
            EmbedView {
                title: format!("✅ Answer: {}", letter(q.answer)),
                description: answer,
                color: Some(color::REVEAL),
                ..EmbedView::default()
            },
        ],
        rows: Vec::new(),
    }
    .with_buttons(buttons(card, Some(q.answer)))
}

fn title(card: &Card<'_>) -> String {
    let worth = match card.question.points {
        1 => String::new(),
        0 => " · Warm-up (no points)".to_string(),
        2 => " · ⭐ Double points".to_string(),
        n => format!(" · ⭐ ×{n} points"),
    };
    format!("Question {} of {}{worth}", card.position, card.total)
}

/// The prompt and every option in full; on a reveal the correct option is marked.
pub(crate) fn body(q: &Question, correct: Option<usize>) -> String {
    let mut out = String::with_capacity(q.prompt.len() + 64 * q.options.len());
    out.push_str(&images::pictures(&q.prompt).0);
    out.push('\n');
    for (i, option) in q.options.iter().enumerate() {
        let mark = match correct {
            Some(c) if c == i => "✅ ",
            Some(_) => "▫️ ",
            None => "",
        };
        out.push('\n');
        out.push_str(&lettered_option(
            &format!("{mark}**{}.**", letter(i)),
            &images::pictures(option).0,
        ));
    }
    out
}

/// The picture a question's messages show: the first web image of its prompt, else of its
/// options (the others stay links in the text; see [`images`]).
pub(crate) fn picture(q: &Question) -> Option<String> {
    std::iter::once(&q.prompt)
        .chain(&q.options)
        .find_map(|t| images::pictures(t).1.into_iter().next())
}

/// Letter buttons; on a reveal all disabled with the correct one green.
fn buttons(card: &Card<'_>, correct: Option<usize>) -> Vec<ButtonView> {
    let q = card.question;
    option_labels(&q.options)
        .into_iter()
        .enumerate()
        .map(|(i, label)| ButtonView {
            custom_id: CustomId::Answer {
                session: card.session,
                question: card.position as u32 - 1,
                choice: i as u8,
            }
            .to_string(),
            label,
            style: match correct {
                Some(c) if c == i => ButtonStyle::Success,
                Some(_) => ButtonStyle::Secondary,
                None => ButtonStyle::Primary,
            },
            disabled: correct.is_some(),
        })
        .collect()
}

/// The labels of a question's buttons, all alike: "A · text" each when every option fits in
/// a label, else the letters alone. A button that stood out by its bare letter would give the
/// answer away: correct options tend to be the longest (in the seed quiz, four questions had
/// one bare letter, and it was the right answer each time). An option that holds a block
/// (code, a list) is shown in the message, so its question's buttons carry the letters.
pub fn option_labels(options: &[String]) -> Vec<String> {
    let full: Vec<String> = options
        .iter()
        .enumerate()
        .map(|(i, option)| format!("{} · {}", letter(i), plain(&images::named(option))))
        .collect();
    let all_fit = options
        .iter()
        .zip(&full)
        .all(|(option, label)| label.chars().count() <= LABEL && !option.contains('\n'));
    if all_fit {
        full
    } else {
        (0..options.len()).map(|i| letter(i).to_string()).collect()
    }
}

/// One line per option in option order: `B ██████░░░░    12  60% ✅`, in a code block so the
/// bars line up.
pub fn distribution(counts: &[u64], correct: usize) -> String {
    let total: u64 = counts.iter().sum();
    let width = counts
        .iter()
        .map(|c| thousands(*c).len())
        .max()
        .unwrap_or(1);
    let mut out = String::from("```\n");
    for (i, &count) in counts.iter().enumerate() {
        let pct = (count * 100 + total / 2).checked_div(total).unwrap_or(0);
        let filled = ((pct + 5) / 10) as usize;
        let bar: String = "█".repeat(filled.min(10)) + &"░".repeat(10 - filled.min(10));
        let mark = if i == correct { " ✓" } else { "" };
        out.push_str(&format!(
            "{} {bar} {:>width$} {pct:>3}%{mark}\n",
            letter(i),
            thousands(count)
        ));
    }
    out.push_str("```");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::measure::problems;

    fn sample() -> Question {
        Question {
            number: 1,
            line: 1,
            prompt: "Which layer does **IP** belong to?".into(),
            options: vec!["Link".into(), "Network".into(), "Transport".into()],
            answer: 1,
            explanation: "IP is layer 3.".into(),
            seconds: None,
            points: 1,
            tags: Vec::new(),
            difficulty: None,
        }
    }

    fn card(q: &Question) -> Card<'_> {
        Card {
            quiz_title: "Networking",
            question: q,
            position: 2,
            total: 5,
            session: 7,
            closes_at: 1_700_000_000,
            answered: 1234,
        }
    }

    #[test]
    fn question_shows_every_option_a_countdown_and_letter_buttons() {
        let q = sample();
        let view = question(&card(&q));
        let e = &view.embeds[0];
        assert_eq!(e.title, "Question 2 of 5");
        assert!(e.description.contains("**B.** Network"));
        assert!(e.description.contains("<t:1700000000:R>"));
        assert!(e.description.contains("**1,234** answered"));
        let labels: Vec<_> = view.buttons().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["A · Link", "B · Network", "C · Transport"]);
        assert_eq!(view.buttons().next().unwrap().custom_id, "q:7:1:0");
        assert!(problems(&view).is_empty());
    }

    #[test]
    fn reveal_disables_buttons_marks_the_answer_and_shows_the_distribution() {
        let q = sample();
        let stats = RevealStats {
            counts: vec![1, 3, 0],
            fastest: Some(("ann".into(), 1500)),
        };
        let view = reveal(&card(&q), &stats);
        assert!(view.buttons().all(|b| b.disabled));
        let styles: Vec<_> = view.buttons().map(|b| b.style).collect();
        assert_eq!(
            styles,
            [
                ButtonStyle::Secondary,
                ButtonStyle::Success,
                ButtonStyle::Secondary
            ]
        );
        let answer = &view.embeds[1].description;
        assert!(answer.contains("**B.** Network"), "{answer}");
        assert!(answer.contains("IP is layer 3."), "{answer}");
        assert!(answer.contains("A ███░░░░░░░ 1  25%\n"), "{answer}");
        assert!(answer.contains("B ████████░░ 3  75% ✓"), "{answer}");
        assert!(
            answer.contains("Fastest correct: **ann** (1.5 s)"),
            "{answer}"
        );
    }

    #[test]
    fn one_long_option_makes_every_button_a_bare_letter() {
        let options = vec![
            "short".to_string(),
            "x".repeat(100),
            "also short".to_string(),
        ];
        assert_eq!(option_labels(&options), ["A", "B", "C"]);
        let options = vec!["short".to_string(), "fine".to_string()];
        assert_eq!(option_labels(&options), ["A · short", "B · fine"]);
        let options = vec!["short".to_string(), "```\ncode\n```".to_string()];
        assert_eq!(option_labels(&options), ["A", "B"]);
    }
}
