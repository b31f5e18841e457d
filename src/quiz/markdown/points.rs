//! A question's points line: `**Points:** 2`, `Points: 0`, `- **Points**: 2`, `> Points: 2`.
//! Only a whole number after the label makes one, so that an explanation sentence starting
//! "Points: …" stays prose.

use super::lines::{skip_emphasis, strip_bullet, strip_keyword, unquote};

/// The column of the label and the number after it (which may be out of range: the caller
/// says so).
pub fn points_line(line: &str) -> Option<(usize, u64)> {
    let t = unquote(line).unwrap_or(line);
    let t = strip_bullet(t).unwrap_or(t);
    let s = skip_emphasis(t);
    let col = line.len() - s.len();
    let rest = strip_keyword(s, "points")?;
    let rest = rest.trim_start_matches(['*', '_']).trim_start();
    let rest = rest.strip_prefix(':')?;
    let value = rest.trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace());
    // `2`, or `2 points` as some authors write it.
    let number = value
        .strip_suffix("points")
        .or_else(|| value.strip_suffix("point"))
        .unwrap_or(value)
        .trim();
    if number.is_empty() || number.len() > 6 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((line[..col].chars().count() + 1, number.parse().ok()?))
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
}
