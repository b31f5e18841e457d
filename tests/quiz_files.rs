//! The quiz formats, one test per variant of docs/quiz-format.md, each with its own fixture in
//! `tests/fixtures/quiz/`.

use std::path::Path;

use quizbot::quiz::{self, Checked, Diagnostic, Format, Quiz, Severity};

fn check(name: &str) -> Checked {
    quiz::check_file(
        &Path::new("tests/fixtures/quiz").join(name),
        &quizbot::render::preflight::DiscordFit,
    )
}

/// The quiz in a fixture that must be valid, with no warnings either.
fn valid(name: &str) -> Quiz {
    let checked = check(name);
    assert!(
        checked.diagnostics.is_empty(),
        "{name}:\n{}",
        checked.render(name, 50)
    );
    checked.quiz.expect("no errors, so a quiz")
}

/// The single error of a fixture that must fail.
fn only_error(name: &str) -> Diagnostic {
    let checked = check(name);
    assert!(checked.quiz.is_none(), "{name} should not be valid");
    let errors: Vec<_> = checked.errors().cloned().collect();
    assert_eq!(errors.len(), 1, "{name}:\n{}", checked.render(name, 50));
    errors.into_iter().next().unwrap()
}

fn options(quiz: &Quiz, i: usize) -> Vec<&str> {
    quiz.questions[i]
        .options
        .iter()
        .map(String::as_str)
        .collect()
}

// ---- question starts and option styles ----

#[test]
fn numbered_heading_with_dot_and_dash_lettered_options() {
    let q = valid("heading-dot.md");
    assert_eq!(q.title, "Networking Basics");
    assert_eq!(
        q.description,
        "Two questions on the layers of the internet."
    );
    assert_eq!(q.questions.len(), 2);
    assert_eq!(q.questions[0].prompt, "Which layer does IP belong to?");
    assert_eq!(q.questions[0].line, 7);
    assert_eq!(options(&q, 0), ["Link", "Network", "Transport"]);
    assert_eq!(q.questions[0].answer, 1);
    assert_eq!(
        q.questions[0].explanation,
        "IP routes packets between networks, the job of layer 3."
    );
    assert_eq!(q.questions[1].answer, 1);
}

#[test]
fn heading_with_paren_number_and_uppercase_dot_options() {
    let q = valid("heading-paren.md");
    assert_eq!(q.questions[0].prompt, "Which river flows through Vienna?");
    assert_eq!(options(&q, 0), ["Danube", "Rhine", "Elbe"]);
    assert_eq!(q.questions[0].answer, 0, "**Answer:** a");
    assert_eq!(q.questions[1].answer, 1, "**Answer:** B");
}

#[test]
fn question_n_heading_takes_the_prompt_from_the_next_paragraph() {
    let q = valid("heading-question-n.md");
    assert_eq!(
        q.questions[0].prompt,
        "Which element has the symbol **Na**?"
    );
    assert_eq!(q.questions[0].line, 3);
    assert_eq!(options(&q, 0), ["Nitrogen", "Sodium", "Neon"]);
    assert_eq!(q.questions[0].answer, 1, "**Correct answer:** B");
    assert_eq!(q.questions[1].answer, 0);
}

#[test]
fn qn_colon_heading_with_colon_options_and_plain_answer_line() {
    let q = valid("heading-qn.md");
    assert_eq!(q.questions[0].prompt, "Which planet is closest to the Sun?");
    assert_eq!(options(&q, 1), ["Mars", "Jupiter", "Saturn"]);
    assert_eq!(q.questions[0].answer, 0);
    assert_eq!(q.questions[1].answer, 1);
}

#[test]
fn bold_paragraph_questions_with_quoted_answers() {
    let q = valid("bold-paragraph.md");
    assert_eq!(q.questions.len(), 2);
    assert_eq!(
        q.questions[0].prompt,
        "How many semitones are in an octave?"
    );
    assert_eq!(q.questions[0].line, 3);
    assert_eq!(options(&q, 0), ["8", "12", "7"]);
    assert_eq!(q.questions[0].answer, 1);
    assert_eq!(
        q.questions[1].prompt,
        "Which clef is also called the G clef?"
    );
    assert_eq!(q.questions[1].answer, 1);
}

