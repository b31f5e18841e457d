//! Short replies, most of them ephemeral: acknowledgements and polite refusals.

use super::text::inline_option;
use super::view::MessageView;
use crate::game::live::Refusal;
use crate::quiz::model::letter;

pub fn locked_in(choice: usize, option: &str, changed: bool) -> MessageView {
    MessageView::text(format!(
        "{} **{}** — {}",
        if changed { "Changed to" } else { "Locked in:" },
        letter(choice),
        inline_option(option, 300)
    ))
}

pub fn refusal(r: &Refusal) -> MessageView {
    MessageView::text(match r {
        Refusal::Closed => "⏱ This question is closed — answers are no longer taken.".to_string(),
        Refusal::NotOpen => "That question isn't open.".to_string(),
        Refusal::AlreadyAnswered { choice } => format!(
            "You already answered **{}** — one answer per question.",
            letter(usize::from(*choice))
        ),
        Refusal::Finished => "This quiz has finished.".to_string(),
        Refusal::NoSuchOption => "That isn't an option of this question.".to_string(),
    })
}

pub fn text(s: impl Into<String>) -> MessageView {
    MessageView::text(s)
}
