//! Who may host: Manage Server (or Administrator), or the configured host role. Checked at run
//! time on every host command, whatever the command's registered default permissions — a
//! server's admins can change those.

use poise::serenity_prelude as serenity;

use crate::runtime::app::App;

pub fn is_host(app: &App, guild: u64, member: Option<&serenity::Member>) -> bool {
    let Some(member) = member else {
        return false;
    };
    let perms = member
        .permissions
        .unwrap_or_else(serenity::Permissions::empty);
    if perms.manage_guild() || perms.administrator() {
        return true;
    }
    app.host_role(guild)
        .is_some_and(|role| member.roles.iter().any(|r| r.get() == role))
}

/// The polite refusal for members who may not host.
pub fn refusal(app: &App) -> String {
    format!(
        "Only hosts can do that: you need the **Manage Server** permission or the **{}** role.",
        app.config.host_role
    )
}
