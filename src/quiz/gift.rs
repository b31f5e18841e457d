//! Moodle GIFT files (`.gift`, docs/quiz-format.md, "Moodle GIFT"): questions separated by
//! blank lines, each `::title:: text { answers }`. Multiple choice (`=right ~wrong`), several
//! right answers by positive `%weights%`, true/false (`{T}`), short answer (`{=Paris =Paris,
//! France}`, a typed answer) and missing-word questions (text after the braces) are read;
//! numerical, matching and essay questions are left out with a warning that names them.
//!
//! The reader walks the text once, character by character, so a file of any shape costs time in
//! proportion to its length; `\` escapes the six characters GIFT gives meaning to.

use super::diagnostic::{short, Diagnostic};
use super::model::{Question, MAX_OPTIONS, MIN_OPTIONS};
use super::{LeftOut, LeftOutReason, Parsed};

/// The characters GIFT escapes with `\`.
const SPECIAL: [char; 6] = ['~', '=', '#', '{', '}', ':'];

/// One character of the file, after escapes: `escaped` is true for `\~` and the like, which are
/// text whatever they are.
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    escaped: bool,
    line: usize,
    col: usize,
}

/// The text as characters, with comments (`//` lines) dropped and escapes resolved.
fn characters(text: &str) -> Vec<Ch> {
    let mut out = Vec::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim_start().starts_with("//") {
            out.push(Ch {
                c: '\n',
                escaped: false,
                line: line_no,
                col: 1,
            });
            continue;
        }
        let mut chars = line.chars().enumerate().peekable();
        while let Some((col, c)) = chars.next() {
            let mut ch = Ch {
                c,
                escaped: false,
                line: line_no,
                col: col + 1,
            };
            if c == '\\' {
                match chars.peek() {
                    Some(&(_, next)) if SPECIAL.contains(&next) || next == '\\' => {
                        ch.c = next;
                        ch.escaped = true;
                        chars.next();
                    }
                    Some(&(_, 'n')) => {
                        ch.c = '\n';
                        ch.escaped = true;
                        chars.next();
                    }
                    _ => {}
                }
            }
            out.push(ch);
        }
        out.push(Ch {
            c: '\n',
            escaped: false,
            line: line_no,
            col: line.chars().count() + 1,
        });
    }
    out
}

fn is(ch: &Ch, c: char) -> bool {
    !ch.escaped && ch.c == c
}

fn text_of(chars: &[Ch]) -> String {
    chars
        .iter()
        .map(|c| c.c)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The questions' character runs: split at blank lines, except inside an answer block.
fn items(chars: &[Ch]) -> Vec<&[Ch]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut line_has_text = false;
    let mut blank_run = false;
    for (i, ch) in chars.iter().enumerate() {
        if is(ch, '{') {
            depth += 1;
        } else if is(ch, '}') {
            depth = depth.saturating_sub(1);
        }
        if ch.c == '\n' {
            if !line_has_text && depth == 0 {
                if !blank_run && chars[start..i].iter().any(|c| !c.c.is_whitespace()) {
                    out.push(&chars[start..i]);
                }
                start = i + 1;
                blank_run = true;
            } else {
                blank_run = false;
            }
            line_has_text = false;
        } else if !ch.c.is_whitespace() {
            line_has_text = true;
        }
    }
    if chars[start.min(chars.len())..]
        .iter()
        .any(|c| !c.c.is_whitespace())
    {
        out.push(&chars[start..]);
    }
    out
}

/// One `=` or `~` answer of a block.
struct Choice {
    right: bool,
    /// `%50%`: a share of the marks; `None` when unsaid.
    weight: Option<f64>,
    text: String,
    feedback: String,
}

