//! The JSON Discord sends: gateway dispatches (READY, GUILD_CREATE, INTERACTION_CREATE) and the
//! objects REST returns. Field lists follow docs/discord.md ("Fields serenity 0.12.5 insists
//! on"); `tests/payloads_parse.rs` proves serenity's model types accept every one.

use serde::Serialize;
use serde_json::{json, Value};

use crate::time::rfc3339;
use crate::world::{Guild, Interaction, InteractionKind, Member, Message, Role, User, World};

/// Above this many members a guild is "large": GUILD_CREATE carries only the bot's own member,
/// as Discord does with serenity's `large_threshold` of 250.
pub const LARGE_THRESHOLD: usize = 250;

/// A user object. Typed (not a `Value` tree) because it is in every interaction payload.
#[derive(Serialize)]
pub struct UserPayload<'a> {
    id: String,
    username: &'a str,
    discriminator: &'static str,
    global_name: Option<&'a str>,
    avatar: Option<()>,
    bot: bool,
    public_flags: u8,
}

impl<'a> UserPayload<'a> {
    pub fn of(u: &'a User) -> Self {
        UserPayload {
            id: u.id.to_string(),
            username: &u.username,
            discriminator: "0",
            global_name: u.global_name.as_deref(),
            avatar: None,
            bot: u.bot,
            public_flags: 0,
        }
    }
}

pub fn user(u: &User) -> Value {
    serde_json::to_value(UserPayload::of(u)).unwrap_or(Value::Null)
}

