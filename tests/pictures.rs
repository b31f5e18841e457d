//! Quiz images through the simulator and the CLI: a bundled quiz's picture files attached to
//! its live questions (the embed showing them), kept through count edits and reveals; a quiz
//! uploaded as a `.zip` with its pictures, stored in SQLite and sent again after a restart; the
//! archives and files that are refused, with the line.

mod common;

use common::{zip_of, Harness, Options, T0};
use discord_sim::Message;

fn png(seed: u8) -> Vec<u8> {
    // A PNG signature and header chunk is all `check` reads; the rest only has to differ.
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(std::iter::repeat_n(seed, 64));
    bytes
}

const NIGHT: &str = "# Picture Night\n\n\
### 1. Which planet is this?\n\n\
![a ringed planet](img/planet.png)\n\n\
- a) Mars\n- b) Saturn\n\n\
**Answer: b**\n\n\
**Explanation:** The rings give it away.\n\n\
### 2. Which flag is this?\n\n\
![a flag](img/flag.png)\n\n\
- a) Japan\n- b) Peru\n\n\
**Answer: a**\n";

/// The attachment of `m` named `filename`, with the bytes the simulator holds for it.
fn attached(h: &Harness, m: &Message, filename: &str) -> (String, Vec<u8>) {
    let a = m
        .attachments
        .iter()
        .find(|a| a.filename == filename)
        .unwrap_or_else(|| panic!("no {filename} on the message: {:?}", m.attachments));
    let bytes = h.sim.attachment_bytes(&a.url).expect("the file's bytes");
    (a.url.clone(), bytes)
}

fn names(m: &Message) -> Vec<&str> {
    m.attachments.iter().map(|a| a.filename.as_str()).collect()
}

/// The bundled picture round: each question carries its mask as a file, shown as the embed's
/// image; answered-count edits and a reveal without new pictures keep it; a reveal whose
/// explanation shows another picture carries both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundled_quiz_shows_its_picture_files() {
    let h = common::start(Options {
        players: 2,
        ..Options::default()
    })
    .await;
    h.run(h.host, "quiz start", &[("quiz", "attention-masks".into())])
        .await;
    let q1 = h.question(h.channel, 1).await;
    assert_eq!(names(&q1), ["causal.png"]);
    let (url, bytes) = attached(&h, &q1, "causal.png");
    assert_eq!(
        bytes,
        std::fs::read("quizzes/images/attention-masks/causal.png").unwrap()
    );
    assert_eq!(q1.embeds[0].image.as_deref(), Some(url.as_str()));
    assert!(q1.embeds[0]
        .description
        .contains("🖼 An 8 by 8 mask, blue on and below the diagonal (`causal.png`)"));

    h.clock.set(T0 + 500);
    h.click(h.players[0], q1.id, &Harness::button_id(&q1, 'B'))
        .await;
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 100_000);
    let revealed = h.revealed(h.channel, 1).await;
    // The explanation compares with the full mask: both pictures, the question's still shown.
    assert_eq!(names(&revealed), ["causal.png", "full.png"]);
    let (url, _) = attached(&h, &revealed, "causal.png");
    assert_eq!(revealed.embeds[0].image.as_deref(), Some(url.as_str()));
    assert!(revealed.embeds[1]
        .description
        .contains("🖼 Every cell blue (`full.png`)"));

    let q2 = h.question(h.channel, 2).await;
    assert_eq!(names(&q2), ["sliding-window.png"]);
    let first_url = q2.attachments[0].url.clone();
    h.clock.set(T0 + 100_500);
    h.click(h.players[1], q2.id, &Harness::button_id(&q2, 'A'))
        .await;
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 200_000);
    let revealed = h.revealed(h.channel, 2).await;
    assert!(revealed.edits >= 1);
    assert_eq!(
        revealed.attachments.len(),
        1,
        "kept, not uploaded again: {:?}",
        revealed.attachments
    );
    assert_eq!(revealed.attachments[0].url, first_url);
    assert_eq!(
        revealed.embeds[0].image.as_deref(),
        Some(first_url.as_str())
    );
    h.sim.assert_no_violations();
}