enum Answers {
    Choices(Vec<Choice>),
    TrueFalse(bool, String),
    /// Left out: the kind of question, for the warning.
    Unsupported(&'static str),
}

fn answers(block: &[Ch]) -> Answers {
    let trimmed = text_of(block);
    if trimmed.is_empty() {
        return Answers::Unsupported("an essay question (no answers)");
    }
    if block
        .iter()
        .find(|c| !c.c.is_whitespace())
        .is_some_and(|c| is(c, '#'))
    {
        return Answers::Unsupported("a numerical question");
    }
    let word: String = trimmed
        .split('#')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    if matches!(word.as_str(), "T" | "TRUE" | "F" | "FALSE") {
        let feedback = trimmed.split('#').nth(2).or(trimmed.split('#').nth(1));
        return Answers::TrueFalse(
            word.starts_with('T'),
            feedback.unwrap_or_default().trim().to_string(),
        );
    }
    let mut choices: Vec<Choice> = Vec::new();
    let mut current: Option<(bool, Vec<Ch>)> = None;
    let flush = |current: &mut Option<(bool, Vec<Ch>)>, choices: &mut Vec<Choice>| {
        if let Some((right, chars)) = current.take() {
            choices.push(choice(right, &chars));
        }
    };
    for ch in block {
        if is(ch, '=') || is(ch, '~') {
            flush(&mut current, &mut choices);
            current = Some((is(ch, '='), Vec::new()));
        } else if let Some((_, chars)) = current.as_mut() {
            chars.push(*ch);
        }
    }
    flush(&mut current, &mut choices);
    if choices.iter().any(|c| c.right && c.text.contains("->")) {
        return Answers::Unsupported("a matching question");
    }
    Answers::Choices(choices)
}

fn choice(right: bool, chars: &[Ch]) -> Choice {
    let mut rest = chars;
    let mut weight = None;
    let start = rest
        .iter()
        .position(|c| !c.c.is_whitespace())
        .unwrap_or(rest.len());
    if rest.get(start).is_some_and(|c| is(c, '%')) {
        if let Some(end) = rest[start + 1..].iter().position(|c| is(c, '%')) {
            let w = text_of(&rest[start + 1..start + 1 + end]);
            weight = w.parse::<f64>().ok();
            rest = &rest[start + end + 2..];
        }
    }
    let (text, feedback) = match rest.iter().position(|c| is(c, '#')) {
        Some(at) => (
            text_of(&rest[..at]),
            text_of(&rest[at + 1..])
                .trim_start_matches('#')
                .trim()
                .to_string(),
        ),
        None => (text_of(rest), String::new()),
    };
    Choice {
        right,
        weight,
        text,
        feedback,
    }
}

/// `[markdown]`, `[html]`, `[plain]`, `[moodle]`: the text format Moodle should use.
fn without_format(text: &str) -> &str {
    for tag in ["[markdown]", "[html]", "[plain]", "[moodle]"] {
        if let Some(rest) = text.strip_prefix(tag) {
            return rest.trim_start();
        }
    }
    text
}

/// Does this text read as GIFT? Some `{…}` answer block with `=`, `~` or a true/false mark.
pub fn looks_like(text: &str) -> bool {
    let chars = characters(text);
    let mut open = None;
    for (i, ch) in chars.iter().enumerate() {
        if is(ch, '{') {
            open = Some(i);
        } else if is(ch, '}') {
            if let Some(start) = open.take() {
                let block = &chars[start + 1..i];
                let word = text_of(block).to_ascii_uppercase();
                if block.iter().any(|c| is(c, '=') || is(c, '~'))
                    || matches!(word.as_str(), "T" | "F" | "TRUE" | "FALSE")
                {
                    return true;
                }
            }
        }
    }
    false
}

pub fn parse(id: &str, text: &str) -> Result<Parsed, Diagnostic> {
    let chars = characters(text);
    let mut diagnostics = Vec::new();
    let mut questions = Vec::new();
    let mut left_out = Vec::new();
    let mut tag: Option<String> = None;
    for item in items(&chars) {
        let first = item
            .iter()
            .find(|c| !c.c.is_whitespace())
            .copied()
            .unwrap_or(item[0]);
        let line = first.line;
        let whole = text_of(item);
        if let Some(category) = whole.strip_prefix("$CATEGORY:") {
            // `$CATEGORY: $course$/top/Geography/Europe`: the last part names the topic.
            tag = category
                .trim()
                .rsplit('/')
                .map(str::trim)
                .find(|s| !s.is_empty() && !s.starts_with('$'))
                .map(str::to_lowercase);
            continue;
        }
        // `::title::` names the question for the teacher; players never see it.
        let mut body = item;
        let lead = body.iter().position(|c| !c.c.is_whitespace()).unwrap_or(0);
        if body.len() > lead + 1 && is(&body[lead], ':') && is(&body[lead + 1], ':') {
            let after = &body[lead + 2..];
            match after
                .windows(2)
                .position(|w| is(&w[0], ':') && is(&w[1], ':'))
            {
                Some(end) => body = &after[end + 2..],
                None => {
                    diagnostics.push(Diagnostic::error(
                        first.line,
                        first.col,
                        "a question title `::…` that is not closed with `::`",
                    ));
                    continue;
                }
            }
        }
        let Some(open) = body.iter().position(|c| is(c, '{')) else {
            diagnostics.push(Diagnostic::warning(
                line,
                first.col,
                format!(
                    "`{}` has no answers in `{{…}}` (a Moodle description) and is left out",
                    short(&whole)
                ),
            ));
            continue;
        };
        let Some(close) = body[open..]
            .iter()
            .position(|c| is(c, '}'))
            .map(|p| open + p)
        else {
            let at = body[open];
            return Err(Diagnostic::error(
                at.line,
                at.col,
                "this `{` opens the answers but no `}` closes them (write `\\{` for a brace in text)",
            ));
        };
        let before = text_of(&body[..open]);
        let after = text_of(&body[close + 1..]);
        let prompt_text = if after.is_empty() {
            before.clone()
        } else {
            format!("{before} _____ {after}")
        };
        let prompt = without_format(&prompt_text).to_string();
        let block = &body[open + 1..close];
        let (general, block) = general_feedback(block);
        let leave_out = |why: LeftOutReason, options: Vec<String>, left_out: &mut Vec<LeftOut>| {
            left_out.push(LeftOut {
                line,
                prompt: prompt.clone(),
                options,
                answers: Vec::new(),
                explanation: String::new(),
                reason: why,
            });
        };
        let mut q = match answers(block) {
            Answers::Unsupported(kind) => {
                diagnostics.push(Diagnostic::warning(
                    line,
                    first.col,
                    format!(
                        "`{}` is {kind}, which quizbot does not play; it is left out",
                        short(&prompt)
                    ),
                ));
                leave_out(LeftOutReason::NoAnswer, Vec::new(), &mut left_out);
                continue;
            }
            Answers::TrueFalse(truth, feedback) => {
                let mut q = Question::choice(
                    prompt.clone(),
                    vec!["True".into(), "False".into()],
                    usize::from(!truth),
                );
                q.explanation = feedback;
                q
            }
            Answers::Choices(choices) => {
                let typed = !choices.is_empty() && choices.iter().all(|c| c.right);
                if typed {
                    let accepted: Vec<String> = choices
                        .iter()
                        .filter(|c| c.weight.is_none_or(|w| w >= 100.0))
                        .map(|c| c.text.clone())
                        .filter(|t| !t.is_empty())
                        .collect();
                    let mut q = Question::typed(prompt.clone(), accepted);
                    q.explanation = choices
                        .iter()
                        .find(|c| !c.feedback.is_empty())
                        .map(|c| c.feedback.clone())
                        .unwrap_or_default();
                    q
                } else {
                    let options: Vec<String> = choices.iter().map(|c| c.text.clone()).collect();
                    let right: Vec<usize> = choices
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| match c.weight {
                            Some(w) => w > 0.0,
                            None => c.right,
                        })
                        .map(|(i, _)| i)
                        .collect();
                    if right.is_empty() {
                        diagnostics.push(Diagnostic::warning(
                            line,
                            first.col,
                            format!("`{}` marks no answer right (`=answer` or a positive `%weight%`); it is left out", short(&prompt)),
                        ));
                        leave_out(LeftOutReason::NoAnswer, options, &mut left_out);
                        continue;
                    }
                    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&options.len()) {
                        diagnostics.push(Diagnostic::warning(
                            line,
                            first.col,
                            format!(
                                "`{}` has {} answers; a question needs {MIN_OPTIONS} to {MAX_OPTIONS}, so it is left out",
                                short(&prompt),
                                options.len()
                            ),
                        ));
                        leave_out(
                            LeftOutReason::OptionCount(options.len()),
                            options,
                            &mut left_out,
                        );
                        continue;
                    }
                    let feedback = right
                        .iter()
                        .map(|&i| choices[i].feedback.as_str())
                        .find(|f| !f.is_empty())
                        .unwrap_or_default()
                        .to_string();
                    let mut q = Question::choice(prompt.clone(), options, right[0]);
                    if right.len() > 1 {
                        q.answers = right;
                    }
                    q.explanation = feedback;
                    q
                }
            }
        };
        if !general.is_empty() {
            q.explanation = general;
        }
        q.number = questions.len() + 1;
        q.line = line;
        q.tags = tag.iter().cloned().collect();
        questions.push(q);
    }
    Ok(Parsed::list(id, questions, left_out, diagnostics))
}