pub fn role(r: &Role) -> Value {
    json!({
        "id": r.id.to_string(),
        "name": r.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": r.position,
        "permissions": r.permissions.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

/// A member object; `permissions` only inside interactions.
#[derive(Serialize)]
pub struct MemberPayload<'a> {
    user: Option<UserPayload<'a>>,
    nick: Option<&'a str>,
    avatar: Option<()>,
    roles: Vec<String>,
    joined_at: String,
    premium_since: Option<()>,
    deaf: bool,
    mute: bool,
    flags: u8,
    pending: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<String>,
}

impl<'a> MemberPayload<'a> {
    pub fn of(world: &'a World, m: &'a Member, permissions: Option<u64>) -> Self {
        MemberPayload {
            user: world.users.get(&m.user_id).map(UserPayload::of),
            nick: m.nick.as_deref(),
            avatar: None,
            roles: m.roles.iter().map(u64::to_string).collect(),
            joined_at: rfc3339(m.joined_at),
            premium_since: None,
            deaf: false,
            mute: false,
            flags: 0,
            pending: false,
            permissions: permissions.map(|p| p.to_string()),
        }
    }
}

pub fn member(world: &World, m: &Member, permissions: Option<u64>) -> Value {
    serde_json::to_value(MemberPayload::of(world, m, permissions)).unwrap_or(Value::Null)
}

#[derive(Serialize)]
struct OverwritePayload {
    id: String,
    #[serde(rename = "type")]
    kind: u8,
    allow: String,
    deny: String,
}

/// A guild text channel object.
#[derive(Serialize)]
pub struct ChannelPayload<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: u8,
    guild_id: String,
    name: &'a str,
    position: u32,
    permission_overwrites: Vec<OverwritePayload>,
    topic: Option<()>,
    nsfw: bool,
    last_message_id: Option<String>,
    rate_limit_per_user: u32,
    parent_id: Option<()>,
    flags: u32,
}

impl<'a> ChannelPayload<'a> {
    pub fn of(world: &'a World, channel_id: u64) -> Option<Self> {
        let c = world.channels.get(&channel_id)?;
        Some(ChannelPayload {
            id: c.id.to_string(),
            kind: 0,
            guild_id: c.guild_id.to_string(),
            name: &c.name,
            position: 0,
            permission_overwrites: c
                .overwrites
                .iter()
                .map(|o| OverwritePayload {
                    id: o.id.to_string(),
                    kind: o.kind,
                    allow: o.allow.to_string(),
                    deny: o.deny.to_string(),
                })
                .collect(),
            topic: None,
            nsfw: false,
            last_message_id: c.messages.last().map(u64::to_string),
            rate_limit_per_user: 0,
            parent_id: None,
            flags: 0,
        })
    }
}

pub fn channel(world: &World, channel_id: u64) -> Value {
    ChannelPayload::of(world, channel_id)
        .and_then(|c| serde_json::to_value(c).ok())
        .unwrap_or(Value::Null)
}

/// READY for shard `[id, count]`: the guilds that shard holds, as unavailable stubs.
pub fn ready(world: &World, session_id: &str, resume_url: &str, shard: [u32; 2]) -> Value {
    let bot = world
        .users
        .get(&world.app.bot_user_id)
        .map(user)
        .unwrap_or(Value::Null);
    let guilds: Vec<Value> = world
        .guilds
        .keys()
        .filter(|id| crate::gateway::shard_of(**id, shard[1]) == shard[0])
        .map(|id| json!({"id": id.to_string(), "unavailable": true}))
        .collect();
    json!({
        "v": 10,
        "user": bot,
        "guilds": guilds,
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "shard": shard,
        "application": {"id": world.app.id.to_string(), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "geo_ordered_rtc_regions": [],
        "guild_join_requests": [],
        "user_settings": {},
    })
}

pub fn guild_create(world: &World, g: &Guild) -> Value {
    let large = g.members.len() > LARGE_THRESHOLD;
    let members: Vec<Value> = if large {
        g.members
            .get(&world.app.bot_user_id)
            .map(|m| member(world, m, None))
            .into_iter()
            .collect()
    } else {
        g.members.values().map(|m| member(world, m, None)).collect()
    };
    let joined = g.members.get(&world.app.bot_user_id).map_or_else(
        || rfc3339(std::time::SystemTime::now()),
        |m| rfc3339(m.joined_at),
    );
    json!({
        "id": g.id.to_string(),
        "name": g.name,
        "icon": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": g.owner_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": g.roles.iter().map(role).collect::<Vec<_>>(),
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": false,
        "stickers": [],
        "joined_at": joined,
        "large": large,
        "unavailable": false,
        "member_count": g.members.len(),
        "voice_states": [],
        "members": members,
        "channels": g.channels.iter().map(|c| channel(world, *c)).collect::<Vec<_>>(),
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    })
}

/// A message object, as every REST route that returns one returns it.
pub fn message(world: &World, m: &Message) -> Value {
    let author = world
        .users
        .get(&m.author_id)
        .map(user)
        .unwrap_or(Value::Null);
    let mut embeds = m.embeds.clone();
    for e in &mut embeds {
        if let Some(obj) = e.as_object_mut() {
            obj.entry("type").or_insert(json!("rich"));
        }
    }
    let mut v = json!({
        "id": m.id.to_string(),
        "channel_id": m.channel_id.to_string(),
        "guild_id": m.guild_id.to_string(),
        "author": author,
        "content": m.content,
        "timestamp": rfc3339(m.created_at),
        "edited_timestamp": m.edited_at.map(rfc3339),
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": m.attachments,
        "embeds": embeds,
        "pinned": false,
        "type": if m.interaction_id.is_some() { 20 } else { 0 },
        "flags": m.flags,
        "components": m.components,
    });
    if let Some(interaction_id) = m.interaction_id {
        v["application_id"] = json!(world.app.id.to_string());
        v["webhook_id"] = json!(world.app.id.to_string());
        if let Some(metadata) = interaction_metadata(world, interaction_id, 0) {
            v["interaction_metadata"] = metadata;
        }
    }
    v
}

/// The message object serialized, from the message's cache when it is current.
pub fn message_json(world: &mut World, id: u64) -> Option<std::sync::Arc<str>> {
    let m = world.messages.get(&id)?;
    if let Some((edits, json)) = &m.json {
        if *edits == m.edits {
            return Some(json.clone());
        }
    }
    let json: std::sync::Arc<str> = message(world, m).to_string().into();
    if let Some(m) = world.messages.get_mut(&id) {
        m.json = Some((m.edits, json.clone()));
    }
    Some(json)
}

/// `interaction_metadata` of a message that answers an interaction: what serenity needs for
/// each kind (the clicked message for components, the triggering interaction for modals).
fn interaction_metadata(world: &World, id: u64, depth: u8) -> Option<Value> {
    let i = world.interactions.get(&id)?;
    let mut meta = json!({
        "id": i.id.to_string(),
        "type": i.kind as u8,
        "user": world.users.get(&i.user_id).map(user).unwrap_or(Value::Null),
        "authorizing_integration_owners": {"0": i.guild_id.to_string()},
        "original_response_message_id": i.original_message.map(|m| m.to_string()),
    });
    match i.kind {
        InteractionKind::Component => {
            meta["interacted_message_id"] = json!(i.message_id.unwrap_or(0).to_string());
        }
        InteractionKind::ModalSubmit => {
            let source = i.source.filter(|_| depth < 2)?;
            meta["triggering_interaction_metadata"] =
                interaction_metadata(world, source, depth + 1)?;
        }
        _ => {}
    }
    Some(meta)
}

#[derive(Serialize)]
struct GuildRef {
    id: String,
    locale: &'static str,
    features: [(); 0],
}

#[derive(Serialize)]
struct Owners {
    #[serde(rename = "0")]
    guild: String,
}

/// INTERACTION_CREATE: the payload of every click, so built from borrowed parts and serialized
/// in one pass, with the (cached) message spliced in as raw JSON.
#[derive(Serialize)]
struct InteractionPayload<'a> {
    id: String,
    application_id: String,
    #[serde(rename = "type")]
    kind: u8,
    data: &'a Value,
    guild_id: String,
    guild: GuildRef,
    channel_id: String,
    channel: Option<ChannelPayload<'a>>,
    member: Option<MemberPayload<'a>>,
    token: &'a str,
    version: u8,
    app_permissions: String,
    locale: &'static str,
    guild_locale: &'static str,
    entitlements: [(); 0],
    authorizing_integration_owners: Owners,
    context: u8,
    attachment_size_limit: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a serde_json::value::RawValue>,
}

/// The INTERACTION_CREATE payload, serialized: fields common to every kind, `data` from the
/// caller, and for components the message (already serialized).
pub fn interaction(world: &World, i: &Interaction, data: Value, message: Option<&str>) -> String {
    let member = world
        .guilds
        .get(&i.guild_id)
        .and_then(|g| g.members.get(&i.user_id))
        .map(|m| {
            MemberPayload::of(
                world,
                m,
                Some(world.permissions_in(i.channel_id, i.user_id)),
            )
        });
    let raw: Option<Box<serde_json::value::RawValue>> =
        message.and_then(|m| serde_json::value::RawValue::from_string(m.to_string()).ok());
    let payload = InteractionPayload {
        id: i.id.to_string(),
        application_id: world.app.id.to_string(),
        kind: i.kind as u8,
        data: &data,
        guild_id: i.guild_id.to_string(),
        guild: GuildRef {
            id: i.guild_id.to_string(),
            locale: "en-US",
            features: [],
        },
        channel_id: i.channel_id.to_string(),
        channel: ChannelPayload::of(world, i.channel_id),
        member,
        token: &i.token,
        version: 1,
        app_permissions: world
            .permissions_in(i.channel_id, world.app.bot_user_id)
            .to_string(),
        locale: "en-US",
        guild_locale: "en-US",
        entitlements: [],
        authorizing_integration_owners: Owners {
            guild: i.guild_id.to_string(),
        },
        context: 0,
        attachment_size_limit: 10 * 1024 * 1024,
        message: raw.as_deref(),
    };
    serde_json::to_string(&payload).unwrap_or_default()
}

/// GET /oauth2/applications/@me
pub fn application(world: &World) -> Value {
    let bot = world
        .users
        .get(&world.app.bot_user_id)
        .map(user)
        .unwrap_or(Value::Null);
    json!({
        "id": world.app.id.to_string(),
        "name": world.app.name,
        "icon": null,
        "description": "",
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "flags": 0,
        "bot": bot,
        "owner": bot,
        "team": null,
        "summary": "",
        "type": null,
        "rpc_origins": [],
        "redirect_uris": [],
    })
}
