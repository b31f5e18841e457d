//! A question's detail lines, in any of the shapes labels take (`**Points:** 2`, `Points: 0`,
//! `- **Points**: 2`, `> Points: 2`): its points (only a whole number after the label makes
//! one, so that an explanation sentence starting "Points: …" stays prose), its tags
//! (`**Tags:** geography, europe`) and its difficulty (`**Difficulty:** easy`).

use super::lines::{skip_emphasis, strip_bullet, strip_keyword, unquote};

/// One detail line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    Points(u64),
    /// The comma-separated values as written (the caller checks and cleans them).
    Tags(Vec<String>),
    Difficulty(String),
}

/// The label (`points`, `tags`, …) and the raw value after its colon, with the label's column.
fn labelled<'a>(line: &'a str, keyword: &str) -> Option<(usize, &'a str)> {
    let t = unquote(line).unwrap_or(line);
    let t = strip_bullet(t).unwrap_or(t);
    let s = skip_emphasis(t);
    let col = line.len() - s.len();
    let rest = strip_keyword(s, keyword)?;
    let rest = rest.trim_start_matches(['*', '_']).trim_start();
    let rest = rest.strip_prefix(':')?;
    let value = rest.trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace());
    Some((line[..col].chars().count() + 1, value))
}

/// A detail line, with the column of its label.
pub fn detail_line(line: &str) -> Option<(usize, Detail)> {
    if let Some((col, n)) = points_line(line) {
        return Some((col, Detail::Points(n)));
    }
    if let Some((col, value)) = labelled(line, "tags") {
        let tags: Vec<String> = value
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        return (!tags.is_empty()).then_some((col, Detail::Tags(tags)));
    }
    if let Some((col, value)) = labelled(line, "difficulty") {
        return (!value.is_empty()).then(|| (col, Detail::Difficulty(value.to_string())));
    }
    None
}

/// The column of the label and the number after it (which may be out of range: the caller
/// says so).
pub fn points_line(line: &str) -> Option<(usize, u64)> {
    let (col, value) = labelled(line, "points")?;
    // `2`, or `2 points` as some authors write it.
    let number = value
        .strip_suffix("points")
        .or_else(|| value.strip_suffix("point"))
        .unwrap_or(value)
        .trim();
    if number.is_empty() || number.len() > 6 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((col, number.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_lines_in_every_form() {
        assert_eq!(points_line("**Points:** 2"), Some((3, 2)));
        assert_eq!(points_line("Points: 0"), Some((1, 0)));
        assert_eq!(points_line("- **Points**: 3"), Some((5, 3)));
        assert_eq!(points_line("> Points: 2 points"), Some((3, 2)));
        assert_eq!(points_line("**Points: 2**"), Some((3, 2)));
        assert_eq!(points_line("points : 1"), Some((1, 1)));
        assert_eq!(points_line("Points: the key idea"), None);
        assert_eq!(points_line("Points: -1"), None);
        assert_eq!(points_line("Pointsy: 2"), None);
        assert_eq!(points_line("Points: 99999999999"), None);
        assert_eq!(points_line("Points: 12"), Some((1, 12)));
    }

    #[test]
    fn tags_and_difficulty_lines() {
        assert_eq!(
            detail_line("**Tags:** Geography, Europe ,"),
            Some((3, Detail::Tags(vec!["Geography".into(), "Europe".into()])))
        );
        assert_eq!(
            detail_line("> **Difficulty:** hard"),
            Some((5, Detail::Difficulty("hard".into())))
        );
        assert_eq!(detail_line("Tags:"), None);
        assert_eq!(detail_line("Tagsy: a"), None);
        assert_eq!(detail_line("**Points:** 2"), Some((3, Detail::Points(2))));
    }
}
