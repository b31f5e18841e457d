//! Markdown images in quiz text. Discord draws no Markdown images inside an embed: a quiz's
//! `![diagram](https://…/d.png)` showed as that literal text. One picture per message can be the
//! embed's image, so the first `http(s)` image of a question becomes it, and every image in the
//! text becomes a link to itself (`[🖼 diagram](https://…)`), so none is lost. An image named by
//! a relative path (a file beside the quiz) is not sent yet: its name stays, marked, as text.

/// The text with each image written as a link (or, for a file, its marked name), and the
/// `http(s)` URLs of the images, in order.
pub fn pictures(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut urls = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("![") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match image_at(after) {
            Some((alt, target, used)) => {
                let alt = if alt.trim().is_empty() {
                    "image"
                } else {
                    alt.trim()
                };
                if is_web(target) {
                    out.push_str(&format!("[🖼 {alt}]({target})"));
                    urls.push(target.to_string());
                } else {
                    let name = target.rsplit('/').next().unwrap_or(target);
                    out.push_str(&format!("🖼 {alt} (`{name}`)"));
                }
                rest = &after[used..];
            }
            None => {
                out.push_str("![");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, urls)
}

/// The text with each image reduced to its marked alt text (`🖼 icon`): for places that show
/// no links — button labels, and acknowledgements, where a link would unfurl a preview.
pub fn named(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("![") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match image_at(after) {
            Some((alt, _, used)) => {
                let alt = alt.trim();
                out.push_str(if alt.is_empty() { "🖼" } else { "🖼 " });
                out.push_str(alt);
                rest = &after[used..];
            }
            None => {
                out.push_str("![");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// After `![`: the alt text, the target and how many bytes the image took, if `alt](target)`
/// (with an optional `"title"`) follows on one line.
fn image_at(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find(']')?;
    let alt = &s[..close];
    if alt.contains('\n') || alt.contains('[') {
        return None;
    }
    let inner = s[close + 1..].strip_prefix('(')?;
    let end = inner.find(')')?;
    let target_and_title = &inner[..end];
    if target_and_title.contains('\n') {
        return None;
    }
    let target = target_and_title.split_whitespace().next()?;
    let target = target.trim_start_matches('<').trim_end_matches('>');
    Some((alt, target, close + 2 + end + 1))
}

fn is_web(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && target.len() <= 2_000
        && !target.contains(['<', '>', ' ', '"'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_images_become_links_and_are_listed() {
        let (text, urls) = pictures(
            "Look: ![a diagram](https://example.org/d.png \"Fig 1\") and ![](http://x.test/y.gif).",
        );
        assert_eq!(
            text,
            "Look: [🖼 a diagram](https://example.org/d.png) and [🖼 image](http://x.test/y.gif)."
        );
        assert_eq!(urls, ["https://example.org/d.png", "http://x.test/y.gif"]);
    }

    #[test]
    fn files_keep_their_name_and_nothing_else_changes() {
        let (text, urls) = pictures("![Figure](images/fig-2.png) then `![not](code)`?");
        assert_eq!(text, "🖼 Figure (`fig-2.png`) then `🖼 not (`code`)`?");
        assert!(urls.is_empty());
        let plain = "No image here, [a link](https://example.org) and ![broken";
        assert_eq!(pictures(plain), (plain.to_string(), Vec::new()));
        assert_eq!(
            pictures("![x](javascript:alert(1))").1,
            Vec::<String>::new()
        );
    }

    #[test]
    fn named_keeps_only_the_alt_text() {
        assert_eq!(
            named("Triangle ![icon](https://x.test/i.png)"),
            "Triangle 🖼 icon"
        );
        assert_eq!(named("![](a.png) b"), "🖼 b");
    }

    #[test]
    fn any_text_is_handled_without_a_panic() {
        for t in [
            "![",
            "![]",
            "![](",
            "![a](b",
            "!![a](https://x)",
            "![é](https://é.test/ü)",
            "![\n](x)",
        ] {
            let _ = pictures(t);
            let _ = named(t);
        }
    }
}
