//! The shapes quiz files take in the wild (docs/quiz-format.md, "Files from the wild"), one
//! fixture each in `tests/fixtures/wild/`, written for these tests after the shapes found in
//! published quiz collections.

use std::path::Path;

use quizbot::quiz::{self, Checked, LeftOutReason, Quiz, Severity};

fn check(name: &str) -> Checked {
    quiz::check_file(
        &Path::new("tests/fixtures/wild").join(name),
        &quizbot::render::preflight::DiscordFit,
    )
}

/// The quiz of a fixture that must be accepted, with the warnings it gave.
fn accepted(name: &str) -> (Quiz, Checked) {
    let checked = check(name);
    let quiz = checked
        .quiz
        .clone()
        .unwrap_or_else(|| panic!("{name}:\n{}", checked.render(name, 50)));
    (quiz, checked)
}

/// A fixture that must be accepted without a single warning.
fn clean(name: &str) -> Quiz {
    let (quiz, checked) = accepted(name);
    assert!(
        checked.diagnostics.is_empty(),
        "{name}:\n{}",
        checked.render(name, 50)
    );
    quiz
}

fn answers(quiz: &Quiz) -> Vec<usize> {
    quiz.questions.iter().map(|q| q.answer).collect()
}

fn warnings(checked: &Checked) -> Vec<(usize, &str)> {
    checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| (d.line, d.message.as_str()))
        .collect()
}

#[test]
fn unlettered_task_boxes_then_a_reference_an_image_or_prose() {
    let q = clean("task-boxes-unlettered.md");
    assert_eq!(q.title, "Rivers", "a `##` heading that opens the file");
    assert_eq!(answers(&q), [1, 0, 1, 0]);
    assert_eq!(
        q.questions[0].prompt,
        "Which river flows through Budapest?\n\n![Map of the Danube](images/danube.png)"
    );
    assert_eq!(
        q.questions[3].prompt, "Which river is the longest in Africa?",
        "a `Q4.` line right under the reference line starts a question"
    );
    assert_eq!(q.questions[0].options[1], "The Danube");
    assert_eq!(
        q.questions[0].explanation,
        "[reference](https://example.org/danube). The Danube passes ten countries on its way to the Black Sea."
    );
    assert_eq!(
        q.questions[1].explanation,
        "![The Volga near Kazan](images/volga.png)\n\nthe Volga runs about 3,500 km through Russia."
    );
    assert_eq!(q.questions[0].pictures[0].path, "images/danube.png");
    assert_eq!(
        q.questions[1].pictures[0].path, "images/volga.png",
        "explanations too"
    );
    assert_eq!(
        q.questions[2].explanation,
        "It reaches the Mediterranean through its delta north of Cairo.\n[reference](https://example.org/nile)"
    );
}

#[test]
fn options_that_hold_a_block_keep_it_and_their_buttons_carry_the_letter() {
    let q = clean("option-blocks.md");
    assert_eq!(answers(&q), [1, 1, 1, 1]);
    assert_eq!(q.questions[0].options.len(), 3);
    assert_eq!(q.questions[0].options[1], "```sh\nwc -l < notes.txt\n```");
    assert_eq!(q.questions[1].options[1], "```sh\nmake && echo done\n```");
    assert_eq!(
        q.questions[2].options[0],
        "1. Run `ls`.\n2. Read the sizes."
    );
    assert_eq!(
        q.questions[3].options[1], "`B` ![B](images/b.png)",
        "an image on the option's line is its text"
    );
    let files: Vec<&str> = q.questions[3]
        .pictures
        .iter()
        .map(|p| p.filename.as_str())
        .collect();
    assert_eq!(
        files,
        ["a.png", "b.png"],
        "the pictures beside the quiz are attached"
    );
    // Shown in full in the question, the button only says the letter.
    let labels = quizbot::render::question::option_labels(&q.questions[0].options);
    assert_eq!(labels, ["A", "B", "C"]);
}