/// `####text` at the end of an answer block: feedback for everyone, the explanation.
fn general_feedback(block: &[Ch]) -> (String, &[Ch]) {
    let at = block.windows(4).position(|w| w.iter().all(|c| is(c, '#')));
    match at {
        Some(at) => (text_of(&block[at + 4..]), &block[..at]),
        None => (String::new(), block),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Parsed {
        parse("moodle", text).expect("a GIFT file")
    }

    #[test]
    fn every_kind_gift_has() {
        let p = read(concat!(
            "// a comment\n$CATEGORY: $course$/top/Europe\n\n",
            "::Q1:: Capital of Italy? {\n  ~Milan # no\n  =Rome # yes, since 1871\n  ~Turin\n}\n\n",
            "Water boils at 100 °C at sea level. {T}\n\n",
            "::Primes:: Which are prime? {\n ~%50%Two ~%50%Three ~%-100%Four }\n\n",
            "Name the largest planet. {=Jupiter =Jove}\n\n",
            "The sun rises in the {~north =east ~west} every day.\n\n",
            "How many legs has a spider? {#8}\n\n",
            "Describe your day. {}\n\n",
            "Match them. {=a -> 1 =b -> 2}\n\n",
            "Pick one \\{braces\\} and a \\= sign. {=yes ~no ####Escapes are text.}\n",
        ));
        let q = &p.quiz.questions;
        assert_eq!(q.len(), 6);
        assert_eq!(
            (q[0].prompt.as_str(), q[0].answer),
            ("Capital of Italy?", 1)
        );
        assert_eq!(q[0].options, ["Milan", "Rome", "Turin"]);
        assert_eq!(q[0].explanation, "yes, since 1871");
        assert_eq!(q[0].tags, ["europe"]);
        assert_eq!(
            (q[1].options.clone(), q[1].answer),
            (vec!["True".to_string(), "False".to_string()], 0)
        );
        assert_eq!(q[2].answers, [0, 1]);
        assert_eq!(q[3].accepted, ["Jupiter", "Jove"]);
        assert_eq!(q[4].prompt, "The sun rises in the _____ every day.");
        assert_eq!(q[4].answer, 1);
        assert_eq!(q[5].prompt, "Pick one {braces} and a = sign.");
        assert_eq!(q[5].explanation, "Escapes are text.");
        assert_eq!(q[5].line, 25);
        let warned: Vec<String> = p
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.line, d.message))
            .collect();
        assert_eq!(warned.len(), 3, "{warned:?}");
        assert!(
            warned[0].starts_with("19 `How many legs has a spider?` is a numerical question"),
            "{warned:?}"
        );
        assert!(warned[1].contains("an essay question"), "{warned:?}");
        assert!(warned[2].contains("a matching question"), "{warned:?}");
        assert_eq!(p.left_out.len(), 3);
    }

    #[test]
    fn an_unclosed_brace_is_refused_where_it_opens() {
        let e = parse("x", "Q one? {=a ~b}\n\nQ two? {=a ~b\n").unwrap_err();
        assert_eq!((e.line, e.col), (3, 8));
        assert!(e.message.contains("no `}` closes them"), "{}", e.message);
    }

    #[test]
    fn false_with_feedback() {
        let p = read("The moon is a planet. {FALSE#It is a planet?#Right: a moon.}");
        assert_eq!(p.quiz.questions[0].answer, 1);
        assert_eq!(p.quiz.questions[0].explanation, "Right: a moon.");
    }
}
