//! The "fits in Discord" preflight `quizbot check` and every upload run: each question and its
//! reveal rendered exactly as the bot will, with the largest numbers and names a quiz night can
//! produce, and measured against Discord's limits. It implements the quiz layer's
//! [`Fit`], so `quiz/` reads and checks files without knowing Discord.

use super::limits::{self, chars};
use super::measure;
use super::question::{self as card, Card, RevealStats};
use super::text::NAME_CHARS;
use crate::quiz::fit::{Fit, Problems};
use crate::quiz::model::Question;

/// Discord's limits, as the bot's messages meet them.
pub struct DiscordFit;

impl Fit for DiscordFit {
    fn problems(&self, quiz_title: &str, q: &Question, total: usize) -> Problems {
        let card = Card {
            quiz_title,
            question: q,
            position: total.max(1),
            total: total.max(1),
            session: i64::MAX,
            closes_at: 9_999_999_999,
            answered: 99_999_999,
        };
        let stats = RevealStats {
            counts: vec![99_999_999; q.options.len()],
            fastest: Some(("*".repeat(NAME_CHARS), 999_999)),
            correct: 99_999_999,
            wrong: vec![("w".repeat(100), 99_999_999); 3],
        };
        Problems {
            question: measure::problems(&card::question(&card)),
            reveal: measure::problems(&card::reveal(&card, &stats)),
        }
    }

    fn surely_fits(&self, q: &Question) -> bool {
        surely_fits(q)
    }
}

/// Whether a question fits every message it appears in, by a bound on their lengths that
/// over-counts everything the renderer adds (marks, letters, the countdown line, the answer
/// counts, the longest player name, titles and footers). Rendering 50,000 questions twice
/// takes longer than reading their file; only questions near a limit are rendered.
fn surely_fits(q: &Question) -> bool {
    let options: usize = q.options.iter().map(|o| chars(o) + 16).sum();
    let n = q.options.len();
    let body = chars(&q.prompt) + options + 100;
    let correct = q.options.get(q.answer).map_or(0, |o| chars(o));
    let answer_embed = correct + chars(&q.explanation) + 50 * n + 160;
    // Titles ("Question 12 of 3,400", "✅ Answer: B") and the footer (the quiz title, cut to 200).
    let around = 60 + 200;
    body <= limits::DESCRIPTION
        && answer_embed <= limits::DESCRIPTION
        && body + answer_embed + around <= limits::EMBED_TOTAL
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::model::Question;

    const MAX_TITLE: usize = 200;

    /// The bound that spares rendering must never let through a question that does not fit:
    /// lengths swept across every limit, each question the bound passes is rendered.
    #[test]
    fn the_bound_never_passes_a_question_that_does_not_fit() {
        let mut passed = 0;
        for options in [2usize, 4, 10] {
            for prompt in (0..4200).step_by(150) {
                for option in [1usize, 40, 300] {
                    for explanation in (0..4200).step_by(300) {
                        let q = Question {
                            number: 1,
                            line: 1,
                            prompt: "é".repeat(prompt),
                            options: (0..options)
                                .map(|i| format!("{i}{}", "o".repeat(option)))
                                .collect(),
                            answer: options - 1,
                            answers: Vec::new(),
                            accepted: Vec::new(),
                            exact: false,
                            explanation: "x".repeat(explanation),
                            seconds: None,
                            points: 1,
                            pictures: Vec::new(),
                            tags: Vec::new(),
                            difficulty: None,
                        };
                        if !surely_fits(&q) {
                            continue;
                        }
                        passed += 1;
                        let title = "t".repeat(MAX_TITLE);
                        let card = Card {
                            quiz_title: &title,
                            question: &q,
                            position: 99_999,
                            total: 99_999,
                            session: i64::MAX,
                            closes_at: 9_999_999_999,
                            answered: 99_999_999,
                        };
                        let stats = RevealStats {
                            counts: vec![99_999_999; options],
                            fastest: Some(("*".repeat(NAME_CHARS), 999_999)),
                            correct: 99_999_999,
                            wrong: vec![("w".repeat(100), 99_999_999); 3],
                        };
                        assert!(measure::problems(&card::question(&card)).is_empty());
                        assert!(
                            measure::problems(&card::reveal(&card, &stats)).is_empty(),
                            "prompt {prompt}, {options} options of {option}, explanation {explanation}"
                        );
                    }
                }
            }
        }
        assert!(
            passed > 1000,
            "the bound passes most ordinary questions ({passed})"
        );
    }
}
