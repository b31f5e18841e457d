//! The `discord-sim` binary: serves a world from the command line and drives it as JSON over
//! HTTP under `/_sim/`, as a bot or test in another language would.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_a_world_and_the_driver_api() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_discord-sim"))
        .args([
            "--members",
            "3",
            "--channels",
            "general,quiz",
            "--token",
            "bin-token",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start discord-sim");
    let stdout = child.stdout.take().expect("piped");
    let _guard = Child(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let info: Value = serde_json::from_str(&first).expect("a JSON line");
    let control = info["control_url"].as_str().unwrap().to_string();
    let api = info["api_url"].as_str().unwrap().to_string();
    let channel = info["channels"][0].as_str().unwrap().to_string();
    let owner = info["owner"].as_str().unwrap().to_string();
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        async move {
            http.get(path)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let post = |path: String, body: Value| {
        let http = http.clone();
        async move {
            let r = http.post(path).json(&body).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };

    let world = get(format!("{control}/world")).await;
    assert_eq!(world["guilds"][0]["name"], "Quiz Club");
    assert_eq!(
        world["guilds"][0]["member_count"], 5,
        "3 members, the owner, the bot"
    );
    let members = world["guilds"][0]["members"].as_array().unwrap().clone();

    // A serenity bot connects to the binary like to Discord.
    let bot_http = poise::serenity_prelude::HttpBuilder::new("bin-token")
        .proxy(api.clone())
        .ratelimiter_disabled(true)
        .default_allowed_mentions(poise::serenity_prelude::CreateAllowedMentions::new())
        .build();
    let bot = common::start_bot_with_http(bot_http).await;
    let (status, _) = post(
        format!("{control}/wait"),
        json!({"until": "ready", "timeout_ms": 20_000}),
    )
    .await;
    assert_eq!(status, 200);

    let (status, handle) = post(
        format!("{control}/command"),
        json!({"user": owner, "channel": channel, "name": "ask"}),
    )
    .await;
    assert_eq!(status, 200, "{handle}");
    let (_, response) = post(
        format!("{control}/wait"),
        json!({"until": "response", "interaction": handle["id"].to_string(), "timeout_ms": 20_000}),
    )
    .await;
    let message_id = response["original"]["id"].to_string();
    let member = members
        .iter()
        .find(|m| **m != json!(owner))
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let (status, click) = post(
        format!("{control}/click"),
        json!({"user": member, "message": message_id, "custom_id": "pick:b"}),
    )
    .await;
    assert_eq!(status, 200, "{click}");
    let (status, reply) = post(format!("{control}/wait"), json!({"until": "ephemeral", "user": member, "contains": "You picked", "timeout_ms": 20_000})).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["content"], "You picked pick:b");

    let (status, refused) = post(
        format!("{control}/click"),
        json!({"user": member, "message": message_id, "custom_id": "nope"}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        refused["error"].as_str().unwrap().contains("no button"),
        "{refused}"
    );

    let seen = get(format!("{control}/channels/{channel}/messages?as={member}")).await;
    assert_eq!(
        seen.as_array().unwrap().len(),
        2,
        "the question and the member's own reply"
    );
    let public = get(format!("{control}/channels/{channel}/messages")).await;
    assert_eq!(public.as_array().unwrap().len(), 1);
    assert_eq!(get(format!("{control}/violations")).await, json!([]));
    let log = get(format!("{control}/log")).await;
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["kind"] == "gateway_send" && l["t"] == "READY"));
    let (_, timeout) = post(
        format!("{control}/wait"),
        json!({"until": "ephemeral", "user": member, "contains": "never", "timeout_ms": 50}),
    )
    .await;
    assert!(timeout["error"].as_str().unwrap().contains("timed out"));

    // Shards: the bot identified shard 0 of 1; the sharding can be changed and a guild put on a
    // shard of a bigger count.
    let shards = get(format!("{control}/shards")).await;
    assert_eq!(shards["total"], 1);
    assert_eq!(shards["connected"], json!([0]));
    assert_eq!(shards["identifies"]["0"], 1);
    assert_eq!(shards["max_guilds_per_session"], 2500);
    let (status, _) = post(
        format!("{control}/shards"),
        json!({"recommended": 4, "max_concurrency": 2}),
    )
    .await;
    assert_eq!(status, 200);
    let gateway_bot = http
        .get(format!("{api}/api/v10/gateway/bot"))
        .header("authorization", "Bot bin-token")
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(gateway_bot["shards"], 4);
    assert_eq!(gateway_bot["session_start_limit"]["max_concurrency"], 2);
    let (_, guild) = post(
        format!("{control}/guilds"),
        json!({"name": "Far", "shard": [3, 4]}),
    )
    .await;
    let id: u64 = guild["id"].as_str().unwrap().parse().unwrap();
    assert_eq!((id >> 22) % 4, 3);
    bot.abort();
}
