//! The parsers never panic and keep their promises on any input: arbitrary bytes, generated
//! Markdown-like text, and random mutations of every valid fixture; and so do button ids.
//! Case counts are fixed so a normal `cargo test` runs over 100,000 of them (set
//! PROPTEST_CASES to run more of each).

use std::path::Path;

use proptest::prelude::*;
use quizbot::game::run::{Progress, RunKind};
use quizbot::quiz::{self, model, Format};
use quizbot::render::custom_id::CustomId;
use quizbot::render::{limits, measure, question as card, study};

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// What must hold for anything `check` accepts: sane option counts, an answer among them, and
/// every question and reveal within Discord's limits.
fn assert_promises(bytes: &[u8], format: Format) {
    let checked = quiz::check_bytes(
        "fuzz",
        format,
        bytes,
        &quizbot::render::preflight::DiscordFit,
    );
    // Every question left out is said: an error, or a warning that says so, at or after its
    // line (too many options are pointed at the eleventh).
    for left in &checked.left_out {
        assert!(
            checked
                .diagnostics
                .iter()
                .any(|d| d.line >= left.line && (d.is_error() || d.message.contains("left out"))),
            "left out silently: line {}",
            left.line
        );
    }
    let Some(q) = checked.quiz else {
        assert!(
            checked.errors().next().is_some(),
            "rejected without an error"
        );
        return;
    };
    assert!(!q.questions.is_empty());
    for question in &q.questions {
        if question.is_typed() {
            // A typed answer: no options, 1 to 20 answers a player can type.
            assert!(question.options.is_empty());
            assert!((1..=model::MAX_ACCEPTED).contains(&question.accepted.len()));
            assert!(question
                .accepted
                .iter()
                .all(|a| { !a.is_empty() && a.chars().count() <= model::MAX_ACCEPTED_CHARS }));
        } else {
            assert!((model::MIN_OPTIONS..=model::MAX_OPTIONS).contains(&question.options.len()));
            assert!(question.answer < question.options.len());
            assert!(question.answers.iter().all(|&a| a < question.options.len()));
        }
        let c = card::Card {
            quiz_title: &q.title,
            question,
            position: question.number,
            total: q.questions.len(),
            session: 1,
            closes_at: 0,
            answered: 0,
        };
        assert_eq!(measure::problems(&card::question(&c)), Vec::<String>::new());
        let stats = card::RevealStats {
            counts: vec![1; question.options.len()],
            fastest: Some(("x".into(), 1)),
            correct: 1,
            wrong: Vec::new(),
        };
        assert_eq!(
            measure::problems(&card::reveal(&c, &stats)),
            Vec::<String>::new()
        );
    }
    // The private, self-paced views of the same questions (assignments, practice, review).
    let ctx = study::RunContext {
        run: 1,
        kind: RunKind::Practice,
        quiz: &q,
        source: None,
    };
    let mut progress = Progress::new(q.questions.len());
    for (position, question) in q.questions.iter().enumerate() {
        let view = study::run_question(&ctx, position, Some("a note"));
        assert_eq!(measure::problems(&view), Vec::<String>::new());
        // A wrong answer: another option, or on a multi-select every option but the first.
        let wrong = (question.answer + 1) % question.options.len().max(1);
        let pick = if question.is_typed() {
            model::Pick::Typed(None)
        } else if question.is_multi() {
            model::Pick::set(&(1..question.options.len()).collect::<Vec<_>>())
        } else {
            model::Pick::One(wrong as u8)
        };
        let taken = progress.answer(position, pick, question, 0, None).unwrap();
        let feedback = study::run_feedback(
            &ctx,
            position,
            taken.choice,
            Some(&"w".repeat(model::MAX_ACCEPTED_CHARS)),
            &progress,
            Some(0),
        );
        assert_eq!(measure::problems(&feedback), Vec::<String>::new());
    }
}

/// Every valid-or-not quiz file we have, read once.
fn fixtures() -> &'static [(Vec<u8>, Format)] {
    static ALL: std::sync::OnceLock<Vec<(Vec<u8>, Format)>> = std::sync::OnceLock::new();
    ALL.get_or_init(read_fixtures)
}