#[test]
fn task_boxes_mark_the_answer() {
    let q = valid("task-boxes.md");
    assert_eq!(
        options(&q, 0),
        ["It leaks", "It is dropped", "It is copied"]
    );
    assert_eq!(q.questions[0].answer, 1);
    assert_eq!(options(&q, 1), ["`Copy`", "`Clone`"]);
    assert_eq!(q.questions[1].answer, 0);
}

#[test]
fn unlettered_items_are_options_in_order() {
    let q = valid("true-false.md");
    assert_eq!(options(&q, 0), ["True", "False"]);
    assert_eq!(
        q.questions[0].answer, 0,
        "**Answer:** True names the option by its text"
    );
    assert_eq!(options(&q, 1), ["True", "False"]);
    assert_eq!(q.questions[1].answer, 1, "[x] False");
}

#[test]
fn details_block_gives_answer_and_explanation() {
    let q = valid("details.md");
    assert_eq!(q.questions[0].answer, 1);
    assert_eq!(
        q.questions[0].explanation,
        "Read committed only shows committed rows, but a second read may see a newer commit."
    );
    assert_eq!(q.questions[1].answer, 0, "one-line details block");
    assert_eq!(
        q.questions[1].explanation,
        "A committed transaction survives a crash."
    );
}

#[test]
fn answer_key_alone_supplies_every_answer() {
    let q = valid("answer-key-only.md");
    let answers: Vec<usize> = q.questions.iter().map(|q| q.answer).collect();
    assert_eq!(answers, [1, 0, 1]);
}

#[test]
fn explanation_runs_over_paragraphs_lists_and_code_until_the_rule() {
    let q = valid("multi-block-explanation.md");
    assert_eq!(
        q.questions.len(),
        2,
        "a heading inside a code block is not a question"
    );
    let explanation = &q.questions[0].explanation;
    assert!(explanation.starts_with("The shell stops at the first failing command.\n\nIt has exceptions:\n- commands in an `if` condition\n"), "{explanation}");
    assert!(
        explanation.contains(
            "```bash\n### 2. this heading is inside code\na) and this is not an option\nset -e\n"
        ),
        "{explanation}"
    );
    assert!(
        explanation.ends_with("```\n\nCombine it with `set -o pipefail`."),
        "{explanation}"
    );
    assert_eq!(options(&q, 1), ["`$?`", "`$!`"]);
    assert_eq!(q.questions[1].answer, 0);
}

#[test]
fn markdown_is_kept_in_prompts_options_and_explanations() {
    let q = valid("markdown-kept.md");
    let question = &q.questions[0];
    assert_eq!(
        question.prompt,
        "Which call reads a **whole** file into a `String` in [Rust](https://www.rust-lang.org)?"
    );
    assert_eq!(question.options[0], "`std::fs::read_to_string(path)`");
    assert_eq!(question.answer, 0);
    assert_eq!(
        question.explanation,
        "It opens, reads and *closes* the file; see [the docs](https://doc.rust-lang.org/std/fs/fn.read_to_string.html)."
    );
}

// ---- scoring tiers ----

fn tiers(q: &Quiz) -> Vec<(u32, u32, &str)> {
    q.tiers
        .iter()
        .map(|t| (t.min, t.max, t.label.as_str()))
        .collect()
}

#[test]
fn tiers_as_ranges_exact_counts_and_below() {
    let q = valid("scoring-counts.md");
    assert_eq!(
        tiers(&q),
        [
            (4, 4, "Perfect"),
            (2, 3, "Solid"),
            (0, 1, "Keep practising")
        ]
    );
    assert_eq!(q.tier_for(3).map(|t| t.label.as_str()), Some("Solid"));
}

#[test]
fn tiers_with_plus_and_to() {
    let q = valid("scoring-open-ended.md");
    assert_eq!(
        tiers(&q),
        [
            (3, 3, "Colour master"),
            (1, 2, "Getting there"),
            (0, 0, "Try again")
        ]
    );
}

#[test]
fn tiers_with_or_more() {
    let q = valid("scoring-or-more.md");
    assert_eq!(tiers(&q), [(2, 2, "Thermometer"), (0, 1, "Ice cube")]);
}

#[test]
fn tiers_in_percent_become_counts() {
    let q = valid("scoring-percent.md");
    assert_eq!(
        tiers(&q),
        [(4, 5, "Explorer"), (2, 3, "Traveller"), (0, 1, "Tourist")]
    );
}

