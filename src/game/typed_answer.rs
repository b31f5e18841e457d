//! Whether a typed answer is one of a question's accepted answers. One function for every
//! place that judges a typed answer (live quizzes, assignments, practice, review), so that a
//! player is never right in one and wrong in another.
//!
//! Both sides are brought to one form first ([`normalise`]): letter case, accents, the spaces
//! and punctuation around the answer, a leading English article ("the", "a", "an") and digit
//! grouping (`1,000` and `1 000` are `1000`) do not count. Then, unless the quiz asks for
//! exact answers, one slip is forgiven in an accepted answer of five letters or more: a letter
//! missing, one too many, one wrong, or two swapped. Digits are never forgiven — "1984" is not
//! "1985", nor "Apollo 12" "Apollo 11". Numbers written as words are not read
//! ("three" is not "3"): an author who wants both lists both.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Accepted answers shorter than this many letters must be typed without a slip.
pub const FORGIVING_FROM_LETTERS: usize = 5;

/// What a sentence puts around an answer.
const SENTENCE_PUNCTUATION: &[char] = &[
    '.', ',', '!', '?', ';', ':', '"', '\'', '¿', '¡', '(', ')', '[', ']', '«', '»', '“', '”', '‘',
    '’', '…', '*', '_', '`',
];

/// The form answers are compared in (also the key that groups players' wrong answers, so that
/// "paris" and "Paris!" count as one).
pub fn normalise(text: &str) -> String {
    // Accents off: decompose (é → e + ◌́) and drop the marks; then one case.
    let plain: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut text = words.join(" ");
    // Sentence punctuation around the answer ("Paris.", "¿Madrid?", "'42'"), not inside it,
    // and not signs that are part of a name ("C++", "C#", "-5"). An answer that is nothing
    // but punctuation is kept as written.
    let trimmed = text.trim_matches(SENTENCE_PUNCTUATION);
    if !trimmed.is_empty() {
        text = trimmed.to_string();
    }
    let text = ungroup_digits(&text);
    match text.split_once(' ') {
        Some(("the" | "a" | "an", rest)) if !rest.is_empty() => rest.to_string(),
        _ => text,
    }
}

