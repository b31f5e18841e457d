//! How long `check` takes on 1 MiB and 10 MiB inputs, typical and hostile, and on the largest
//! files of the real-world corpus when it is beside the repository (`../shared/realworld`).
//! The ratio column shows the reader is linear: ten times the input, about ten times the time.
//! Prints a table; run with `cargo bench --bench check_speed`. (Not a test: timings on a
//! shared machine are noisy.)

use std::time::{Duration, Instant};

use quizbot::quiz::{self, Format};

const MIB: usize = 1024 * 1024;

/// Repeats `unit(i)` until the text is just under `size` bytes (less 200 for a header and a
/// footer around it).
fn fill(size: usize, mut unit: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(size);
    let mut i = 1;
    loop {
        let next = unit(i);
        if out.len() + next.len() > size - 200 {
            return out;
        }
        out.push_str(&next);
        i += 1;
    }
}

type Make = Box<dyn Fn(usize) -> String>;

fn inputs(seed: String) -> Vec<(&'static str, Format, Make)> {
    let one_question = seed
        .split("\n---\n")
        .nth(1)
        .expect("the seed has questions")
        .to_string();
    vec![
        (
            "seed-style questions",
            Format::Markdown,
            Box::new(move |size| {
                format!(
                    "# Big\n{}",
                    fill(size, |i| one_question.replacen(
                        "### 1.",
                        &format!("### {i}."),
                        1
                    ) + "\n---\n")
                )
            }),
        ),
        (
            "task boxes, code, references",
            Format::Markdown,
            Box::new(|size| {
                fill(size, |i| {
                    format!(
                        "#### Q{i}. What does this print?\n\n```sh\necho {i}\n```\n\n- [ ] .\n\n```\n0\n```\n\n- [x] {i}\n- [ ] `x`\n\n[reference](https://example.org/{i})\n\n"
                    )
                })
            }),
        ),
        (
            "numbered items, nested options",
            Format::Markdown,
            Box::new(|size| {
                fill(size, |i| {
                    format!("{i}. Which?\n   - A) one\n   - B) two\n   <details>\n   <summary>Answer</summary>\n   two\n   </details>\n\n")
                })
            }),
        ),
        (
            "one line",
            Format::Markdown,
            Box::new(|size| "*".repeat(size - 1)),
        ),
        (
            "nested quotes",
            Format::Markdown,
            Box::new(|size| fill(size, |_| ">".repeat(200) + " text\n")),
        ),
        (
            "nested lists",
            Format::Markdown,
            Box::new(|size| fill(size, |i| format!("{}- [ ] x\n", "  ".repeat(i % 300)))),
        ),
        (
            "headings only",
            Format::Markdown,
            Box::new(|size| fill(size, |i| format!("### {i}.\n"))),
        ),
        (
            "unnumbered headings, bold lines",
            Format::Markdown,
            Box::new(|size| fill(size, |i| format!("### Why {i}?\n**Q{i}.** and?\n"))),
        ),
        (
            "one paragraph of labels",
            Format::Markdown,
            Box::new(|size| fill(size, |i| format!("**Question {i}:** which?\n"))),
        ),
        (
            "options only",
            Format::Markdown,
            Box::new(|size| fill(size, |_| "- a) x\n".to_string())),
        ),
        (
            "open code fence",
            Format::Markdown,
            Box::new(|size| format!("```\n{}", fill(size, |i| format!("### {i}. in code\n")))),
        ),
        (
            "unclosed details tags",
            Format::Markdown,
            Box::new(|size| "<details".repeat(size / 8 - 1)),
        ),
        (
            "one table",
            Format::Markdown,
            Box::new(|size| {
                format!(
                    "| a | b |\n|---|---|\n{}",
                    fill(size, |i| format!("| {i} | x |\n"))
                )
            }),
        ),
        (
            "TOML questions",
            Format::Toml,
            Box::new(|size| {
                format!(
                    "title = \"Big\"\n{}",
                    fill(size, |_| {
                        "[[questions]]\nprompt = \"Which?\"\noptions = [\"a\", \"b\"]\nanswer = \"a\"\n".to_string()
                    })
                )
            }),
        ),
        (
            "Open Trivia DB results",
            Format::Json,
            Box::new(|size| {
                format!(
                    "{{\"response_code\":0,\"results\":[{}{{\"type\":\"boolean\",\"question\":\"end\",\"correct_answer\":\"True\",\"incorrect_answers\":[\"False\"]}}]}}",
                    fill(size, |i| format!("{{\"type\":\"multiple\",\"question\":\"Q{i} &amp; more?\",\"correct_answer\":\"A\",\"incorrect_answers\":[\"B\",\"C\",\"D\"]}},"))
                )
            }),
        ),
        (
            "Red trivia list",
            Format::RedTrivia,
            Box::new(|size| {
                format!(
                    "AUTHOR: bench\nCONFIG:\n  delay: 20\n{}",
                    fill(size, |i| format!(
                        "What is number {i}?:\n- {i}\n- number {i}\n"
                    ))
                )
            }),
        ),
        (
            "Moodle GIFT",
            Format::Gift,
            Box::new(|size| {
                fill(size, |i| {
                    format!("::Q{i}:: Which is {i}? {{\n  ={i} # right\n  ~{}\n  ~%-50%x\\{{y\\}}\n}}\n\n", i + 1)
                })
            }),
        ),
        (
            "Kahoot sheet (CSV)",
            Format::Csv,
            Box::new(|size| {
                format!(
                    "Question,Answer 1,Answer 2,Answer 3,Answer 4,Time limit (sec),Correct answer(s)\n{}",
                    fill(size, |i| format!("\"Which is {i}, really?\",{i},x,y,z,20,\"1\"\n"))
                )
            }),
        ),
        (
            "flashcards (Quizlet .tsv)",
            Format::Cards,
            Box::new(|size| fill(size, |i| format!("front {i}\tback {i}\n"))),
        ),
    ]
}