#[test]
fn a_gap_between_tiers_is_a_warning_not_an_error() {
    let checked = check("warning-tier-gap.md");
    assert!(checked.quiz.is_some());
    let warnings: Vec<_> = checked.diagnostics.iter().collect();
    assert_eq!(warnings.len(), 1, "{}", checked.render("gap", 9));
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert_eq!(warnings[0].line, 22);
    assert!(
        warnings[0]
            .message
            .contains("no scoring tier covers 2 correct"),
        "{}",
        warnings[0].message
    );
}

// ---- every error of §3.4, with its message and its line ----

#[test]
fn error_no_questions() {
    let e = only_error("error-no-questions.md");
    assert_eq!(e.line, 1);
    assert!(e.message.starts_with("no questions found"), "{}", e.message);
}

#[test]
fn error_fewer_than_two_options() {
    let e = only_error("error-one-option.md");
    assert_eq!(e.line, 3);
    assert_eq!(
        e.message,
        "question 1 has 1 option; a question needs 2 to 10 (so that its buttons fit)"
    );
}

#[test]
fn error_more_than_ten_options_points_at_the_eleventh() {
    let e = only_error("error-eleven-options.md");
    assert_eq!(e.line, 14);
    assert!(
        e.message.starts_with("question 1 has 11 options"),
        "{}",
        e.message
    );
}

#[test]
fn error_duplicate_option_letter() {
    let e = only_error("error-duplicate-letter.md");
    assert_eq!((e.line, e.col), (6, 3));
    assert_eq!(e.message, "duplicate option letter B (also at line 5)");
    assert_eq!(e.related_line, Some(5));
}

#[test]
fn error_no_answer() {
    let e = only_error("error-no-answer.md");
    assert_eq!(e.line, 3);
    assert!(
        e.message.starts_with("question 1 has no answer"),
        "{}",
        e.message
    );
}

#[test]
fn error_answer_letter_without_option() {
    let e = only_error("error-answer-without-option.md");
    assert_eq!(e.line, 7);
    assert_eq!(
        e.message,
        "question 1: the answer is D, but there is no option D"
    );
}

#[test]
fn error_answer_text_differs_from_the_option() {
    let e = only_error("error-answer-text-mismatch.md");
    assert_eq!(e.line, 7);
    assert_eq!(
        e.message,
        "question 1: the answer says \"Gallium\" but option A is \"Mercury\""
    );
}

#[test]
fn error_answer_key_disagreement_names_both_lines() {
    let e = only_error("error-key-disagrees.md");
    assert_eq!(e.line, 10);
    assert_eq!(e.related_line, Some(7));
    assert_eq!(
        e.message,
        "the answer key gives A for question 1, but the question's answer at line 7 is B"
    );
    let shown = check("error-key-disagrees.md").render("k.md", 10);
    assert!(shown.contains("10 | 1. a\n"), "{shown}");
    assert!(shown.contains(" 7 | **Answer:** b\n"), "{shown}");
}

#[test]
fn error_overlapping_tiers() {
    let e = only_error("error-overlapping-tiers.md");
    assert_eq!(e.line, 17);
    assert_eq!(e.related_line, Some(16));
    assert_eq!(e.message, "the tier 0–1 overlaps the tier 1–2 at line 16");
}

#[test]
fn error_invalid_utf8_points_at_the_byte() {
    let e = only_error("error-not-utf8.md");
    assert_eq!((e.line, e.col), (3, 11));
    assert!(
        e.message
            .starts_with("the file is not valid UTF-8 (byte 0xe9"),
        "{}",
        e.message
    );
}

#[test]
fn error_file_over_ten_mebibytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.md");
    std::fs::write(&path, "a".repeat(10 * 1024 * 1024 + 1)).unwrap();
    let checked = quiz::check_file(&path, &quizbot::render::preflight::DiscordFit);
    let errors: Vec<_> = checked.errors().collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]
        .message
        .starts_with("the file has 10485761 bytes; quiz files may have at most 10 MiB"));
}

