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
            "difficulty",
            "explanation",
            "kind",
            "line",
            "number",
            "options",
            "points",
            "prompt",
            "seconds",
            "tags"
        ]
    );
    let answers: Vec<u64> = questions
        .iter()
        .map(|q| q["answer"].as_u64().unwrap())
        .collect();
    assert_eq!(answers, [1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
    assert_eq!(questions[0]["number"], 1);
    assert_eq!(questions[0]["kind"], "choice");
    assert_eq!(questions[0]["line"], 8);
    assert_eq!(questions[0]["seconds"], serde_json::Value::Null);
    assert_eq!(questions[0]["points"], 1);
    assert_eq!(questions[0]["tags"], serde_json::json!([]));
    assert_eq!(questions[0]["difficulty"], serde_json::Value::Null);
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

#[test]
fn check_lists_what_a_folder_holds_that_is_no_quiz() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/quiz/heading-dot.md",
        dir.path().join("a.md"),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a quiz").unwrap();
    std::fs::write(dir.path().join("trivia.yaml"), "AUTHOR: x").unwrap();
    // A .txt that reads as a quiz (Aiken) is one; notes beside it are not.
    std::fs::copy(
        "tests/fixtures/imports/aiken-networks.txt",
        dir.path().join("networks.txt"),
    )
    .unwrap();
    let out = quizbot(&["check", dir.path().to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("notes.txt: skipped: not a quiz (.md, .toml, .json, .yaml, .gift, .txt, .csv, .tsv or .xlsx)"),
        "{text}"
    );
    assert!(text.contains("trivia.yaml: skipped"), "{text}");
    assert!(
        text.contains("networks.txt: ok: \"Networks\", 3 questions"),
        "{text}"
    );
    assert!(text.contains("checked 2 files: 2 valid"), "{text}");
}

#[test]
fn check_fails_on_a_folder_without_quizzes_and_on_a_named_file_of_another_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a quiz").unwrap();
    let out = quizbot(&["check", dir.path().to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error: no quiz files in this folder"),
        "{text}"
    );

    let named = dir.path().join("notes.rtf");
    std::fs::write(&named, "not a quiz").unwrap();
    let out = quizbot(&["check", named.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error: not a quiz format quizbot reads"),
        "{text}"
    );
}

#[test]
fn check_prints_errors_first_and_never_caps_them_away() {
    // 150 questions with a warning each (a number out of sequence), then one error at the end.
    let mut text = String::from("# Many warnings\n\n");
    for i in 1..=150 {
        text.push_str(&format!(
            "### {}. Q{i}?\n- a) x\n- b) y\n\n**Answer:** a\n\n",
            i * 2
        ));
    }
    text.push_str("### 999. Last?\n- a) x\n- b) y\n\n**Answer:** d\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.md");
    std::fs::write(&path, text).unwrap();
    let out = quizbot(&["check", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("error: question 999: the answer is D, but there is no option D"),
        "{first}"
    );
    assert!(
        text.contains("… and 51 more warnings"),
        "the warnings are capped, the error is not: {text}"
    );
}

#[test]
fn show_lists_questions_left_out_in_their_place() {
    let out = quizbot(&["show", "tests/fixtures/wild/left-out.md", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let questions = json["questions"].as_array().unwrap();
    let summary: Vec<(serde_json::Value, &str, serde_json::Value)> = questions
        .iter()
        .map(|q| {
            (
                q["number"].clone(),
                q["kind"].as_str().unwrap(),
                q.get("left_out").cloned().unwrap_or_default(),
            )
        })
        .collect();
    use serde_json::json;
    assert_eq!(
        summary,
        [
            (json!(1), "choice", json!(null)),
            (json!(2), "multi", json!(null)),
            (json!(null), "choice", json!("option count")),
            (json!(null), "choice", json!("no answer")),
            (json!(3), "choice", json!(null)),
            (json!(4), "multi", json!(null)),
        ]
    );
    assert_eq!(questions[1]["answers"], json!([0, 1]));
    assert!(
        questions[1].get("answer").is_none(),
        "a multi question has `answers`"
    );
    assert_eq!(questions[3]["answer"], json!(null));
}

/// The quizzes the reader accepted before it was rebuilt on CommonMark read exactly as they
/// did: `tests/golden/` holds what `show --json` printed for the seed and every fixture (the
/// old reader's output, with the `kind`, `points`, `tags` and `difficulty` fields `show` gives
/// every question since; in
/// `mentions.md` the mentions now carry the zero-width space that keeps them text, see
/// `quiz::inert`).
#[test]
fn every_quiz_read_before_reads_the_same() {
    let mut compared = 0;
    for entry in std::fs::read_dir("tests/golden").unwrap() {
        let golden = entry.unwrap().path();
        let name = golden.file_stem().unwrap().to_str().unwrap().to_string();
        let source = [
            "quizzes",
            "tests/fixtures/quiz",
            "tests/fixtures/live",
            "tests/fixtures/study",
        ]
        .iter()
        .map(|dir| std::path::Path::new(dir).join(&name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no source for {name}"));
        let out = quizbot(&["show", source.to_str().unwrap(), "--json"]);
        let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&golden).unwrap()).unwrap();
        assert_eq!(got, want, "{}", source.display());
        compared += 1;
    }
    assert_eq!(compared, 25);
}
