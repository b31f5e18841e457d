//! Start-up and lookup routes: gateway URL, application, current user, channel, guild, member,
//! and attachment downloads.

use std::sync::Arc;

use serde_json::json;

use super::Reply;
use crate::payloads;
use crate::Shared;

pub fn gateway(shared: &Arc<Shared>, bot: bool) -> Reply {
    let url = shared.gateway_url();
    if bot {
        let gw = &shared.gateway;
        let sharding = gw.sharding.lock().clone();
        let used = gw.identifies.load(std::sync::atomic::Ordering::Relaxed);
        Reply::json(json!({
            "url": url,
            "shards": sharding.recommended,
            "session_start_limit": {
                "total": sharding.daily_identifies,
                "remaining": sharding.daily_identifies.saturating_sub(used),
                "reset_after": 14_400_000,
                "max_concurrency": sharding.max_concurrency,
            },
        }))
    } else {
        Reply::json(json!({ "url": url }))
    }
}

pub fn application(shared: &Arc<Shared>) -> Reply {
    Reply::json(payloads::application(&shared.world.lock()))
}

pub fn current_user(shared: &Arc<Shared>) -> Reply {
    let world = shared.world.lock();
    match world.users.get(&world.app.bot_user_id) {
        Some(u) => Reply::json(payloads::user(u)),
        None => Reply::not_found(),
    }
}

pub fn channel(shared: &Arc<Shared>, channel_id: u64) -> Reply {
    let world = shared.world.lock();
    if !world.channels.contains_key(&channel_id) {
        return Reply::error(404, 10003, "Unknown Channel");
    }
    Reply::json(payloads::channel(&world, channel_id))
}

pub fn guild(shared: &Arc<Shared>, guild_id: u64) -> Reply {
    let world = shared.world.lock();
    match world.guilds.get(&guild_id) {
        Some(g) => {
            let mut v = payloads::guild_create(&world, g);
            if let Some(obj) = v.as_object_mut() {
                for key in [
                    "members",
                    "channels",
                    "threads",
                    "presences",
                    "voice_states",
                ] {
                    obj.remove(key);
                }
            }
            Reply::json(v)
        }
        None => Reply::error(404, 10004, "Unknown Guild"),
    }
}

pub fn member(shared: &Arc<Shared>, guild_id: u64, user_id: u64) -> Reply {
    let world = shared.world.lock();
    match world
        .guilds
        .get(&guild_id)
        .and_then(|g| g.members.get(&user_id))
    {
        Some(m) => Reply::json(payloads::member(&world, m, None)),
        None => Reply::error(404, 10007, "Unknown Member"),
    }
}

pub fn attachment(shared: &Arc<Shared>, id: u64) -> Reply {
    let world = shared.world.lock();
    match world.attachments.get(&id) {
        Some(a) => Reply::bytes(&a.content_type, a.bytes.clone()),
        None => Reply::not_found(),
    }
}
