//! An echo server: every decoded data byte goes back encoded (0xFF
//! doubled); every option is refused; one task per connection. Data is
//! read raw, so a client's CR NUL comes back as CR NUL (RFC 854 allows no
//! bare CR on the wire).
//!
//! ```text
//! cargo run -p telnet-tokio --example echo -- --port 2323
//! ```
//!
//! It prints the address it listens on (on stdout, flushed) and serves
//! until stopped. Set `RUST_LOG=telnet_tokio=debug` to see the
//! negotiations, `RUST_LOG=telnet_tokio::wire=trace` for every byte.

use std::io::Write as _;

use clap::Parser;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use telnet_proto::{Config, Newline};
use telnet_tokio::Telnet;

/// Telnet echo server.
#[derive(Parser)]
struct Args {
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 2323)]
    port: u16,
}

#[allow(dead_code, reason = "the scale bench includes this file for `serve`")]
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    tracing_init();
    let listener = TcpListener::bind(("127.0.0.1", args.port)).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {}", listener.local_addr()?)?;
    stdout.flush()?;
    serve(listener).await
}

fn tracing_init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Accepts connections forever, one echo task each.
async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        tokio::spawn(async move {
            if let Err(e) = echo(stream).await {
                tracing::info!("{peer}: {e}");
            }
        });
    }
}

/// Echoes one connection until the client closes it.
pub(crate) async fn echo(stream: TcpStream) -> telnet_tokio::Result<()> {
    // The default policy refuses every option the client asks for; raw
    // newlines keep CR NUL as the client sent it.
    let mut telnet = Telnet::with_config(stream, Config::new().newline(Newline::Raw));
    loop {
        // `read_some` hands over the session's data buffer, so an idle
        // connection holds no buffer at all.
        let data = telnet.read_some().await?;
        if data.is_empty() {
            // The client closed: finish sending, then close our side.
            telnet.shutdown().await?;
            return Ok(());
        }
        // `AsyncWrite` doubles each 0xFF and writes runs without one
        // straight to the socket.
        telnet.write_all(&data).await?;
    }
}
