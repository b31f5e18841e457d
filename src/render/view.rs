//! Messages as plain data: what the bot will send, before any Discord library sees it. The
//! Discord adapter turns these into serenity builders; tests and `quizbot check` inspect them.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageView {
    pub content: String,
    pub embeds: Vec<EmbedView>,
    /// Action rows of buttons.
    pub rows: Vec<Vec<ButtonView>>,
    /// A select menu, in an action row of its own above the buttons (a multi-select question).
    pub select: Option<SelectView>,
    /// The image files the message carries (a quiz's pictures).
    pub files: Files,
}

/// The files of a message. A post with [`Files::Keep`] has none; an edit with it leaves the
/// message's files as they are (an embed may still show one as `attachment://<filename>`).
/// An interaction's reply or update always sends its files: Discord drops the ones it is not
/// sent again (docs/discord.md, "Attachments").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Files {
    #[default]
    Keep,
    /// Exactly these (none: remove every file).
    Set(Vec<FileView>),
}

impl Files {
    pub fn list(&self) -> &[FileView] {
        match self {
            Files::Keep => &[],
            Files::Set(files) => files,
        }
    }
}

/// One attached picture: its name in the message and the hash its bytes are found by
/// (`Library::picture`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileView {
    pub filename: String,
    pub hash: String,
    pub size: usize,
}

/// A modal with one text box: where a typed answer is written (interaction callback 9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModalView {
    pub custom_id: String,
    /// At most 45 characters.
    pub title: String,
    /// The text box's label, at most 45 characters.
    pub label: String,
    pub placeholder: String,
    pub max_length: u16,
}

/// A string select menu: each player's choice stays private, which toggle buttons on a shared
/// message cannot do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectView {
    pub custom_id: String,
    /// Shown while nothing is chosen (at most 150 characters).
    pub placeholder: String,
    /// Label (at most 100 characters) and value of each option, in order.
    pub options: Vec<(String, String)>,
    pub min_values: u8,
    pub max_values: u8,
    pub disabled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbedView {
    pub title: String,
    pub description: String,
    pub fields: Vec<FieldView>,
    pub footer: String,
    pub color: Option<u32>,
    /// A picture shown in the embed (an `http(s)` URL; see `render::images`).
    pub image: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldView {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonView {
    pub custom_id: String,
    pub label: String,
    pub style: ButtonStyle,
    pub disabled: bool,
}

/// Discord's button styles that send an interaction (link buttons are not used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    /// Green: the correct answer on a reveal.
    Success,
    Danger,
}

impl MessageView {
    pub fn text(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    pub fn embed(embed: EmbedView) -> Self {
        Self {
            embeds: vec![embed],
            ..Self::default()
        }
    }

    /// Lays buttons out in rows of five, as Discord requires.
    pub fn with_buttons(mut self, buttons: Vec<ButtonView>) -> Self {
        self.rows = buttons
            .chunks(super::limits::BUTTONS_PER_ROW)
            .map(<[ButtonView]>::to_vec)
            .collect();
        self
    }

    pub fn with_files(mut self, files: Files) -> Self {
        self.files = files;
        self
    }

    /// All buttons of the message, row after row.
    pub fn buttons(&self) -> impl Iterator<Item = &ButtonView> {
        self.rows.iter().flatten()
    }
}

/// Colours of the embeds, so a glance tells a question from a reveal.
pub mod color {
    pub const QUESTION: u32 = 0x5865F2;
    pub const REVEAL: u32 = 0x57F287;
    /// A wrong answer in a private run.
    pub const WRONG: u32 = 0xED4245;
    pub const RESULTS: u32 = 0xFEE75C;
    pub const NOTICE: u32 = 0x99AAB5;
}