#[test]
fn questions_under_every_section_with_numbers_restarting() {
    let (q, checked) = accepted("sections-restart.md");
    assert_eq!(q.questions.len(), 3);
    assert_eq!(answers(&q), [1, 0, 1]);
    assert_eq!(
        q.questions[0].prompt,
        "Which organelle makes most of a cell's energy?"
    );
    assert_eq!(
        q.questions[0].options,
        ["The nucleus", "The mitochondrion", "The ribosome"]
    );
    assert_eq!(
        q.questions[0].explanation,
        "Mitochondria turn sugar into ATP."
    );
    assert_eq!(q.questions[2].line, 36);
    // Numbering restarts after the section heading: no warning about it. The discussion
    // questions have no options: said once, with their section.
    let w = warnings(&checked);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, 28);
    assert!(
        w[0].1
            .contains("\"Discussion Questions\" looks like questions"),
        "{w:?}"
    );
}

#[test]
fn numbered_list_items_with_nested_options_and_an_answer_fold() {
    let q = clean("numbered-list-questions.md");
    assert_eq!(q.title, "Linux networking", "the front matter's title");
    assert_eq!(q.description, "- Read the manual pages first.");
    assert_eq!(q.questions.len(), 2);
    assert_eq!(q.questions[0].prompt, "Which tool shows the routing table?");
    assert_eq!(q.questions[0].options, ["ip route", "lsblk", "df"]);
    assert_eq!(answers(&q), [0, 1], "the fold's body is the option's text");
    assert_eq!(q.questions[1].line, 19);
}

#[test]
fn unnumbered_question_headings_after_an_article() {
    let q = clean("unnumbered-headings.md");
    assert_eq!(q.title, "Caring for houseplants");
    assert_eq!(
        q.questions.len(),
        2,
        "`### Light` has no options: not a question"
    );
    assert_eq!(
        q.questions[0].prompt,
        "How often should most houseplants be watered?"
    );
    assert_eq!(answers(&q), [1, 1]);
    assert_eq!(
        q.questions[1].explanation,
        "Ferns and many others prefer shade."
    );
    assert!(
        q.description
            .starts_with("Houseplants need light, water and the occasional repotting."),
        "{}",
        q.description
    );
    assert!(!q.description.contains("quizdown"), "shortcodes are markup");
    assert!(
        !q.description.contains("description:"),
        "front matter is not text"
    );
}

#[test]
fn heading_variants_loose_numbers_kind_headings_and_prompts_over_two_headings() {
    let q = clean("heading-variants.md");
    let prompts: Vec<&str> = q.questions.iter().map(|q| q.prompt.as_str()).collect();
    assert_eq!(
        prompts,
        [
            "Which gas do plants take in?",
            "Fill in the blank: water boils at ___ °C at sea level",
            "**Which planet has rings you can see with binoculars?**",
            "A shop sells apples for 2 € each and gives one free with every five.\nHow much do six apples cost?",
            "A train leaves at 9:00 and travels for 90 minutes.\nWhen does it arrive?",
            "What does `2 ** 3` give in Python?",
        ]
    );
    assert_eq!(answers(&q), [1, 0, 1, 0, 1, 1]);
    assert_eq!(q.questions[5].explanation, "`**` raises to a power.");
}

#[test]
fn microsoft_learn_boxes_with_feedback() {
    let (q, checked) = accepted("paren-boxes.md");
    assert_eq!(q.title, "paren-boxes", "no title: the file name");
    assert_eq!(warnings(&checked).len(), 1, "the missing title");
    assert_eq!(
        q.questions[0].prompt,
        "What does a container registry store?"
    );
    assert_eq!(
        q.questions[0].options,
        ["Virtual machine disks", "Container images", "Log files"]
    );
    assert_eq!(answers(&q), [1, 0]);
    assert_eq!(
        q.questions[0].explanation, "Correct. A registry stores and serves container images.",
        "the correct option's feedback"
    );
}

#[test]
fn combinations_of_lettered_statements_are_the_options() {
    let q = clean("combination-options.md");
    assert_eq!(q.questions[0].options, ["A, B", "A, C, E", "C, D"]);
    assert_eq!(
        q.questions[0].prompt,
        "Which of these are prime numbers?\n\nA. 2\nB. 4\nC. 5\nD. 9\nE. 11"
    );
    assert_eq!(answers(&q), [1, 0]);
    assert!(q.questions[1].prompt.contains("A. Helium"));
}

