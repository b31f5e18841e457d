//! Markdown images in quiz text. Discord draws no Markdown images inside an embed: a quiz's
//! `![diagram](https://…/d.png)` showed as that literal text. One picture per message can be the
//! embed's image, so the first `http(s)` image of a question becomes it, and every image in the
//! text becomes a link to itself (`[🖼 diagram](https://…)`), so none is lost. An image named by
//! a relative path (a file beside the quiz) keeps its name, marked, in the text; its file goes
//! with the message as an attachment (`render::question::pictures`), the first one as the
//! embed's image when the question has no web image.

use crate::quiz::images::{is_web, refs};

/// The text with each image written as a link (or, for a file, its marked name), and the
/// `http(s)` URLs of the images, in order.
pub fn pictures(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut urls = Vec::new();
    let mut at = 0;
    for r in refs(text) {
        out.push_str(&text[at..r.start]);
        let alt = if r.alt.trim().is_empty() {
            "image"
        } else {
            r.alt.trim()
        };
        if is_web(r.target) {
            out.push_str(&format!("[🖼 {alt}]({})", r.target));
            urls.push(r.target.to_string());
        } else {
            let path = r.target.split(['?', '#']).next().unwrap_or(r.target);
            let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
            out.push_str(&format!("🖼 {alt} (`{name}`)"));
        }
        at = r.end;
    }
    out.push_str(&text[at..]);
    (out, urls)
}

/// The text with each image reduced to its marked alt text (`🖼 icon`): for places that show
/// no links — button labels, and acknowledgements, where a link would unfurl a preview.
pub fn named(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in refs(text) {
        out.push_str(&text[at..r.start]);
        let alt = r.alt.trim();
        out.push_str(if alt.is_empty() { "🖼" } else { "🖼 " });
        out.push_str(alt);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
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
        let (text, urls) = pictures("![Figure](images/fig-2.png?raw=true) then `![not](code)`?");
        assert_eq!(text, "🖼 Figure (`fig-2.png`) then `![not](code)`?");
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
