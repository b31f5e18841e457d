//! `quizbot convert` (docs/quiz-format.md, "Converting"): every format written as our Markdown
//! and TOML reads back as the same quiz — for each import fixture and for generated quizzes —
//! and the binary writes, refuses and warns as its users see it.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use quizbot::quiz::{self, write, Format, Question, Quiz, Tier};
use quizbot::render::preflight::DiscordFit;

fn read(path: &Path) -> Quiz {
    let c = quiz::check_file(path, &DiscordFit);
    c.quiz
        .clone()
        .unwrap_or_else(|| panic!("{}", c.render(&path.display().to_string(), 20)))
}

fn reread(text: &str, format: Format) -> Quiz {
    let c = quiz::check_bytes("converted", format, text.as_bytes(), &DiscordFit);
    c.quiz
        .clone()
        .unwrap_or_else(|| panic!("{}\n---\n{text}", c.render("converted", 20)))
}

/// What `show --json` gives, but for lines and the id: the same after a conversion.
fn assert_same(original: &Quiz, converted: &Quiz) {
    assert_eq!(write::same_quiz(original, converted), None);
    let json = |q: &Quiz| {
        let mut v = quiz::show::to_json(q, &[]);
        v.as_object_mut().unwrap().remove("id");
        for q in v["questions"].as_array_mut().unwrap() {
            q.as_object_mut().unwrap().remove("line");
        }
        v
    };
    assert_eq!(json(original), json(converted));
}

#[test]
fn every_import_fixture_converts_both_ways() {
    let mut seen = 0;
    for entry in std::fs::read_dir("tests/fixtures/imports").unwrap() {
        let path = entry.unwrap().path();
        let original = read(&path);
        assert_same(
            &original,
            &reread(&write::to_toml(&original).unwrap(), Format::Toml),
        );
        // Markdown has no time limits: the rest must survive.
        let mut untimed = original.clone();
        untimed.question_seconds = None;
        for q in &mut untimed.questions {
            q.seconds = None;
        }
        assert_same(
            &untimed,
            &reread(&write::to_markdown(&untimed), Format::Markdown),
        );
        seen += 1;
    }
    assert!(seen >= 6);
}

fn quizbot(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_quizbot"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_writes_warns_and_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("space.toml");
    let (ok, _, err) = quizbot(&[
        "convert",
        "tests/fixtures/imports/kahoot-space.csv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("space.toml: wrote 3 questions"), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let written = reread(&text, Format::Toml);
    assert_eq!(
        written.questions[0].seconds,
        Some(20),
        "TOML keeps the time limits"
    );
    assert_eq!(written.questions[1].answers, [0, 2]);

    // To Markdown on standard output: the time limits are said to be lost.
    let (ok, md, err) = quizbot(&["convert", "tests/fixtures/imports/kahoot-space.csv"]);
    assert!(ok, "{err}");
    assert!(md.starts_with("# Kahoot space\n"), "{md}");
    assert!(
        err.contains("warning: Markdown has no time limits"),
        "{err}"
    );

    // Cards with distractors: multiple choice, the same for the same file.
    let args = [
        "convert",
        "tests/fixtures/imports/quizlet-french.tsv",
        "--to",
        "toml",
        "--distractors",
        "3",
    ];
    let (ok, first, err) = quizbot(&args);
    assert!(ok, "{err}");
    let (_, second, _) = quizbot(&args);
    assert_eq!(first, second);
    let q = reread(&first, Format::Toml);
    assert!(q.questions.iter().all(|q| q.options.len() == 4));

    // Refused: a broken input (its errors are shown), the input as output, a wrong extension.
    let bad = dir.path().join("bad.gift");
    std::fs::write(&bad, "Q? {=a ~b\n").unwrap();
    let (ok, _, err) = quizbot(&["convert", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("bad.gift:1:4: error: this `{` opens the answers"),
        "{err}"
    );
    let (ok, _, err) = quizbot(&[
        "convert",
        out.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.contains("the output would overwrite the input"),
        "{err}"
    );
    let (ok, _, err) = quizbot(&[
        "convert",
        "tests/fixtures/imports/aiken-networks.txt",
        "--to",
        "toml",
        "-o",
        dir.path().join("x.md").to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("must be named .toml"), "{err}");
}

fn word() -> impl Strategy<Value = String> {
    "[A-Za-z][a-z]{0,7}"
}

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..max).prop_map(|w| w.join(" "))
}

/// Quizzes of every kind of question with plain-word texts: what any reader can produce.
fn generated_quiz() -> impl Strategy<Value = Quiz> {
    let question = (
        0u8..3,
        words(8),
        prop::collection::btree_set(words(4), 2..6),
        any::<prop::sample::Index>(),
        prop::option::of(words(10)),
        prop::option::of(5u32..300),
        0u32..4,
        prop::collection::vec("[a-z]{1,8}", 0..3),
        prop::option::of(prop::sample::select(vec!["easy", "medium", "hard"])),
    )
        .prop_map(
            |(kind, prompt, options, pick, explanation, seconds, points, tags, difficulty)| {
                let options: Vec<String> = options.into_iter().collect();
                let mut q = match kind {
                    0 => Question::choice(
                        format!("{prompt}?"),
                        options.clone(),
                        pick.index(options.len()),
                    ),
                    1 => {
                        let mut q = Question::choice(format!("{prompt}?"), options.clone(), 0);
                        q.answers = vec![0, options.len() - 1];
                        q
                    }
                    _ => Question::typed(format!("{prompt}?"), options[..2].to_vec()),
                };
                q.explanation = explanation.map(|e| format!("{e}.")).unwrap_or_default();
                q.seconds = seconds;
                q.points = points;
                let mut tags = tags;
                tags.sort();
                tags.dedup();
                q.tags = tags;
                q.difficulty = difficulty.map(str::to_string);
                q
            },
        );
    (
        words(5),
        prop::option::of(words(12)),
        prop::collection::vec(question, 1..8),
        any::<bool>(),
    )
        .prop_map(|(title, description, mut questions, tiers)| {
            for (i, q) in questions.iter_mut().enumerate() {
                q.number = i + 1;
            }
            let n = questions.len() as u32;
            Quiz {
                id: "generated".into(),
                title,
                description: description.map(|d| format!("{d}.")).unwrap_or_default(),
                question_seconds: None,
                tiers: if tiers {
                    vec![
                        Tier {
                            min: 0,
                            max: n / 2,
                            label: "Keep going".into(),
                        },
                        Tier {
                            min: n / 2 + 1,
                            max: n,
                            label: "Well done".into(),
                        },
                    ]
                } else {
                    Vec::new()
                },
                questions,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// A quiz written as TOML reads back as itself; as Markdown too, but for time limits.
    #[test]
    fn generated_quizzes_round_trip(quiz in generated_quiz()) {
        let toml = write::to_toml(&quiz).unwrap();
        let back = reread(&toml, Format::Toml);
        prop_assert_eq!(write::same_quiz(&quiz, &back), None, "{}", toml);
        let mut untimed = quiz.clone();
        for q in &mut untimed.questions {
            q.seconds = None;
        }
        let md = write::to_markdown(&untimed);
        let back = reread(&md, Format::Markdown);
        prop_assert_eq!(write::same_quiz(&untimed, &back), None, "{}", md);
    }
}
