//! A live question and its reveal (README.md, "A live question").

use super::custom_id::CustomId;
use super::images;
use super::limits::{LABEL, MODAL_TITLE, SELECT_OPTION_LABEL};
use super::text::{display_name, lettered_option, plain, player_text, thousands, truncate};
use super::view::{
    color, ButtonStyle, ButtonView, EmbedView, FileView, Files, MessageView, ModalView, SelectView,
};
use crate::quiz::images as quiz_images;
use crate::quiz::model::{letter, Question, MAX_ACCEPTED_CHARS};

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
    /// How many got it right: on a multi-select question, picked exactly the whole set.
    pub correct: u64,
    /// A typed-answer question's most common wrong answers, as typed, with their counts.
    pub wrong: Vec<(String, u64)>,
}

pub fn question(card: &Card<'_>) -> MessageView {
    let mut description = body(card.question, None);
    if card.question.is_multi() {
        description.push_str("\n\n");
        description.push_str(&how_many(card.question));
    }
    if card.question.is_typed() {
        description.push('\n');
        description.push_str(TYPE_IT);
    }
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
    .with_files(Files::Set(attachments(card.question, false)))
    .with_answers(card, false)
}

impl MessageView {
    /// The question's way to answer: letter buttons, or the menu of a multi-select question.
    fn with_answers(mut self, card: &Card<'_>, revealed: bool) -> MessageView {
        let q = card.question;
        if q.is_typed() {
            let id = CustomId::Type {
                session: card.session,
                question: card.position as u32 - 1,
            };
            return self.with_buttons(vec![answer_button(id.to_string(), revealed)]);
        }
        if !q.is_multi() {
            return self.with_buttons(buttons(card, revealed.then_some(q.answer)));
        }
        let id = CustomId::Pick {
            session: card.session,
            question: card.position as u32 - 1,
        };
        self.select = Some(pick_menu(q, id.to_string(), revealed));
        self
    }
}

/// The one button of a typed-answer question: it opens the box to type in.
pub(crate) fn answer_button(custom_id: String, revealed: bool) -> ButtonView {
    ButtonView {
        custom_id,
        label: "✍️ Answer".into(),
        style: if revealed {
            ButtonStyle::Secondary
        } else {
            ButtonStyle::Primary
        },
        disabled: revealed,
    }
}

/// The box a typed answer is written in, titled with the question's place.
pub fn answer_modal(custom_id: String, title: &str) -> ModalView {
    ModalView {
        custom_id,
        title: truncate(title, MODAL_TITLE),
        label: "Your answer".into(),
        placeholder: "Type it as you would say it".into(),
        max_length: MAX_ACCEPTED_CHARS as u16,
    }
}

/// How a typed-answer question asks for its answer.
pub(crate) const TYPE_IT: &str = "✍️ Press **Answer** and type your answer.";

/// The accepted answers of a typed-answer question, the first in bold.
pub(crate) fn accepted_text(q: &Question) -> String {
    let mut out = format!("**{}**", truncate(&q.accepted[0], 300));
    if q.accepted.len() > 1 {
        let others: Vec<String> = q.accepted[1..].iter().map(|a| truncate(a, 100)).collect();
        out.push_str(&format!("\nAlso accepted: {}", others.join(" · ")));
    }
    out
}

/// "Pick 2 options in the menu below", or every correct one when the author left the number
/// open.
pub(crate) fn how_many(q: &Question) -> String {
    match q.stated_pick_count() {
        Some(n) => format!("☑️ Pick **{n}** options in the menu below."),
        None => "☑️ Pick every correct option in the menu below (one or more).".to_string(),
    }
}

/// The menu of a multi-select question: one entry per option, all labelled alike; after the
/// reveal it stays, disabled, naming the answer.
pub(crate) fn pick_menu(q: &Question, custom_id: String, revealed: bool) -> SelectView {
    let n = q.options.len() as u8;
    let (min, max) = match q.stated_pick_count() {
        Some(k) => (k as u8, k as u8),
        None => (1, n),
    };
    SelectView {
        custom_id,
        placeholder: if revealed {
            format!("✅ Answer: {}", q.correct_pick().letters())
        } else {
            match q.stated_pick_count() {
                Some(k) => format!("Pick {k}"),
                None => "Pick every correct option".to_string(),
            }
        },
        options: q
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let label = format!("{}. {}", letter(i), plain(&images::named(o)));
                (truncate(&label, SELECT_OPTION_LABEL), i.to_string())
            })
            .collect(),
        min_values: min,
        max_values: max,
        disabled: revealed,
    }
}