#[test]
fn error_text_too_long_for_discord() {
    let prompt = "Why? ".repeat(900); // 4,500 characters: over the 4,096 of an embed description
    let text = format!("# Long\n\n### 1. {prompt}\n- a) yes\n- b) no\n\n**Answer:** a\n");
    let checked = quiz::check_bytes(
        "long",
        Format::Markdown,
        text.as_bytes(),
        &quizbot::render::preflight::DiscordFit,
    );
    let errors: Vec<_> = checked.errors().collect();
    assert_eq!(errors.len(), 1, "{}", checked.render("long.md", 9));
    assert_eq!(errors[0].line, 3);
    assert!(
        errors[0].message.starts_with("question 1 is too long for Discord: in the question message, embed 1's description has"),
        "{}",
        errors[0].message
    );
}

#[test]
fn an_explanation_too_long_for_the_reveal_is_cut_at_a_paragraph_with_a_warning() {
    let paragraph = "Because. ".repeat(100); // 900 characters
    let explanation = [paragraph.trim(); 5].join("\n\n"); // 4,500 characters
    let text = format!(
        "# Long\n\n### 1. Why?\n- a) yes\n- b) no\n\n**Answer:** a\n\n**Explanation:** {explanation}\n"
    );
    let checked = quiz::check_bytes(
        "long",
        Format::Markdown,
        text.as_bytes(),
        &quizbot::render::preflight::DiscordFit,
    );
    assert_eq!(
        checked.errors().count(),
        0,
        "{}",
        checked.render("long.md", 9)
    );
    let warning = &checked.diagnostics[0];
    assert_eq!(warning.line, 9, "points at the explanation");
    assert!(
        warning
            .message
            .starts_with("the explanation of question 1 has 4503 characters"),
        "{}",
        warning.message
    );
    let quiz = checked.quiz.unwrap();
    let shown = &quiz.questions[0].explanation;
    assert!(shown.ends_with(" …"), "{shown}");
    assert!(
        shown.starts_with(paragraph.trim()),
        "whole paragraphs are kept"
    );
    assert_eq!(
        shown.matches("Because.").count() % 100,
        0,
        "cut after a paragraph"
    );
    // The reveal of the cut explanation fits; that is what the warning promises.
    assert!(shown.chars().count() < 4000);
}

#[test]
fn a_long_but_fitting_quiz_is_accepted() {
    // 200-character options, ten of them, and a 1,500-character explanation: fits.
    let option = "x".repeat(200);
    let options: String = (0..10)
        .map(|i| format!("- {}) {option}{i}\n", (b'a' + i as u8) as char))
        .collect();
    let explanation = "y".repeat(1500);
    let text = format!(
        "# Long\n\n### 1. Which?\n{options}\n**Answer:** c\n\n**Explanation:** {explanation}\n"
    );
    let checked = quiz::check_bytes(
        "long",
        Format::Markdown,
        text.as_bytes(),
        &quizbot::render::preflight::DiscordFit,
    );
    assert!(checked.quiz.is_some(), "{}", checked.render("long.md", 9));
}

// ---- TOML ----

#[test]
fn toml_quiz_with_time_limits_and_tiers() {
    let q = valid("networking.toml");
    assert_eq!(q.title, "Networking basics");
    assert_eq!(q.description, "Three quick questions.");
    assert_eq!(q.question_seconds, Some(20));
    assert_eq!(q.questions.len(), 3);
    assert_eq!(q.questions[0].seconds, Some(30));
    assert_eq!(q.questions[1].seconds, None);
    assert_eq!(q.seconds_for(1, 15), 20, "the quiz's limit applies");
    assert_eq!(q.questions[0].answer, 1);
    assert_eq!(q.questions[1].answer, 1, "answer letters in either case");
    assert_eq!(
        q.questions[2].explanation,
        "The Domain Name System maps **names** to IP addresses."
    );
    assert_eq!(
        q.questions[1].line, 12,
        "the line of its [[questions]] header"
    );
    assert_eq!(tiers(&q), [(3, 3, "Packet wizard"), (0, 2, "Keep routing")]);
}

#[test]
fn toml_answer_that_names_no_option() {
    let e = only_error("error-bad-answer.toml");
    assert_eq!(e.line, 6);
    assert_eq!(
        e.message,
        "question 1: answer = \"c\" must be the letter of one of its 2 options (a to b)"
    );
}