/// `1,000,000` and `1 000` → `1000000`, `1000`: a comma, space, apostrophe or underscore between
/// a digit and exactly three more digits is a thousands separator. `3,14` (a decimal comma) and
/// `1,2,3` (a list) are left alone.
fn ungroup_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let separator = matches!(c, ',' | ' ' | '\'' | '_' | '\u{202f}' | '\u{a0}');
        if separator && i > 0 && chars[i - 1].is_ascii_digit() {
            let group = chars.get(i + 1..i + 4);
            let after = chars.get(i + 4);
            if group.is_some_and(|g| g.iter().all(char::is_ascii_digit))
                && !after.is_some_and(char::is_ascii_digit)
            {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The index of the accepted answer `typed` matches, if any: an exact match (after
/// [`normalise`]) wins over a forgiven slip, and the first accepted answer over a later one.
pub fn matching(typed: &str, accepted: &[String], exact: bool) -> Option<usize> {
    let typed = normalise(typed);
    if typed.is_empty() {
        return None;
    }
    let forms: Vec<String> = accepted.iter().map(|a| normalise(a)).collect();
    if let Some(i) = forms.iter().position(|a| *a == typed) {
        return Some(i);
    }
    if exact {
        return None;
    }
    forms.iter().position(|a| {
        a.chars().filter(|c| c.is_alphabetic()).count() >= FORGIVING_FROM_LETTERS
            && one_slip_apart(a, &typed)
    })
}

/// Whether `a` and `b` differ by one edit that involves no digit: a character inserted,
/// deleted or replaced, or two neighbours swapped.
fn one_slip_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let Some(i) = short.iter().zip(long.iter()).position(|(x, y)| x != y) else {
        // Equal up to the shorter one's end: the longer has one more at the end (or they are
        // equal, which the caller has ruled out).
        return long.len() == short.len() + 1 && !long[short.len()].is_ascii_digit();
    };
    let digit = |c: &char| c.is_ascii_digit();
    if long.len() == short.len() {
        // Replaced: the rest is equal.
        if short[i + 1..] == long[i + 1..] {
            return !digit(&short[i]) && !digit(&long[i]);
        }
        // Swapped with the next one.
        return i + 1 < short.len()
            && short[i] == long[i + 1]
            && short[i + 1] == long[i]
            && short[i + 2..] == long[i + 2..]
            && !digit(&short[i])
            && !digit(&short[i + 1]);
    }
    // One more in the longer, at i.
    short[i..] == long[i + 1..] && !digit(&long[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// (typed, accepted answers, exact, the accepted answer it matches)
    const TABLE: &[(&str, &[&str], bool, Option<usize>)] = &[
        // Case, spaces, surrounding punctuation.
        ("paris", &["Paris"], false, Some(0)),
        ("  PARIS!  ", &["Paris"], false, Some(0)),
        ("¿Madrid?", &["Madrid"], false, Some(0)),
        ("\"Paris\".", &["Paris"], false, Some(0)),
        ("new   york", &["New York"], false, Some(0)),
        // Accents, either way round.
        ("sao paulo", &["São Paulo"], false, Some(0)),
        ("Zürich", &["Zurich"], false, Some(0)),
        ("creme brulee", &["crème brûlée"], false, Some(0)),
        // Leading articles, either way round; not a lone "a".
        ("Beatles", &["The Beatles"], false, Some(0)),
        ("the Nile", &["Nile"], false, Some(0)),
        ("an apple", &["apple"], false, Some(0)),
        ("a", &["A"], false, Some(0)),
        ("a", &["b"], false, None),
        // Digit grouping; decimals and lists stay as written.
        ("1000", &["1,000"], false, Some(0)),
        ("1,000,000", &["1000000"], false, Some(0)),
        ("1 000", &["1000"], false, Some(0)),
        ("3,14", &["314"], false, None),
        ("3.14", &["3.14"], false, Some(0)),
        ("1,2,3", &["123"], false, None),
        // One slip in five letters or more.
        ("Pariss", &["Paris"], false, Some(0)),
        ("Pars", &["Paris"], false, Some(0)),
        ("Parus", &["Paris"], false, Some(0)),
        ("Pairs", &["Paris"], false, Some(0)),
        ("Mississipi", &["Mississippi"], false, Some(0)),
        // Two slips, or a slip in a short answer, or with `exact`.
        ("Prais", &["Paris"], false, Some(0)),
        ("Parsi", &["Paris"], false, Some(0)),
        ("Pqrus", &["Paris"], false, None),
        ("Rime", &["Rome"], false, None),
        ("Pariss", &["Paris"], true, None),
        ("paris", &["Paris"], true, Some(0)),
        // Digits are never forgiven.
        ("1985", &["1984"], false, None),
        ("Apollo 12", &["Apollo 11"], false, None),
        ("Apollo 1", &["Apollo 11"], false, None),
        ("Apollo 11", &["Apollo 11"], false, Some(0)),
        // Which accepted answer: an exact one before a forgiven slip.
        ("colour", &["color", "colour"], false, Some(1)),
        ("colr", &["color", "colour"], false, Some(0)),
        ("clr", &["color", "colour"], false, None),
        ("coloor", &["color", "colour"], false, Some(0)),
        // Nothing typed, or only punctuation that is not the answer.
        ("", &["Paris"], false, None),
        ("   ", &["Paris"], false, None),
        ("?", &["Paris"], false, None),
        // An answer that is punctuation is compared as written.
        ("C++", &["C++"], false, Some(0)),
        ("C", &["C++"], false, None),
        ("c#", &["C#"], false, Some(0)),
        ("(-5)", &["-5"], false, Some(0)),
        ("!", &["!"], false, Some(0)),
        // Numbers written as words are not read.
        ("three", &["3"], false, None),
    ];

    #[test]
    fn the_table() {
        for (typed, list, exact, want) in TABLE {
            assert_eq!(
                matching(typed, &accepted(list), *exact),
                *want,
                "{typed:?} against {list:?} (exact: {exact})"
            );
        }
    }

    #[test]
    fn wrong_answers_group_by_their_normal_form() {
        assert_eq!(normalise("  The Eiffel Tower! "), normalise("eiffel tower"));
        assert_ne!(normalise("Eiffel"), normalise("Eiffel Tower"));
    }

    #[test]
    fn any_text_is_judged_without_a_panic() {
        let odd = [
            "\u{0}",
            "\u{301}",
            "ﬁ",
            "🇫🇷",
            "a\u{200d}b",
            "1,",
            ",000",
            "9,99",
            "１０００",
            "ǅ",
        ];
        for t in odd {
            for a in odd {
                let _ = matching(t, &accepted(&[a]), false);
            }
        }
        // Compatibility forms: full-width digits and the "fi" ligature read as what they show.
        assert_eq!(matching("１０００", &accepted(&["1000"]), false), Some(0));
        assert_eq!(matching("ﬁsh", &accepted(&["fish"]), false), Some(0));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// Whatever anyone types: no panic, and an answer typed as it was written is right.
        #[test]
        fn any_answer_typed_as_written_is_right(
            typed in "\\PC{0,40}",
            written in "\\PC{0,40}",
        ) {
            let _ = matching(&typed, &accepted(&[&written]), false);
            if !normalise(&written).is_empty() {
                proptest::prop_assert_eq!(matching(&written, &accepted(&[&written]), true), Some(0));
            }
        }
    }
}
