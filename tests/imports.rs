//! Quizzes brought from elsewhere (docs/quiz-format.md, "Bring your own content"), each read
//! from a fixture written for these tests and played through the simulator as an author who
//! uploads it would see it.

mod common;

use std::path::Path;

use common::{Options, T0};
use quizbot::quiz;

fn checked(name: &str) -> quiz::Checked {
    quiz::check_file(
        &Path::new("tests/fixtures/imports").join(name),
        &quizbot::render::preflight::DiscordFit,
    )
}

/// A Red trivia list: every entry a typed-answer question, answers as written (`yes`, `3`),
/// `delay` the time per question, a repeated question keeping its last answers with a warning.
#[test]
fn a_red_trivia_list_reads_as_typed_answers() {
    let c = checked("red-capitals.yaml");
    let quiz = c
        .quiz
        .clone()
        .unwrap_or_else(|| panic!("{}", c.render("red-capitals.yaml", 20)));
    assert_eq!(quiz.title, "Red capitals");
    assert_eq!(
        quiz.description,
        "Capitals and a few trick answers, written for quizbot's tests.\n\nList by quizbot tests."
    );
    assert_eq!(quiz.question_seconds, Some(25));
    let accepted: Vec<Vec<&str>> = quiz
        .questions
        .iter()
        .map(|q| q.accepted.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        accepted,
        [
            vec!["Lisbon", "Lisboa"],
            vec!["yes"],
            vec!["3", "three"],
            vec!["Sydney"],
            vec!["Lima"],
        ]
    );
    assert!(quiz.questions.iter().all(|q| q.is_typed()));
    let warnings = c.render("red-capitals.yaml", 20);
    assert!(
        warnings.contains(
            "red-capitals.yaml:19:1: warning: this question is also at line 17; the answers here are kept"
        ),
        "{warnings}"
    );
    let json = quiz::show::to_json(&quiz, &c.left_out);
    assert_eq!(json["questions"][2]["kind"], "typed");
    assert_eq!(
        json["questions"][2]["accepted"],
        serde_json::json!(["3", "three"])
    );
}

/// The same list uploaded and played live: typed answers judged as the list gave them, the
/// flag-style picture URL shown as the embed's image, nothing off Discord's limits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_red_trivia_list_played_live() {
    let h = common::start(Options {
        players: 2,
        ..Options::default()
    })
    .await;
    let added = h.upload("imports/red-capitals.yaml").await;
    assert!(
        added.content.starts_with("✅ Added **Red capitals**"),
        "{}",
        added.content
    );
    h.run(h.host, "quiz start", &[("quiz", "red-capitals".into())])
        .await;
    let (ada, bo) = (h.players[0], h.players[1]);
    let typed = [
        ("Lisboa", "lisbon?"),
        ("Yes", "no"),
        ("three", "3"),
        ("sydney", "Melbourne"),
        ("Lima", "Cusco"),
    ];
    for (i, (a, b)) in typed.iter().enumerate() {
        let n = i + 1;
        let q = h.question(h.channel, n).await;
        if n == 4 {
            assert_eq!(
                q.embeds[0].image.as_deref(),
                Some("https://img.example/harbour.png"),
                "the picture URL is the question's image"
            );
        }
        h.clock.set(T0 + 100_000 * (n as i64 - 1) + 300);
        h.type_answer(ada, &q, a).await;
        h.type_answer(bo, &q, b).await;
        h.run(h.host, "quiz next", &[]).await;
        h.clock.set(T0 + 100_000 * n as i64);
        let revealed = h.revealed(h.channel, n).await;
        if n == 5 {
            assert_eq!(revealed.embeds[1].title, "✅ Answer: Lima");
            assert!(revealed.embeds[1].description.contains("“Cusco” ×1"));
        }
    }
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM answers WHERE user_id = {ada} AND correct = 1"
        )),
        5
    );
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM answers WHERE user_id = {bo} AND correct = 1"
        )),
        2,
        "`lisbon?` and `3`"
    );
    h.sim.assert_no_violations();
}