#[test]
fn toml_answers_make_a_multi_select_question() {
    let q = valid("multi.toml");
    assert_eq!(q.questions[0].answers, [0, 2], "sorted, either case");
    assert!(q.questions[0].is_multi());
    assert_eq!(q.questions[0].stated_pick_count(), Some(2));
    assert!(!q.questions[1].is_multi());
    let both = only_error("error-answer-and-answers.toml");
    assert_eq!(both.line, 6);
    assert!(both.message.ends_with("not both"), "{}", both.message);
    let bad = only_error("error-answers-bad-letter.toml");
    assert_eq!(
        bad.message,
        "question 1: answers entry \"z\" must be the letter of one of its 3 options (a to c)"
    );
}

#[test]
fn questions_without_options_but_an_answer_are_typed_answers() {
    let md = valid("typed.md");
    assert!(
        md.questions[0].exact && md.questions[1].exact,
        "front matter `exact: true`"
    );
    assert!(
        !md.questions[2].exact,
        "only typed answers are matched at all"
    );
    // The question keeps it wherever it goes alone (a mistake to review is stored as JSON).
    let stored = serde_json::to_string(&md.questions[0]).unwrap();
    let back: quizbot::quiz::Question = serde_json::from_str(&stored).unwrap();
    assert!(back.exact, "{stored}");
    assert_eq!(md.questions[0].accepted, ["Paris", "City of Light"]);
    assert!(md.questions[0].options.is_empty());
    assert_eq!(md.questions[0].prompt, "What is the capital of France?");
    assert_eq!(
        md.questions[1].accepted,
        ["Rome", "Roma"],
        "`|`, the full stop dropped"
    );
    assert!(!md.questions[2].is_typed());
    let toml = valid("typed.toml");
    assert!(!toml.questions[0].exact);
    assert_eq!(toml.questions[0].accepted, ["Paris", "City of Light"]);
    let mixed = only_error("error-typed-with-options.toml");
    assert!(
        mixed.message.contains("has `accepted` and no `options`"),
        "{}",
        mixed.message
    );
}

#[test]
fn toml_unknown_key_is_an_error_with_its_line() {
    let e = only_error("error-unknown-field.toml");
    assert_eq!(e.line, 7);
    assert!(
        e.message.contains("unknown field `explaination`"),
        "{}",
        e.message
    );
}

#[test]
fn toml_syntax_error_with_its_line() {
    let e = only_error("error-syntax.toml");
    assert_eq!(e.line, 4);
    assert!(e.message.starts_with("invalid TOML:"), "{}", e.message);
}

// ---- Open Trivia DB ----

#[test]
fn opentdb_import_decodes_entities_and_orders_options_stably() {
    let q = valid("opentdb.json");
    assert_eq!(q.title, "Science: Computers");
    assert_eq!(q.questions.len(), 3);
    assert_eq!(q.questions[0].prompt, "What does \"HTML\" stand for?");
    assert_eq!(
        q.questions[0].options[q.questions[0].answer],
        "Hypertext Markup Language"
    );
    assert_eq!(
        q.questions[1].prompt,
        "The logo for Linux is a penguin named 'Tux'."
    );
    assert_eq!(options(&q, 1), ["True", "False"]);
    assert_eq!(q.questions[1].answer, 0);
    assert_eq!(
        q.questions[2].prompt,
        "Which of these is a C++ operator: \\`a <=> b\\`?"
    );
    assert_eq!(q.questions[2].line, 4);
    // The order is a function of the question text only: pinned so it never changes.
    assert_eq!(
        options(&q, 0),
        [
            "Hyperlink Text Mode Language",
            "Hyper Transfer Main Link",
            "Hypertext Markup Language",
            "Home Tool Markup Language",
        ]
    );
    assert_eq!(valid("opentdb.json"), q);
}

#[test]
fn opentdb_error_response_code() {
    let e = only_error("error-opentdb-code.json");
    assert!(
        e.message.contains("response_code 1 (no results)"),
        "{}",
        e.message
    );
}

#[test]
fn json_that_does_not_parse_points_at_the_spot() {
    let checked = quiz::check_bytes(
        "x",
        Format::Json,
        b"{\n  \"results\": [,]\n}",
        &quizbot::render::preflight::DiscordFit,
    );
    let e = checked.errors().next().unwrap();
    assert_eq!(e.line, 2);
    assert!(
        e.message.starts_with("the file is not valid JSON"),
        "{}",
        e.message
    );
}

