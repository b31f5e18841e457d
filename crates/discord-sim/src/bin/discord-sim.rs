//! `discord-sim`: serves a simulated Discord from the command line, with the driver as JSON
//! over HTTP under `/_sim/` on its own port. See the crate's README.md.

use clap::Parser;
use discord_sim::{Sim, SimConfig};
use serde_json::json;

#[derive(Parser)]
#[command(name = "discord-sim", about = "A loopback Discord for bots and tests")]
struct Args {
    /// Port for the gateway and REST (0: any free port)
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Port for the /_sim/ driver API (0: any free port)
    #[arg(long, default_value_t = 0)]
    control_port: u16,
    /// The bot token to accept
    #[arg(long, default_value = "sim-token")]
    token: String,
    /// Name of the guild to create
    #[arg(long, default_value = "Quiz Club")]
    guild: String,
    /// Text channels to create, comma-separated
    #[arg(long, default_value = "general,quiz-night", value_delimiter = ',')]
    channels: Vec<String>,
    /// Members to create (member1 … memberN)
    #[arg(long, default_value_t = 10)]
    members: usize,
    /// Also serve REST over HTTPS as discord.com (writes the certificate to --cert-out)
    #[arg(long)]
    tls: bool,
    /// Where to write the TLS certificate (PEM) in --tls mode
    #[arg(long, default_value = "discord-sim-cert.pem")]
    cert_out: std::path::PathBuf,
    /// Round-trip time to simulate, in ms: each REST call and gateway event takes half of it
    /// each way (0: loopback)
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "discord_sim=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let sim = Sim::start(SimConfig {
        token: args.token.clone(),
        tls: args.tls,
        port: args.port,
        latency_ms: args.latency_ms,
        ..SimConfig::default()
    })
    .await?;
    let channels: Vec<&str> = args.channels.iter().map(String::as_str).collect();
    let setup = sim.setup_guild(&args.guild, &channels, args.members);
    let control = tokio::net::TcpListener::bind(("127.0.0.1", args.control_port)).await?;
    let control_addr = control.local_addr()?;
    let mut ready = json!({
        "api_url": sim.api_url(),
        "gateway_url": sim.gateway_url(),
        "control_url": format!("http://{control_addr}/_sim"),
        "token": args.token,
        "guild": setup.guild.to_string(),
        "owner": setup.owner.to_string(),
        "channels": setup.channels.iter().map(u64::to_string).collect::<Vec<_>>(),
        "members": setup.members.len(),
    });
    if let Some((addr, pem)) = sim.tls_endpoint() {
        std::fs::write(&args.cert_out, pem)?;
        ready["tls_addr"] = json!(addr.to_string());
        ready["tls_cert"] = json!(args.cert_out.display().to_string());
    }
    // One line of JSON on stdout: what a wrapper script needs to drive the simulator.
    println!("{ready}");
    let app = discord_sim::control::router(sim.clone());
    tokio::select! {
        served = axum::serve(control, app) => served?,
        _ = tokio::signal::ctrl_c() => {}
    }
    sim.shutdown();
    Ok(())
}
