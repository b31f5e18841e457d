//! How long `check` takes on 1 MiB inputs, typical and hostile. Prints a table; run with
//! `cargo bench --bench check_speed`. (Not a test: timings on a shared machine are noisy.)

use std::time::{Duration, Instant};

use quizbot::quiz::{self, Format};

const MIB: usize = 1024 * 1024;

/// Repeats `unit(i)` until the text is just under 1 MiB (less 200 bytes for a header and a
/// footer around it).
fn fill(mut unit: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(MIB);
    let mut i = 1;
    loop {
        let next = unit(i);
        if out.len() + next.len() > MIB - 200 {
            return out;
        }
        out.push_str(&next);
        i += 1;
    }
}

fn inputs() -> Vec<(&'static str, Format, String)> {
    let seed = std::fs::read_to_string("quizzes/day-42-attention-mechanisms.md")
        .expect("run from the repository root");
    let one_question = seed
        .split("\n---\n")
        .nth(1)
        .expect("the seed has questions")
        .to_string();
    vec![
        (
            "seed-style questions, renumbered",
            Format::Markdown,
            format!("# Big\n{}", fill(|i| one_question.replacen("### 1.", &format!("### {i}."), 1) + "\n---\n")),
        ),
        ("one line of 1 MiB", Format::Markdown, "*".repeat(MIB - 1)),
        ("nested quotes", Format::Markdown, fill(|_| ">".repeat(200) + " text\n")),
        ("headings only", Format::Markdown, fill(|i| format!("### {i}.\n"))),
        ("options only", Format::Markdown, fill(|_| "- a) x\n".to_string())),
        ("open code fence", Format::Markdown, format!("```\n{}", fill(|i| format!("### {i}. in code\n")))),
        ("unclosed details tags", Format::Markdown, "<details".repeat(MIB / 8 - 1)),
        (
            "TOML questions",
            Format::Toml,
            format!("title = \"Big\"\n{}", fill(|_| "[[questions]]\nprompt = \"Which?\"\noptions = [\"a\", \"b\"]\nanswer = \"a\"\n".to_string())),
        ),
        (
            "Open Trivia DB results",
            Format::OpenTdb,
            format!(
                "{{\"response_code\":0,\"results\":[{}{{\"type\":\"boolean\",\"question\":\"end\",\"correct_answer\":\"True\",\"incorrect_answers\":[\"False\"]}}]}}",
                fill(|i| format!("{{\"type\":\"multiple\",\"question\":\"Q{i} &amp; more?\",\"correct_answer\":\"A\",\"incorrect_answers\":[\"B\",\"C\",\"D\"]}},"))
            ),
        ),
    ]
}

fn main() {
    println!("check time for 1 MiB inputs (median of 5 runs, release build)\n");
    println!(
        "{:<36} {:>10} {:>10} {:>12}",
        "input", "bytes", "median", "diagnostics"
    );
    for (name, format, text) in inputs() {
        assert!(text.len() <= MIB, "{name} is {} bytes", text.len());
        let mut times: Vec<Duration> = Vec::new();
        let mut diagnostics = 0;
        for _ in 0..5 {
            let start = Instant::now();
            let checked = quiz::check_bytes("bench", format, text.as_bytes());
            times.push(start.elapsed());
            diagnostics = checked.diagnostics.len();
        }
        times.sort();
        println!(
            "{name:<36} {:>10} {:>8.1}ms {:>12}",
            text.len(),
            times[2].as_secs_f64() * 1000.0,
            diagnostics
        );
    }
}