// ---- the bundled quizzes ----

#[test]
fn seed_quiz_is_shipped_byte_for_byte() {
    let shipped = std::fs::read("quizzes/day-42-attention-mechanisms.md").unwrap();
    let seed = std::fs::read("../shared/seed/day-42-attention-mechanisms.md");
    match seed {
        Ok(seed) => assert_eq!(shipped, seed),
        Err(e) => eprintln!("../shared not here ({e}); compared nothing"),
    }
}

// ---- points ----

#[test]
fn points_per_question_in_toml() {
    let q = valid("points.toml");
    let points: Vec<u32> = q.questions.iter().map(|q| q.points).collect();
    assert_eq!(points, [0, 2, 1], "0 a warm-up, 2 double, 1 unless said");
}

#[test]
fn points_per_question_in_markdown() {
    let q = valid("points.md");
    let points: Vec<u32> = q.questions.iter().map(|q| q.points).collect();
    assert_eq!(points, [0, 3, 2, 1]);
    assert_eq!(q.questions[1].explanation, "Two pairs make four.");
    assert_eq!(
        q.questions[3].explanation, "Points: the two fours add up.",
        "a sentence is not a points line"
    );
    assert!(
        !q.questions[0].prompt.contains("Points"),
        "{}",
        q.questions[0].prompt
    );
}

#[test]
fn points_out_of_range_are_refused_with_the_line() {
    let e = only_error("error-points.toml");
    assert_eq!((e.line, e.col), (7, 10));
    assert_eq!(
        e.message,
        "points = 50; use 0 (a warm-up) to 10, 1 is an ordinary question"
    );
    let e = only_error("error-points.md");
    assert_eq!(e.line, 8);
    assert_eq!(
        e.message,
        "question 1: **Points:** 50; use 0 (a warm-up) to 10, 1 is an ordinary question"
    );
}

// ---- tags and difficulty ----

#[test]
fn tags_and_difficulty_in_toml_and_markdown() {
    for (name, tags, difficulty) in [
        (
            "tags.toml",
            vec![vec!["geography", "europe"], vec!["history"], vec![]],
            vec![Some("easy"), Some("medium"), None],
        ),
        (
            "tags.md",
            vec![
                vec!["geography", "europe"],
                vec!["geography", "africa"],
                vec![],
            ],
            vec![Some("easy"), Some("hard"), None],
        ),
    ] {
        let q = valid(name);
        let got: Vec<Vec<&str>> = q
            .questions
            .iter()
            .map(|q| q.tags.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(got, tags, "{name}: lower case, once each");
        let got: Vec<Option<&str>> = q
            .questions
            .iter()
            .map(|q| q.difficulty.as_deref())
            .collect();
        assert_eq!(got, difficulty, "{name}");
    }
    let q = valid("tags.md");
    assert_eq!(
        q.questions[0].prompt, "Capital of Spain?",
        "detail lines are not the prompt"
    );
    assert_eq!(q.questions[1].explanation, "", "nor the explanation");
}

#[test]
fn open_trivia_db_category_and_difficulty_become_tag_and_difficulty() {
    let q = valid("opentdb.json");
    assert_eq!(q.questions[0].tags, ["science: computers"]);
    let d: Vec<Option<&str>> = q
        .questions
        .iter()
        .map(|q| q.difficulty.as_deref())
        .collect();
    assert_eq!(d, [Some("easy"), Some("medium"), Some("hard")]);
}

#[test]
fn a_quiz_narrowed_by_tag_and_difficulty() {
    let q = std::sync::Arc::new(valid("tags.md"));
    let geo = q.narrowed(Some("Geography"), None).unwrap();
    assert_eq!(geo.questions.len(), 2);
    assert_eq!(geo.questions[1].number, 2, "numbered afresh");
    let hard = q.narrowed(Some("geography"), Some("hard")).unwrap();
    assert_eq!(hard.questions.len(), 1);
    assert_eq!(hard.questions[0].prompt, "Longest river in Africa?");
    assert!(q.narrowed(Some("history"), None).is_none());
    assert_eq!(q.tags(), ["africa", "europe", "geography"]);
}