/// Median time of `runs` checks, and the number of diagnostics.
fn time(format: Format, text: &str, runs: usize) -> (Duration, usize) {
    let mut times: Vec<Duration> = Vec::new();
    let mut diagnostics = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let checked = quiz::check_bytes(
            "bench",
            format,
            text.as_bytes(),
            &quizbot::render::preflight::DiscordFit,
        );
        times.push(start.elapsed());
        diagnostics = checked.diagnostics.len();
    }
    times.sort();
    (times[runs / 2], diagnostics)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let seed = std::fs::read_to_string("quizzes/day-42-attention-mechanisms.md")
        .expect("run from the repository root");
    println!("check time (median of 5 runs at 1 MiB, of 3 at 10 MiB; release build)\n");
    println!(
        "{:<34} {:>10} {:>10} {:>6} {:>12}",
        "input", "1 MiB", "10 MiB", "ratio", "diagnostics"
    );
    for (name, format, make) in inputs(seed) {
        let small = make(MIB);
        let large = make(10 * MIB);
        assert!(large.len() <= 10 * MIB, "{name} is {} bytes", large.len());
        let (t1, _) = time(format, &small, 5);
        let (t10, diagnostics) = time(format, &large, 3);
        println!(
            "{name:<34} {:>8.1}ms {:>8.1}ms {:>6.1} {:>12}",
            ms(t1),
            ms(t10),
            t10.as_secs_f64() / t1.as_secs_f64().max(1e-9),
            diagnostics
        );
    }

    // Files people wrote: the largest Markdown file and the largest file of the corpus.
    let corpus = std::path::Path::new("../shared/realworld");
    println!();
    for rel in [
        "linkedin/agile-methodologies-quiz.md",
        "opentdb/opentdb-scraper-opentdb.json",
    ] {
        let path = corpus.join(rel);
        let Ok(bytes) = std::fs::read(&path) else {
            println!("{rel}: not here (../shared/realworld is absent)");
            continue;
        };
        let format = Format::from_path(&path).unwrap_or(Format::Markdown);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (t, _) = time(format, &text, 5);
        let questions = quiz::check_bytes(
            "bench",
            format,
            text.as_bytes(),
            &quizbot::render::preflight::DiscordFit,
        )
        .quiz
        .map_or(0, |q| q.questions.len());
        println!(
            "{rel:<44} {:>9} bytes {:>8.1}ms  {questions} questions",
            bytes.len(),
            ms(t)
        );
    }
}