pub fn reveal(card: &Card<'_>, stats: &RevealStats) -> MessageView {
    let q = card.question;
    let correct = q.correct_indexes();
    let mut description = body(q, Some(&correct));
    description.push_str(&format!(
        "\n\nClosed · **{}** answered",
        thousands(card.answered)
    ));
    let mut answer = if q.is_typed() {
        accepted_text(q)
    } else {
        chosen(q, &correct, usize::MAX)
    };
    if !q.explanation.is_empty() {
        answer.push_str("\n\n");
        answer.push_str(&images::pictures(&q.explanation).0);
    }
    answer.push_str("\n\n");
    // A multi-select's counts add up to more than the players: each share is of the players.
    let whole = if q.is_multi() {
        card.answered
    } else {
        stats.counts.iter().sum()
    };
    if q.is_typed() {
        answer.push_str(&format!(
            "🎯 **{}** of {} typed it right.",
            thousands(stats.correct),
            thousands(card.answered)
        ));
        if !stats.wrong.is_empty() {
            let wrong: Vec<String> = stats
                .wrong
                .iter()
                .map(|(text, n)| format!("“{}” ×{}", player_text(text, 60), thousands(*n)))
                .collect();
            answer.push_str(&format!(
                "\nMost common wrong answers: {}",
                wrong.join(" · ")
            ));
        }
    } else {
        answer.push_str(&distribution(&stats.counts, &correct, whole));
    }
    if q.is_multi() {
        answer.push_str(&format!(
            "\n🎯 **{}** of {} picked exactly {}.",
            thousands(stats.correct),
            thousands(card.answered),
            q.correct_pick().letters()
        ));
    }
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
                title: if q.is_typed() {
                    format!("✅ Answer: {}", truncate(&q.accepted[0], 200))
                } else {
                    format!("✅ Answer: {}", q.correct_pick().letters())
                },
                description: answer,
                color: Some(color::REVEAL),
                ..EmbedView::default()
            },
        ],
        rows: Vec::new(),
        select: None,
        // The question's files are on the message already; an explanation's picture needs
        // them all sent again, as an edit's files replace the message's.
        files: if explanation_adds_files(q) {
            Files::Set(attachments(q, true))
        } else {
            Files::Keep
        },
    }
    .with_answers(card, true)
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