fn read_fixtures() -> Vec<(Vec<u8>, Format)> {
    let mut out = Vec::new();
    for dir in [
        "tests/fixtures/quiz",
        "tests/fixtures/wild",
        "tests/fixtures/imports",
        "quizzes",
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if let Some(format) = Format::from_path(&path) {
                out.push((std::fs::read(&path).unwrap(), format));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Lines a quiz author (or a confused generator) might write, to build Markdown-like files.
fn markdown_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# Title".to_string()),
        Just("---".to_string()),
        Just(String::new()),
        Just("```".to_string()),
        Just("~~~".to_string()),
        Just("## Answer Key".to_string()),
        Just("## Scoring".to_string()),
        Just("<details><summary>Answer</summary>".to_string()),
        Just("</details>".to_string()),
        Just("**Explanation:** because".to_string()),
        (1u32..15).prop_map(|n| format!("### {n}. Question {n}?")),
        (1u32..15).prop_map(|n| format!("**{n}. Bold question?**")),
        (1u32..15).prop_map(|n| format!("## Question {n}")),
        (0u8..12, "[ -~]{0,12}").prop_map(|(l, t)| format!("- {}) {t}", (b'a' + l) as char)),
        (0u8..12).prop_map(|l| format!("- [x] {}) opt", (b'a' + l) as char)),
        (0u8..12).prop_map(|l| format!("**Answer:** {}", (b'a' + l) as char)),
        (1u32..15, 0u8..12).prop_map(|(n, l)| format!("{n}. {}", (b'a' + l) as char)),
        (0u32..12, 0u32..12).prop_map(|(a, b)| format!("- {a}-{b} correct: tier")),
        // Shapes of files from the wild.
        Just("---\ntitle: Front matter\n---".to_string()),
        Just("- [ ] .".to_string()),
        Just("- [x] unlettered".to_string()),
        Just("- [ ] A, C".to_string()),
        Just("( ) box {{feedback}}".to_string()),
        Just("(x) box {{Correct.}}".to_string()),
        Just("   - A) nested".to_string()),
        Just("    indented code".to_string()),
        Just("  ```".to_string()),
        Just("<details>".to_string()),
        Just("<summary>Explanation</summary>".to_string()),
        Just("<table><tr><td>cell</td></tr></table>".to_string()),
        Just("| 1-2 correct | label |".to_string()),
        Just("|---|---|".to_string()),
        Just("> **Explanation:** quoted".to_string()),
        Just("## Multiple Choice".to_string()),
        Just("### Why is it?".to_string()),
        Just("{{< quizdown >}}".to_string()),
        Just("The correct answer is b) this.".to_string()),
        Just("**Answer:** A, C".to_string()),
        Just("**Answer**:".to_string()),
        Just("![image](x.png)".to_string()),
        (1u32..15).prop_map(|n| format!("**Question {n}:** What?")),
        (1u32..15).prop_map(|n| format!("Q{n}. Plain question?")),
        (1u32..15).prop_map(|n| format!("{n}. Which?")),
        (1u32..15).prop_map(|n| format!("## {n} Loose heading")),
        (1u32..15).prop_map(|n| format!("### {n}.{n} Section")),
        "[ -~]{0,40}",
        "\\PC{0,20}",
    ]
}

/// A random edit of a byte string.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Duplicate { at: usize, len: usize },
    Replace { at: usize, byte: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let structural = prop::sample::select(b"#-*`[]()>x:.\n\r 0123456789abAB|_~<".to_vec());
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 0..16))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 0usize..400).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), structural).prop_map(|(at, byte)| Mutation::Replace { at, byte }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Delete { at, len } => {
            let at = at % n;
            let end = (at + len).min(bytes.len());
            if at < end {
                bytes.drain(at..end);
            }
        }
        Mutation::Insert { at, bytes: new } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, new.iter().copied());
        }
        Mutation::Duplicate { at, len } => {
            let at = at % n;
            let end = (at + len).min(bytes.len());
            let copy = bytes.get(at..end).unwrap_or_default().to_vec();
            bytes.splice(at..at, copy);
        }
        Mutation::Replace { at, byte } => {
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] = *byte;
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(30_000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for format in [Format::Markdown, Format::Toml, Format::Json] {
            assert_promises(&bytes, format);
        }
    }
}

