//! Short replies, most of them ephemeral: acknowledgements and polite refusals.

use super::text::{inline_option, player_text};
use super::view::MessageView;
use crate::game::live::Refusal;
use crate::quiz::model::{letter, Pick};

/// The ack of an answer: its letter and option, or for a multi-select set every letter and
/// each option on a line of its own.
pub fn locked_in(
    pick: Pick,
    options: &[String],
    typed: Option<&str>,
    changed: bool,
) -> MessageView {
    let said = if changed { "Changed to" } else { "Locked in:" };
    let picked = pick.indexes();
    let text = |i: usize| options.get(i).map_or("", String::as_str);
    MessageView::text(match pick {
        Pick::One(i) => format!(
            "{said} **{}** — {}",
            letter(usize::from(i)),
            inline_option(text(usize::from(i)), 300)
        ),
        Pick::Typed(_) => format!("{said} **{}**", player_text(typed.unwrap_or(""), 100)),
        Pick::Set(_) => {
            // Ten options of 150 characters stay far below a message's 2,000.
            let mut out = format!("{said} **{}**", pick.letters());
            for i in picked {
                out.push_str(&format!(
                    "\n**{}.** {}",
                    letter(i),
                    inline_option(text(i), 150)
                ));
            }
            out
        }
    })
}

pub fn refusal(r: &Refusal) -> MessageView {
    MessageView::text(match r {
        Refusal::Closed => "⏱ This question is closed — answers are no longer taken.".to_string(),
        Refusal::NotOpen => "That question isn't open.".to_string(),
        Refusal::AlreadyAnswered {
            pick: Pick::Typed(_),
        } => "You already answered this question — one answer per question.".to_string(),
        Refusal::AlreadyAnswered { pick } => format!(
            "You already answered **{}** — one answer per question.",
            pick.letters()
        ),
        Refusal::Finished => "This quiz has finished.".to_string(),
        Refusal::NoSuchOption => "That isn't an option of this question.".to_string(),
    })
}

pub fn text(s: impl Into<String>) -> MessageView {
    MessageView::text(s)
}
