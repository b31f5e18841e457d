//! Quiz files other people wrote, measured: the corpus beside this repository
//! (`../shared/realworld/`, 50 published quiz files with every answer as a person reads it) is
//! scored by its own scorer against this build's `quizbot check` and `show --json`. The test
//! fails if the reader gets fewer files or questions right than it did when this was written.
//! The corpus belongs to its authors and is never copied here; without it the test says so and
//! passes.

use std::path::Path;
use std::process::Command;

/// What the reader reached on 2026-12-03 (docs/quiz-format.md, "Files from the wild"): every
/// file fully right but the two that mark answers only by highlighting (refused on purpose).
const FILES_FULLY_CORRECT: usize = 48;
const QUESTIONS_CORRECT: usize = 9803;

#[test]
fn the_real_world_corpus_scores_no_worse_than_before() {
    let corpus = Path::new("../shared/realworld");
    let scorer = corpus.join("score.py");
    if !scorer.exists() {
        eprintln!("../shared/realworld is not here: the real-world corpus was not scored");
        return;
    }
    let out = Command::new("python3")
        .arg(&scorer)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_quizbot"))
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            eprintln!("python3 is not available ({e}): the real-world corpus was not scored");
            return;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let summary = text.lines().last().unwrap_or_default();
    // "41/50 files fully correct, 9294/9814 questions correct"
    let numbers: Vec<usize> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    let [files, _, questions, _] = numbers[..] else {
        panic!(
            "the scorer printed no summary:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    eprintln!("{summary}");
    assert!(
        files >= FILES_FULLY_CORRECT && questions >= QUESTIONS_CORRECT,
        "the reader got worse on real files: {summary} (was {FILES_FULLY_CORRECT} files, \
         {QUESTIONS_CORRECT} questions)\n{text}"
    );
}