/// These options of `q`, lettered, one per line (a bare letter when the option's text is
/// longer than `width`); images in them become links.
pub(crate) fn chosen(q: &Question, indexes: &[usize], width: usize) -> String {
    indexes
        .iter()
        .filter_map(|&i| {
            let text = images::pictures(q.options.get(i)?).0;
            let text = if text.chars().count() > width {
                truncate(&text, width)
            } else {
                text
            };
            Some(lettered_option(&format!("**{}.**", letter(i)), &text))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The prompt and every option in full; on a reveal the correct options are marked.
pub(crate) fn body(q: &Question, correct: Option<&[usize]>) -> String {
    let mut out = String::with_capacity(q.prompt.len() + 64 * q.options.len());
    out.push_str(&images::pictures(&q.prompt).0);
    out.push('\n');
    for (i, option) in q.options.iter().enumerate() {
        let mark = match correct {
            Some(c) if c.contains(&i) => "✅ ",
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

/// The picture a question's messages show: the first image of its prompt, else of its
/// options — a web image by its URL, an image file by its attachment (the others stay links or
/// names in the text, and files go with the message; see [`images`]).
pub(crate) fn picture(q: &Question) -> Option<String> {
    std::iter::once(&q.prompt)
        .chain(&q.options)
        .flat_map(|t| quiz_images::refs(t))
        .find_map(|r| match quiz_images::place(r.target) {
            quiz_images::Place::Web => Some(r.target.to_string()),
            quiz_images::Place::File(path) => q
                .pictures
                .iter()
                .find(|p| p.path == path)
                .map(|p| format!("attachment://{}", p.filename)),
            quiz_images::Place::Refused(_) => None,
        })
}

/// The image files of a question's prompt and options, and with `explanation` of its
/// explanation too, each once, to attach to its message.
pub(crate) fn attachments(q: &Question, explanation: bool) -> Vec<FileView> {
    let texts = std::iter::once(&q.prompt)
        .chain(&q.options)
        .chain(explanation.then_some(&q.explanation));
    let mut files: Vec<FileView> = Vec::new();
    for r in texts.flat_map(|t| quiz_images::refs(t)) {
        let quiz_images::Place::File(path) = quiz_images::place(r.target) else {
            continue;
        };
        if let Some(p) = q.pictures.iter().find(|p| p.path == path) {
            if !files.iter().any(|f| f.filename == p.filename) {
                files.push(FileView {
                    filename: p.filename.clone(),
                    hash: p.hash.clone(),
                    size: p.size,
                });
            }
        }
    }
    files
}

/// Does the explanation show an image file the question itself does not?
pub(crate) fn explanation_adds_files(q: &Question) -> bool {
    attachments(q, true).len() > attachments(q, false).len()
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

/// One line per option in option order: `B ██████░░░░    12  60% ✓`, in a code block so the
/// bars line up; each share is of `total` (the players, for a multi-select question).
pub fn distribution(counts: &[u64], correct: &[usize], total: u64) -> String {
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
        let mark = if correct.contains(&i) { " ✓" } else { "" };
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
            answers: Vec::new(),
            accepted: Vec::new(),
            exact: false,
            explanation: "IP is layer 3.".into(),
            seconds: None,
            points: 1,
            pictures: Vec::new(),
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
            correct: 3,
            wrong: Vec::new(),
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
    fn a_multi_select_gets_a_private_menu_and_a_reveal_of_the_whole_set() {
        let mut q = sample();
        q.prompt = "Which are transport protocols? (Choose 2)".into();
        q.options = vec!["TCP".into(), "IP".into(), "UDP".into(), "ARP".into()];
        q.answer = 0;
        q.answers = vec![0, 2];
        let view = question(&card(&q));
        assert_eq!(view.buttons().count(), 0, "no shared toggles");
        let menu = view.select.as_ref().unwrap();
        assert_eq!(menu.custom_id, "m:7:1");
        assert_eq!(
            (menu.min_values, menu.max_values),
            (2, 2),
            "the author said 2"
        );
        assert_eq!(menu.options[2], ("C. UDP".to_string(), "2".to_string()));
        assert!(view.embeds[0].description.contains("Pick **2** options"));
        assert!(problems(&view).is_empty());

        q.prompt = "Which are transport protocols? Select all that apply.".into();
        let open = question(&card(&q));
        let menu = open.select.as_ref().unwrap();
        assert_eq!((menu.min_values, menu.max_values), (1, 4));

        let stats = RevealStats {
            counts: vec![8, 1, 6, 0],
            fastest: Some(("ann".into(), 900)),
            correct: 5,
            wrong: Vec::new(),
        };
        let mut c = card(&q);
        c.answered = 10;
        let shown = reveal(&c, &stats);
        assert_eq!(shown.embeds[1].title, "✅ Answer: A, C");
        let answer = &shown.embeds[1].description;
        assert!(answer.contains("**A.** TCP\n**C.** UDP"), "{answer}");
        assert!(answer.contains("A ████████░░ 8  80% ✓"), "{answer}");
        assert!(answer.contains("C ██████░░░░ 6  60% ✓"), "{answer}");
        assert!(
            answer.contains("🎯 **5** of 10 picked exactly A, C."),
            "{answer}"
        );
        let menu = shown.select.as_ref().unwrap();
        assert!(menu.disabled);
        assert_eq!(menu.placeholder, "✅ Answer: A, C");
        assert!(problems(&shown).is_empty());
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