/// The formats brought from elsewhere (Red, GIFT, Aiken, sheets, cards) on bytes of any kind.
const IMPORTED: [Format; 6] = [
    Format::RedTrivia,
    Format::Gift,
    Format::Csv,
    Format::Xlsx,
    Format::Cards,
    Format::Text,
];

proptest! {
    #![proptest_config(cases(20_000))]

    #[test]
    fn arbitrary_bytes_in_the_imported_formats_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for format in IMPORTED {
            assert_promises(&bytes, format);
        }
    }
}

/// The import fixtures alone, mutated: each reader sees its own format broken in every way.
fn imports() -> Vec<&'static (Vec<u8>, Format)> {
    fixtures()
        .iter()
        .filter(|(_, f)| IMPORTED.contains(f))
        .collect()
}

proptest! {
    #![proptest_config(cases(40_000))]

    #[test]
    fn mutated_imports_keep_the_promises(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(mutation(), 1..6),
    ) {
        let (original, format) = pick.get(&imports());
        let mut bytes = original.clone();
        for m in &edits {
            apply(&mut bytes, m);
        }
        assert_promises(&bytes, *format);
    }
}

proptest! {
    #![proptest_config(cases(30_000))]

    #[test]
    fn markdown_like_text_keeps_the_promises(lines in prop::collection::vec(markdown_line(), 0..60)) {
        assert_promises(lines.join("\n").as_bytes(), Format::Markdown);
    }
}

proptest! {
    #![proptest_config(cases(45_000))]

    #[test]
    fn mutated_valid_quizzes_keep_the_promises(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(mutation(), 1..6),
    ) {
        let (original, format) = pick.get(fixtures());
        let mut bytes = original.clone();
        for m in &edits {
            apply(&mut bytes, m);
        }
        assert_promises(&bytes, *format);
    }
}

/// Button ids come from Discord clicks, which anyone can forge: parsing never panics, and
/// whatever it accepts is exactly what the bot would have written.
fn custom_id_text() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        Just("0".to_string()),
        Just("01".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999".to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (0u32..300).prop_map(|n| n.to_string()),
        "[0-9 +x]{0,6}",
    ];
    let part = prop_oneof![number, "[a-z]{0,2}", Just(String::new())];
    prop_oneof![
        any::<String>(),
        ("[qrapn]", prop::collection::vec(part, 0..5)).prop_map(|(k, parts)| std::iter::once(k)
            .chain(parts)
            .collect::<Vec<_>>()
            .join(":")),
        "[qrapn:0-9]{0,120}",
    ]
}

proptest! {
    #![proptest_config(cases(20_000))]

    #[test]
    fn custom_ids_parse_strictly(text in custom_id_text()) {
        if let Ok(id) = text.parse::<CustomId>() {
            prop_assert_eq!(id.to_string(), text, "one spelling per id");
        }
    }

    #[test]
    fn every_id_the_bot_writes_parses_back(session in 1i64.., question in 0u32..200, choice in 0u8..10) {
        for id in [
            CustomId::Answer { session, question, choice },
            CustomId::MyResults { session },
            CustomId::Start { assignment: session },
            CustomId::RunAnswer { run: session, question, choice },
            CustomId::RunNext { run: session, question },
            CustomId::Pick { session, question },
            CustomId::RunPick { run: session, question },
            CustomId::Type { session, question },
            CustomId::TypeSubmit { session, question },
            CustomId::RunType { run: session, question },
            CustomId::RunTypeSubmit { run: session, question },
        ] {
            let text = id.to_string();
            prop_assert!(text.len() <= limits::CUSTOM_ID);
            prop_assert_eq!(text.parse::<CustomId>(), Ok(id));
        }
    }
}

#[test]
fn the_fixture_corpus_is_present() {
    assert!(fixtures().len() > 20);
    assert!(imports().len() >= 6, "every imported format has a fixture");
    assert!(Path::new("quizzes/day-42-attention-mechanisms.md").exists());
}