#[test]
fn folds_hold_explanations_in_html_and_answers_as_option_text() {
    let q = clean("details-folds.md");
    assert_eq!(
        q.questions.len(),
        2,
        "bold numbered lines in a fold are its points"
    );
    assert_eq!(answers(&q), [0, 1]);
    assert_eq!(
        q.questions[0].explanation,
        "Mercury\nMercury orbits at about 58 million km. See [the orbit](https://example.org/mercury)."
    );
    assert!(
        q.questions[1]
            .explanation
            .starts_with("**3. Size:** it is eleven times as wide as the Earth."),
        "{}",
        q.questions[1].explanation
    );
}

#[test]
fn an_answer_only_in_prose_is_read_with_a_warning() {
    let (q, checked) = accepted("prose-answer.md");
    assert_eq!(answers(&q), [1, 1]);
    let w = warnings(&checked);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, 10);
    assert!(
        w[0].1
            .starts_with("question 1 gives its answer only in the explanation; read as B"),
        "{w:?}"
    );
}

#[test]
fn an_answer_marked_only_by_highlighting_is_refused_with_how_to_mark_it() {
    let checked = check("highlighted-answer.md");
    assert!(checked.quiz.is_none());
    let errors: Vec<_> = checked.errors().collect();
    assert_eq!(errors.len(), 1, "{}", checked.render("h", 9));
    assert_eq!(errors[0].line, 3);
    assert_eq!(
        errors[0].message,
        "question 1 marks its answer only by highlighting (option B stands out in backticks or \
         bold): mark the correct option with `- [x]`, or add a line `**Answer:** b`"
    );
}

#[test]
fn bold_numbered_lines_in_an_explanation_are_not_questions() {
    let q = clean("explanation-points.md");
    assert_eq!(q.questions.len(), 2);
    assert_eq!(answers(&q), [1, 0]);
    assert!(
        q.questions[0]
            .explanation
            .contains("**2. Addressing:** every host has an IP address."),
        "{}",
        q.questions[0].explanation
    );
}

#[test]
fn scoring_tiers_in_a_table() {
    let q = clean("scoring-table.md");
    let tiers: Vec<(u32, u32, &str)> = q
        .tiers
        .iter()
        .map(|t| (t.min, t.max, t.label.as_str()))
        .collect();
    assert_eq!(
        tiers,
        [(3, 3, "Zoologist"), (1, 2, "Naturalist"), (0, 0, "Visitor")]
    );
}

#[test]
fn scoring_lines_with_counts_and_percentages() {
    let q = clean("scoring-percent-counts.md");
    let tiers: Vec<(u32, u32)> = q.tiers.iter().map(|t| (t.min, t.max)).collect();
    assert_eq!(tiers, [(2, 2), (1, 1), (0, 0)]);
    let q = clean("how-did-you-do.md");
    assert_eq!(q.tiers.len(), 2, "a list of tiers under any heading");
    assert_eq!(
        q.tier_for(1).map(|t| t.label.as_str()),
        Some("Ocean expert.")
    );
}

#[test]
fn questions_that_cannot_be_played_are_left_out_each_with_a_warning() {
    let (q, checked) = accepted("left-out.md");
    let played: Vec<usize> = q.questions.iter().map(|q| q.line).collect();
    assert_eq!(played, [3, 8, 25, 32], "Q1, Q5 and the multi-selects play");
    assert_eq!(q.questions[2].answer, 1);
    assert_eq!(q.questions[1].answers, [0, 1], "two [x]");
    assert_eq!(q.questions[3].answers, [0, 2], "`**Answer:** A, C`");
    let left: Vec<(usize, LeftOutReason)> = checked
        .left_out
        .iter()
        .map(|l| (l.line, l.reason))
        .collect();
    assert_eq!(
        left,
        [
            (14, LeftOutReason::OptionCount(0)),
            (20, LeftOutReason::NoAnswer),
        ]
    );
    let w = warnings(&checked);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].1
            .starts_with("question 3 has no options, so it is left out"),
        "{w:?}"
    );
    assert!(
        w[1].1
            .starts_with("question 4 has no answer, so it is left out"),
        "{w:?}"
    );
}