/// A `.zip` of a quiz and its pictures: the upload stores the pictures with the quiz; the
/// live question carries them; after a restart (nothing in memory) practice sends them from
/// SQLite, and an answer keeps the question's picture on the private message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_zip_brings_its_pictures() {
    let h = common::start(Options::default()).await;
    let (planet, flag) = (png(1), png(2));
    let archive = zip_of(&[
        ("night/quiz.md", NIGHT.as_bytes()),
        ("night/img/planet.png", &planet),
        ("night/img/flag.png", &flag),
        ("__MACOSX/night/._quiz.md", b"resource fork"),
    ]);
    let added = h.upload_bytes("night.zip", archive).await;
    assert!(
        added
            .content
            .starts_with("✅ Added **Picture Night** (`night`, 2 questions"),
        "{}",
        added.content
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM pictures"), 2);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM guild_quizzes WHERE filename = 'night.zip'"),
        1
    );

    h.run(h.host, "quiz start", &[("quiz", "night".into())])
        .await;
    let q1 = h.question(h.channel, 1).await;
    let (url, bytes) = attached(&h, &q1, "planet.png");
    assert_eq!(bytes, planet);
    assert_eq!(q1.embeds[0].image.as_deref(), Some(url.as_str()));
    h.run(h.host, "quiz stop", &[]).await;

    let h = h.restart().await;
    let ann = h.players[0];
    let first = h
        .run(ann, "quiz practice", &[("quiz", "night".into())])
        .await;
    assert_eq!(first.ephemeral_for, Some(ann));
    let (url, bytes) = attached(&h, &first, "planet.png");
    assert_eq!(bytes, planet, "read back from SQLite after the restart");
    assert_eq!(first.embeds[0].image.as_deref(), Some(url.as_str()));
    let feedback = h
        .click(ann, first.id, &Harness::button_id(&first, 'B'))
        .await;
    assert!(feedback.embeds[0].title.starts_with("✅ Right!"));
    assert_eq!(
        names(&feedback),
        ["planet.png"],
        "an update sends its files again"
    );
    let next = h
        .click(
            ann,
            feedback.id,
            feedback
                .button("Next")
                .unwrap()
                .custom_id
                .as_deref()
                .unwrap(),
        )
        .await;
    assert_eq!(names(&next), ["flag.png"]);
    assert_eq!(attached(&h, &next, "flag.png").1, flag);
    h.sim.assert_no_violations();
}

/// Archives and pictures that are refused: the reply says why (with the line for a picture)
/// and nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_archives_are_refused_with_the_reason() {
    let h = common::start(Options::default()).await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "missing.zip",
            zip_of(&[("quiz.md", NIGHT.as_bytes()), ("img/planet.png", &png(1))]),
            "missing.zip/quiz.md:16:11: error: image `img/flag.png` is not in the archive",
        ),
        (
            "renamed.zip",
            zip_of(&[
                ("quiz.md", NIGHT.as_bytes()),
                ("img/planet.png", b"GIF? no, a text file"),
                ("img/flag.png", &png(2)),
            ]),
            "renamed.zip/quiz.md:5:20: error: image `img/planet.png` is not a PNG, JPEG, GIF or WebP picture",
        ),
        (
            "climb.zip",
            zip_of(&[("quiz.md", NIGHT.as_bytes()), ("../../etc/evil.png", &png(3))]),
            "`../../etc/evil.png` would be unpacked outside the archive's folder",
        ),
        (
            "two.zip",
            zip_of(&[("a.md", NIGHT.as_bytes()), ("b.md", NIGHT.as_bytes())]),
            "the archive holds 2 quiz files (`a.md`, `b.md`)",
        ),
        (
            "fake.zip",
            NIGHT.as_bytes().to_vec(),
            "not a .zip archive quizbot can read",
        ),
    ];
    for (name, bytes, expected) in cases {
        let reply = h.upload_bytes(name, bytes).await;
        assert!(
            reply
                .content
                .starts_with(&format!("❌ `{name}` was not added")),
            "{name}: {}",
            reply.content
        );
        assert!(
            reply.content.contains(expected),
            "{name}: expected {expected:?} in\n{}",
            reply.content
        );
    }
    assert_eq!(h.count("SELECT COUNT(*) FROM guild_quizzes"), 0);
    assert_eq!(h.count("SELECT COUNT(*) FROM pictures"), 0);
    // A quiz uploaded alone has no pictures beside it: it is added, with a warning that says
    // how to send them.
    let alone = h.upload_bytes("night.md", NIGHT.as_bytes().to_vec()).await;
    assert!(alone.content.starts_with("✅ Added"), "{}", alone.content);
    assert!(
        alone.content.contains(
            "warning: image `img/planet.png` is not in a quiz uploaded alone; upload a .zip with the quiz and its images"
        ),
        "{}",
        alone.content
    );
    h.sim.assert_no_violations();
}

/// `quizbot check` on a folder: a missing picture is a warning (the quiz plays without it), a
/// file that is no picture and one over Discord's limit are errors, each with its line.
#[test]
fn check_reads_the_pictures_beside_a_quiz() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("img")).unwrap();
    std::fs::write(dir.path().join("night.md"), NIGHT).unwrap();
    std::fs::write(dir.path().join("img/planet.png"), png(1)).unwrap();
    let check = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_quizbot"))
            .arg("check")
            .arg(dir.path().join("night.md"))
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (ok, text) = check();
    assert!(ok, "{text}");
    assert!(
        text.contains("night.md:16:11: warning: image `img/flag.png` is not beside the quiz file: the question is asked without it"),
        "{text}"
    );
    assert!(
        text.contains("ok: \"Picture Night\", 2 questions"),
        "{text}"
    );

    std::fs::write(dir.path().join("img/flag.png"), b"<svg/>").unwrap();
    let (ok, text) = check();
    assert!(!ok, "{text}");
    assert!(
        text.contains(
            "night.md:16:11: error: image `img/flag.png` is not a PNG, JPEG, GIF or WebP picture"
        ),
        "{text}"
    );

    let mut huge = png(4);
    huge.resize(10 * 1024 * 1024 + 1, 0);
    std::fs::write(dir.path().join("img/flag.png"), huge).unwrap();
    let (ok, text) = check();
    assert!(!ok, "{text}");
    assert!(
        text.contains("night.md:16:11: error: image `img/flag.png` has 10485761 bytes; Discord takes files of at most 10 MiB (10485760 bytes)"),
        "{text}"
    );
}
