//! Discord's message limits (docs/discord.md, "Limits of a message"). Lengths are counted in
//! characters (Unicode scalar values), as Discord counts them; `measure.rs` checks views
//! against them.

pub const CONTENT: usize = 2000;
pub const EMBEDS: usize = 10;
/// Title, description, field names and values, footer: summed over all embeds of a message.
pub const EMBED_TOTAL: usize = 6000;
pub const TITLE: usize = 256;
pub const DESCRIPTION: usize = 4096;
pub const FIELDS: usize = 25;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER: usize = 2048;
pub const ROWS: usize = 5;
pub const BUTTONS_PER_ROW: usize = 5;
pub const LABEL: usize = 80;
pub const CUSTOM_ID: usize = 100;

pub fn chars(s: &str) -> usize {
    s.chars().count()
}
/// A select menu option's label and value, and the menu's placeholder.
pub const SELECT_OPTION_LABEL: usize = 100;
pub const SELECT_PLACEHOLDER: usize = 150;
/// Options in one select menu.
pub const SELECT_OPTIONS: usize = 25;
/// A modal's title and a text box's label.
pub const MODAL_TITLE: usize = 45;
pub const INPUT_LABEL: usize = 45;