#[test]
fn nothing_read_is_dropped_without_a_warning() {
    let (q, checked) = accepted("stray-content.md");
    assert_eq!(q.questions.len(), 2);
    let w = warnings(&checked);
    let lines: Vec<usize> = w.iter().map(|w| w.0).collect();
    assert_eq!(lines, [9, 17, 21], "{w:?}");
    assert!(
        w[0].1
            .contains("`[x]` comes after the options of question 1"),
        "{w:?}"
    );
    assert!(
        w[1].1.contains("\"Review questions\" looks like questions"),
        "{w:?}"
    );
    assert!(
        w[2].1.starts_with("this option is outside any question"),
        "{w:?}"
    );
    assert_eq!(
        q.questions[0].explanation,
        "Mars looks red because of iron oxide.\n\n- [x] Jupiter"
    );
}

#[test]
fn open_trivia_db_variants() {
    let q = clean("opentdb-bare-array.json");
    assert_eq!(q.title, "Geography");
    assert_eq!(q.questions[0].options[q.questions[0].answer], "Oslo");
    assert_eq!(
        q.questions[1].options,
        ["True", "False"],
        "no `type`: true/false"
    );
    assert_eq!(q.questions[1].answer, 0);
    for name in ["opentdb-base64.json", "opentdb-url3986.json"] {
        let q = clean(name);
        assert_eq!(q.title, "Science: Computers", "{name}");
        assert_eq!(
            q.questions[0].prompt, "What does \"CPU\" stand for?",
            "{name}"
        );
        assert_eq!(
            q.questions[0].options[q.questions[0].answer], "Central Processing Unit",
            "{name}"
        );
        assert_eq!(q.questions[1].answer, 1, "{name}: False");
    }
}

#[test]
fn a_plain_list_of_questions_in_json() {
    let q = clean("question-list.json");
    assert_eq!(q.title, "World capitals");
    assert_eq!(
        answers(&q),
        [1, 0, 0],
        "an index, a letter, an option's text"
    );
    assert_eq!(q.questions[1].options, ["Lima", "Cusco"]);
    assert_eq!(
        q.questions[1].explanation,
        "Lima sits on the Pacific coast."
    );
}

#[test]
fn other_json_is_refused_in_plain_words() {
    let checked = check("not-a-quiz.json");
    let e = checked.errors().next().expect("an error");
    assert!(
        e.message
            .starts_with("this JSON file is not a quiz quizbot reads"),
        "{}",
        e.message
    );
}

/// Found by the reliability tests: CommonMark reads an unindented line right after a list item
/// as part of the item, so the answer line of a tightly written question became option text.
#[test]
fn an_answer_line_right_under_the_last_option_is_the_answer() {
    let text = "# Tight\n### 1. Q1?\n- a) x\n- b) y\n**Answer:** b\n### 2. Q2?\n- a) x\n- b) y\n**Answer:** a\n";
    let checked = quiz::check_bytes(
        "tight",
        quiz::Format::Markdown,
        text.as_bytes(),
        &quizbot::render::preflight::DiscordFit,
    );
    let q = checked.quiz.expect("accepted");
    assert_eq!(answers(&q), [1, 0]);
    assert_eq!(q.questions[0].options, ["x", "y"]);
}

/// Numbers restart in each section: a message names the question as its author numbered it
/// and points at its line, never at its position in the quiz.
#[test]
fn messages_name_questions_as_written_never_by_position() {
    let long = "Why? ".repeat(900);
    let text = format!(
        "# Two sections\n\n## Part A\n\n**Question 1:** First?\n\nA) x\nB) y\n\n**Answer:** a\n\n\
         ## Part B\n\n**Question 1:** {long}\n\nA) x\nB) y\n\n**Answer:** a\n"
    );
    let checked = quiz::check_bytes(
        "sections",
        quiz::Format::Markdown,
        text.as_bytes(),
        &quizbot::render::preflight::DiscordFit,
    );
    let errors: Vec<_> = checked.errors().collect();
    assert_eq!(errors.len(), 1, "{}", checked.render("s.md", 9));
    assert_eq!(errors[0].line, 14);
    assert!(
        errors[0]
            .message
            .starts_with("question 1 is too long for Discord: in the question message"),
        "the second question of the quiz, numbered 1 by its author: {}",
        errors[0].message
    );
}