/// A minimal `.xlsx` as spreadsheet programs write one: each cell an inline string, or a
/// number, or `=formula` with its computed value after `|`; `merged` ranges like `"A1:C1"`.
fn workbook(rows: &[&[&str]], merged: &[&str]) -> Vec<u8> {
    fn column(i: usize) -> String {
        let mut s = String::new();
        let mut n = i + 1;
        while n > 0 {
            s.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
            n = (n - 1) / 26;
        }
        s
    }
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let at = format!("{}{}", column(c), r + 1);
            let escaped = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
            if let Some(formula) = cell.strip_prefix('=') {
                let (f, v) = formula.split_once('|').unwrap_or((formula, ""));
                sheet.push_str(&format!(
                    r#"<c r="{at}"><f>{}</f><v>{v}</v></c>"#,
                    escaped(f)
                ));
            } else if cell.parse::<f64>().is_ok() {
                sheet.push_str(&format!(r#"<c r="{at}"><v>{cell}</v></c>"#));
            } else {
                sheet.push_str(&format!(
                    r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#,
                    escaped(cell)
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData>");
    if !merged.is_empty() {
        sheet.push_str(&format!(r#"<mergeCells count="{}">"#, merged.len()));
        for m in merged {
            sheet.push_str(&format!(r#"<mergeCell ref="{m}"/>"#));
        }
        sheet.push_str("</mergeCells>");
    }
    sheet.push_str("</worksheet>");
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let book = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Quiz" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let book_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    common::zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", book.as_bytes()),
        ("xl/_rels/workbook.xml.rels", book_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

const KAHOOT_HEADER: &[&str] = &[
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
];

fn check_bytes(name: &str, bytes: &[u8]) -> quiz::Checked {
    let format = quiz::Format::from_path(Path::new(name)).expect("a quiz format");
    quiz::check_bytes(
        name.split('.').next().unwrap(),
        format,
        bytes,
        &quizbot::render::preflight::DiscordFit,
    )
}

/// Kahoot's template as a workbook: a merged title above the header (as the template has),
/// the header found by its text, numbers typed as numbers, a multi-select `1,3`, and a cell
/// computed by a formula read by its value with a warning.
#[test]
fn a_kahoot_workbook_reads_like_its_csv() {
    let rows: &[&[&str]] = &[
        &["Kahoot quiz template"],
        &[],
        KAHOOT_HEADER,
        &["Largest planet?", "Mars", "Jupiter", "", "Venus", "20", "2"],
        &["Which are even?", "2", "3", "4", "", "30", "1,3"],
        &["Seven times six?", "=6*7|42", "48", "", "", "", "1"],
    ];
    let c = check_bytes("night.xlsx", &workbook(rows, &["A1:G1"]));
    let shown = c.render("night.xlsx", 20);
    let quiz = c.quiz.clone().unwrap_or_else(|| panic!("{shown}"));
    let q = &quiz.questions;
    assert_eq!(q.len(), 3);
    assert_eq!(q[0].options, ["Mars", "Jupiter", "Venus"]);
    assert_eq!((q[0].answer, q[0].seconds, q[0].line), (1, Some(20), 4));
    assert_eq!(q[1].options, ["2", "3", "4"], "numbers as typed, not `2.0`");
    assert_eq!(q[1].answers, [0, 2]);
    assert_eq!(q[2].options, ["42", "48"]);
    assert!(
        shown.contains("night.xlsx:6:2: warning: cell B6 holds a formula (`=6*7`)"),
        "{shown}"
    );

    // The same questions as a .csv give the same quiz.
    let csv: String = rows[2..]
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| format!("\"{}\"", c.split('|').nth(1).unwrap_or(c)))
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect();
    let from_csv = check_bytes("night.csv", csv.as_bytes()).quiz.expect("csv");
    let strip = |qs: &[quizbot::quiz::Question]| -> Vec<(String, Vec<String>, Vec<usize>)> {
        qs.iter()
            .map(|q| (q.prompt.clone(), q.options.clone(), q.correct_indexes()))
            .collect()
    };
    assert_eq!(strip(&from_csv.questions), strip(q));
}

/// Workbooks that cannot be read get a message, not a crash: merged cells among the questions,
/// an empty sheet, a sheet with no header, a zip that unpacks to far more than it weighs.
#[test]
fn bad_workbooks_are_refused_with_the_reason() {
    let merged = workbook(
        &[
            KAHOOT_HEADER,
            &["Q?", "a", "b", "", "", "", "1"],
            &["R?", "a", "b", "", "", "", "2"],
        ],
        &["B2:C2"],
    );
    let cases: Vec<(&str, Vec<u8>, &str)> =
        vec![
        (
            "merged.xlsx",
            merged,
            "merged.xlsx:2:2: error: sheet `Quiz` has merged cells among its questions (from B2)",
        ),
        ("empty.xlsx", workbook(&[], &[]), "the workbook's sheets are empty"),
        (
            "noheader.xlsx",
            workbook(&[&["just", "some", "cells"]], &[]),
            "has no header row naming its columns",
        ),
        (
            "bomb.xlsx",
            common::zip_of(&[("xl/worksheets/sheet1.xml", &vec![b' '; 70 * 1024 * 1024])]),
            "the workbook unpacks to more than 64 MiB",
        ),
        ("fake.xlsx", b"Question,Answer 1".to_vec(), "not an .xlsx workbook quizbot can read"),
    ];
    for (name, bytes, expected) in cases {
        let c = check_bytes(name, &bytes);
        let shown = c.render(name, 20);
        assert!(c.quiz.is_none(), "{name} was accepted");
        assert!(
            shown.contains(expected),
            "{name}: expected {expected:?} in\n{shown}"
        );
    }
}

/// A Moodle GIFT file uploaded and played live: its multi-answer question (positive
/// `%weights%`) is a menu scored all or nothing, true/false and missing-word questions have
/// buttons, a short answer is typed; the numerical question is left out with a warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gift_file_with_a_multi_answer_question_played_live() {
    let h = common::start(Options {
        players: 2,
        ..Options::default()
    })
    .await;
    let added = h.upload("imports/moodle-science.gift").await;
    assert!(
        added.content.starts_with("✅ Added **Moodle science**"),
        "{}",
        added.content
    );
    assert!(
        added
            .content
            .contains("`How many legs has an insect?` is a numerical question"),
        "{}",
        added.content
    );
    h.run(h.host, "quiz start", &[("quiz", "moodle-science".into())])
        .await;
    let (ada, bo) = (h.players[0], h.players[1]);

    let q1 = h.question(h.channel, 1).await;
    let menu = &q1.selects[0];
    assert_eq!(menu.options.len(), 4);
    h.clock.set(T0 + 300);
    let ack = h.select(ada, &q1, &["0", "1"]).await;
    assert!(
        ack.content.starts_with("Locked in: **A, B**"),
        "{}",
        ack.content
    );
    h.select(bo, &q1, &["0"]).await;
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 100_000);
    let revealed = h.revealed(h.channel, 1).await;
    assert_eq!(revealed.embeds[1].title, "✅ Answer: A, B");
    assert!(revealed.embeds[1]
        .description
        .contains("Neon and argon sit in group 18."));

    let q2 = h.question(h.channel, 2).await;
    let labels: Vec<&str> = q2.buttons().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["A · True", "B · False"]);
    h.clock.set(T0 + 100_300);
    h.click(ada, q2.id, &common::Harness::button_id(&q2, 'A'))
        .await;
    h.click(bo, q2.id, &common::Harness::button_id(&q2, 'B'))
        .await;
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 200_000);
    h.revealed(h.channel, 2).await;

    let q3 = h.question(h.channel, 3).await;
    h.clock.set(T0 + 200_300);
    h.type_answer(ada, &q3, "jupiter").await;
    h.type_answer(bo, &q3, "Saturn").await;
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 300_000);
    h.revealed(h.channel, 3).await;

    let q4 = h.question(h.channel, 4).await;
    assert!(q4.embeds[0]
        .description
        .contains("The chemical symbol of gold is _____ in the periodic table."));
    h.clock.set(T0 + 300_300);
    h.click(ada, q4.id, &common::Harness::button_id(&q4, 'B'))
        .await;
    h.click(bo, q4.id, &common::Harness::button_id(&q4, 'B'))
        .await;
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 400_000);
    h.revealed(h.channel, 4).await;

    let right = |user: u64| {
        h.count(&format!(
            "SELECT COUNT(*) FROM answers WHERE user_id = {user} AND correct = 1"
        ))
    };
    assert_eq!((right(ada), right(bo)), (4, 1));
    h.sim.assert_no_violations();
}

/// Every imported format goes through `/quiz upload` as it goes through `check`: a workbook,
/// an Aiken and an Anki `.txt`, a Quizlet `.tsv`, a Kahoot `.csv`; a `.txt` that is none of
/// them is refused with what quizbot reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_imported_format_can_be_uploaded() {
    let h = common::start(Options::default()).await;
    let rows: &[&[&str]] = &[
        KAHOOT_HEADER,
        &["Largest planet?", "Mars", "Jupiter", "", "", "20", "2"],
    ];
    let reply = h.upload_bytes("planets.xlsx", workbook(rows, &[])).await;
    assert!(
        reply
            .content
            .starts_with("✅ Added **Planets** (`planets`, 1 question)"),
        "{}",
        reply.content
    );
    for (file, title) in [
        ("aiken-networks.txt", "Aiken networks"),
        ("anki-elements.txt", "Anki elements"),
        ("quizlet-french.tsv", "Quizlet french"),
        ("kahoot-space.csv", "Kahoot space"),
    ] {
        let reply = h.upload(&format!("imports/{file}")).await;
        assert!(
            reply.content.starts_with(&format!("✅ Added **{title}**")),
            "{file}: {}",
            reply.content
        );
    }
    let reply = h
        .upload_bytes("notes.txt", b"just some notes".to_vec())
        .await;
    assert!(
        reply.content.starts_with("❌ `notes.txt` was not added"),
        "{}",
        reply.content
    );
    assert!(
        reply.content.contains("cannot tell which quiz format"),
        "{}",
        reply.content
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM guild_quizzes"), 5);
    h.sim.assert_no_violations();
}
