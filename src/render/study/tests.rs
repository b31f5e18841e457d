//! What members see of study groups fits Discord and says what happened.

use super::*;
use crate::game::records::AssignmentResults;
use crate::game::records::Finisher;
use crate::game::run::{Progress, RunKind};
use crate::quiz::model::Tier;
use crate::quiz::{Pick, Question, Quiz};
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
                answers: Vec::new(),
                accepted: Vec::new(),
                exact: false,
                explanation: text("because ", 500),
                seconds: None,
                points: 1,
                pictures: Vec::new(),
                tags: Vec::new(),
                difficulty: None,
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
    p.answer(0, Pick::One(0), &q.questions[0], 0, None).unwrap();
    let v = run_feedback(&ctx(&q, RunKind::Practice), 0, 0, None, &p, None);
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
        p.answer(pos, Pick::One(1), &q.questions[pos], 0, None)
            .unwrap();
    }
    let v = run_feedback(
        &ctx(&q, RunKind::Assignment),
        2,
        1,
        None,
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
        p.answer(pos, Pick::One(0), &q.questions[pos], 0, None)
            .unwrap();
        let c = ctx(&q, RunKind::Review);
        assert_eq!(
            problems(&run_question(&c, pos, Some("note"))),
            Vec::<String>::new()
        );
        assert_eq!(
            problems(&run_feedback(&c, pos, 0, None, &p, None)),
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
