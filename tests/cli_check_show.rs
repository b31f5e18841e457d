//! `quizbot check` and `quizbot show` as a user runs them: the real binary, its output and its
//! exit code.

use std::process::{Command, Output};

fn quizbot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quizbot"))
        .args(args)
        .output()
        .expect("run quizbot")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn check_passes_on_the_bundled_quizzes() {
    let out = quizbot(&["check", "quizzes/"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("day-42-attention-mechanisms.md: ok: \"Day 42 Quiz: Attention Mechanisms Deep Dive\", 10 questions"), "{text}");
}

#[test]
fn check_prints_problems_compiler_style_and_exits_1() {
    let out = quizbot(&["check", "tests/fixtures/quiz/error-key-disagrees.md"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with(
            "tests/fixtures/quiz/error-key-disagrees.md:10:1: error: the answer key gives A for question 1, \
             but the question's answer at line 7 is B\n10 | 1. a\n   | ^\n 7 | **Answer:** b\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("checked 1 file: 0 valid, 1 with errors\n"),
        "{text}"
    );
}

#[test]
fn check_walks_folders_and_fails_if_any_file_fails() {
    let out = quizbot(&["check", "tests/fixtures/quiz"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("heading-dot.md: ok:"), "{text}");
    assert!(
        text.contains("error-no-answer.md:3:1: error: question 1 has no answer"),
        "{text}"
    );
    assert!(text.contains("networking.toml: ok:"), "{text}");
    assert!(text.contains("opentdb.json: ok:"), "{text}");
}

#[test]
fn check_warnings_alone_do_not_fail() {
    let out = quizbot(&["check", "tests/fixtures/quiz/warning-tier-gap.md"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(":22:1: warning: no scoring tier covers 2 correct"),
        "{text}"
    );
}

#[test]
fn check_of_a_missing_path_fails() {
    let out = quizbot(&["check", "no/such/quiz.md"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no/such/quiz.md: error: no such file or folder"));
}

#[test]
fn show_json_of_the_seed_matches_the_schema_and_the_file() {
    let out = quizbot(&["show", "quizzes/day-42-attention-mechanisms.md", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&json),
        ["description", "id", "questions", "tiers", "title"]
    );
    assert_eq!(json["id"], "day-42-attention-mechanisms");
    assert_eq!(json["title"], "Day 42 Quiz: Attention Mechanisms Deep Dive");
    let questions = json["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 10);
    assert_eq!(
        keys(&questions[0]),
        [
            "answer",
            "explanation",
            "line",
            "number",
            "options",
            "prompt",
            "seconds"
        ]
    );
    let answers: Vec<u64> = questions
        .iter()
        .map(|q| q["answer"].as_u64().unwrap())
        .collect();
    assert_eq!(answers, [1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
    assert_eq!(questions[0]["number"], 1);
    assert_eq!(questions[0]["line"], 8);
    assert_eq!(questions[0]["seconds"], serde_json::Value::Null);
    assert_eq!(questions[0]["options"].as_array().unwrap().len(), 4);
    // Every explanation in full: compare with the file's own text.
    let source = std::fs::read_to_string("quizzes/day-42-attention-mechanisms.md").unwrap();
    for q in questions {
        let explanation = q["explanation"].as_str().unwrap();
        assert!(explanation.len() > 200, "{explanation}");
        assert!(
            source.contains(&format!("**Explanation:** {explanation}\n")),
            "{explanation}"
        );
    }
    let tiers: Vec<(u64, u64, &str)> = json["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["min"].as_u64().unwrap(),
                t["max"].as_u64().unwrap(),
                t["label"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tiers,
        [
            (9, 10, "Excellent understanding of attention mechanisms"),
            (7, 8, "Good grasp with minor gaps"),
            (5, 6, "Basic understanding, review key concepts"),
            (0, 4, "Revisit the material and practice implementations"),
        ]
    );
}

#[test]
fn show_of_an_invalid_quiz_prints_its_errors_and_exits_1() {
    let out = quizbot(&["show", "tests/fixtures/quiz/error-no-answer.md", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(":3:1: error: question 1 has no answer"));
}
