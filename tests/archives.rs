//! Uploaded archives (docs/quiz-format.md, "Images"): what comes out of a `.zip`, and the
//! archives that are refused before anything is unpacked — bombs, paths that climb out, too
//! many entries, no quiz or two.

mod common;

use common::zip_of;
use quizbot::quiz::archive::{unpack, MAX_ENTRIES};
use quizbot::quiz::Format;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

#[test]
fn the_quiz_and_the_pictures_of_its_folder_come_out() {
    let bytes = zip_of(&[
        ("night/quiz.md", b"# Quiz\n"),
        ("night/img/a.png", PNG),
        ("night/notes.txt", b"not a picture"),
        ("other/b.png", PNG),
        ("__MACOSX/night/._a.png", b"fork"),
    ]);
    let u = unpack(&bytes).unwrap();
    assert_eq!(u.quiz_path, "night/quiz.md");
    assert_eq!(u.format, Format::Markdown);
    assert_eq!(u.quiz, b"# Quiz\n");
    assert_eq!(u.files.keys().collect::<Vec<_>>(), ["img/a.png"]);
}

#[test]
fn an_entry_that_climbs_out_is_refused_before_anything_is_read() {
    for evil in ["../evil.png", "a/../../evil.png", "/etc/passwd", "C:/x.png"] {
        let bytes = zip_of(&[("quiz.md", b"# Q\n"), (evil, PNG)]);
        let e = unpack(&bytes).unwrap_err();
        assert!(e.contains("outside the archive"), "{evil}: {e}");
    }
}

#[test]
fn no_quiz_two_quizzes_and_non_zips_are_told_apart() {
    let none = unpack(&zip_of(&[("a.png", PNG)])).unwrap_err();
    assert!(none.contains("no quiz file"), "{none}");
    let two = unpack(&zip_of(&[("a.md", b"x"), ("b.toml", b"y")])).unwrap_err();
    assert!(
        two.contains("2 quiz files") && two.contains("`a.md`"),
        "{two}"
    );
    let not = unpack(b"# just markdown").unwrap_err();
    assert!(not.contains("not a .zip"), "{not}");
}

#[test]
fn a_zip_bomb_costs_at_most_the_limits() {
    // 70 MiB of zeros in five files compress to well under a megabyte.
    let zeros = vec![0u8; 14 * 1024 * 1024];
    let files: Vec<(String, &[u8])> = (0..5)
        .map(|i| (format!("{i}.png"), zeros.as_slice()))
        .collect();
    let mut all: Vec<(&str, &[u8])> = vec![("quiz.md", b"# Q\n")];
    all.extend(files.iter().map(|(n, b)| (n.as_str(), *b)));
    let bytes = zip_of(&all);
    assert!(bytes.len() < 1024 * 1024);
    let e = unpack(&bytes).unwrap_err();
    assert!(e.contains("unpacks to"), "{e}");
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("{i}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let e = unpack(&zip_of(&files)).unwrap_err();
    assert!(e.contains("at most 200"), "{e}");
}
