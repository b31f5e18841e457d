//! Writing a quiz back out as our own Markdown or TOML (`quizbot convert`, docs/quiz-format.md,
//! "Converting"), so that a list imported from elsewhere can be edited by hand. A writer does
//! not have to be trusted: [`same_quiz`] compares what reading the output gives with the quiz,
//! and `convert` refuses output that would read differently.

use serde::Serialize;

use super::model::{letter, Quiz};

#[derive(Serialize)]
struct TomlQuiz<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    question_seconds: Option<u32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    exact: bool,
    questions: Vec<TomlQuestion<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tiers: Vec<TomlTier<'a>>,
}

#[derive(Serialize)]
struct TomlQuestion<'a> {
    prompt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<&'a [String]>,
    #[serde(skip_serializing_if = "str::is_empty")]
    explanation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    points: Option<u32>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    difficulty: Option<&'a str>,
}

#[derive(Serialize)]
struct TomlTier<'a> {
    min: u32,
    max: u32,
    label: &'a str,
}

fn letters(indexes: &[usize]) -> Vec<String> {
    indexes
        .iter()
        .map(|&i| letter(i).to_ascii_lowercase().to_string())
        .collect()
}

/// Typed answers forgive no slip in the whole quiz or in none of it (TOML and Markdown say it
/// once, for the quiz).
fn exact(quiz: &Quiz) -> bool {
    quiz.questions.iter().any(|q| q.is_typed() && q.exact)
}

pub fn to_toml(quiz: &Quiz) -> Result<String, String> {
    let file = TomlQuiz {
        title: &quiz.title,
        description: &quiz.description,
        question_seconds: quiz.question_seconds,
        exact: exact(quiz),
        questions: quiz
            .questions
            .iter()
            .map(|q| TomlQuestion {
                prompt: &q.prompt,
                options: (!q.is_typed()).then_some(q.options.as_slice()),
                answer: (!q.is_typed() && !q.is_multi()).then(|| letters(&[q.answer]).remove(0)),
                answers: q.is_multi().then(|| letters(&q.answers)),
                accepted: q.is_typed().then_some(q.accepted.as_slice()),
                explanation: &q.explanation,
                seconds: q.seconds,
                points: (q.points != 1).then_some(q.points),
                tags: &q.tags,
                difficulty: q.difficulty.as_deref(),
            })
            .collect(),
        tiers: quiz
            .tiers
            .iter()
            .map(|t| TomlTier {
                min: t.min,
                max: t.max,
                label: &t.label,
            })
            .collect(),
    };
    toml::to_string_pretty(&file).map_err(|e| e.to_string())
}

/// Our Markdown (docs/quiz-format.md, "Markdown"): a `#` title, the description, `###`
/// questions with lettered options and an `**Answer:**` line. Markdown has no time limits;
/// `convert` says so when the quiz has them.
pub fn to_markdown(quiz: &Quiz) -> String {
    let mut out = String::new();
    if exact(quiz) {
        out.push_str("---\nexact: true\n---\n\n");
    }
    out.push_str(&format!("# {}\n\n", one_line(&quiz.title)));
    if !quiz.description.is_empty() {
        out.push_str(&quiz.description);
        out.push_str("\n\n");
    }
    for (i, q) in quiz.questions.iter().enumerate() {
        let mut lines = q.prompt.lines();
        out.push_str(&format!(
            "### {}. {}\n",
            i + 1,
            lines.next().unwrap_or_default()
        ));
        let rest: Vec<&str> = lines.collect();
        if !rest.is_empty() {
            out.push('\n');
            out.push_str(rest.join("\n").trim());
            out.push('\n');
        }
        out.push('\n');
        // An option that holds a block (code, a list) is written as the letter alone with
        // the block indented under it; the question's options are then all task boxes.
        let blocks = q.options.iter().any(|o| o.contains('\n'));
        let correct = q.correct_indexes();
        for (j, o) in q.options.iter().enumerate() {
            let l = letter(j).to_ascii_lowercase();
            let boxed = match (blocks, correct.contains(&j)) {
                (false, _) => String::new(),
                (true, true) => "[x] ".to_string(),
                (true, false) => "[ ] ".to_string(),
            };
            if o.contains('\n') {
                out.push_str(&format!("- {boxed}{l})\n"));
                for line in o.lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("  {line}\n"));
                    }
                }
            } else {
                out.push_str(&format!("- {boxed}{l}) {o}\n"));
            }
        }
        if !q.options.is_empty() {
            out.push('\n');
        }
        let answer = if q.is_typed() {
            q.accepted.join("; ")
        } else if q.is_multi() {
            q.answers
                .iter()
                .map(|&a| letter(a).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            letter(q.answer).to_string()
        };
        out.push_str(&format!("**Answer:** {answer}\n\n"));
        if q.points != 1 {
            out.push_str(&format!("**Points:** {}\n\n", q.points));
        }
        if !q.tags.is_empty() {
            out.push_str(&format!("**Tags:** {}\n\n", q.tags.join(", ")));
        }
        if let Some(d) = &q.difficulty {
            out.push_str(&format!("**Difficulty:** {d}\n\n"));
        }
        if !q.explanation.is_empty() {
            out.push_str(&format!("**Explanation:** {}\n\n", q.explanation));
        }
        out.push_str("---\n\n");
    }
    if !quiz.tiers.is_empty() {
        out.push_str("## Scoring\n\n");
        for t in &quiz.tiers {
            out.push_str(&format!("- {}-{} correct: {}\n", t.min, t.max, t.label));
        }
    }
    out
}

fn trim_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = s.trim().to_string(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(trim_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(trim_strings),
        _ => {}
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parts of two quizzes that a player or a tool sees, compared as `show --json` gives
/// them: everything but where each question stood in its file, the file's name, and space
/// around a text (Discord shows none). `None` when they are the same, else the first
/// difference, said for a person.
pub fn same_quiz(a: &Quiz, b: &Quiz) -> Option<String> {
    let strip = |q: &Quiz| {
        let mut v = super::show::to_json(q, &[]);
        trim_strings(&mut v);
        if let Some(o) = v.as_object_mut() {
            o.remove("id");
        }
        if let Some(qs) = v.get_mut("questions").and_then(|q| q.as_array_mut()) {
            for q in qs {
                if let Some(o) = q.as_object_mut() {
                    o.remove("line");
                }
            }
        }
        v
    };
    let (x, y) = (strip(a), strip(b));
    if x == y {
        return None;
    }
    for key in ["title", "description", "tiers"] {
        if x[key] != y[key] {
            return Some(format!("the {key} would read differently"));
        }
    }
    let (qx, qy) = (x["questions"].as_array(), y["questions"].as_array());
    let (qx, qy) = (qx.map_or(&[][..], |v| v), qy.map_or(&[][..], |v| v));
    if qx.len() != qy.len() {
        return Some(format!("{} questions would read as {}", qx.len(), qy.len()));
    }
    for (i, (p, q)) in qx.iter().zip(qy).enumerate() {
        if p != q {
            let field = p
                .as_object()
                .and_then(|o| o.keys().find(|k| p[k.as_str()] != q[k.as_str()]).cloned())
                .unwrap_or_default();
            return Some(format!(
                "question {} would read differently ({field})",
                i + 1
            ));
        }
    }
    Some("the quiz would read differently".into())
}
