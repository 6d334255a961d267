//! A chat server in the style of a MUD: it asks each client for its window
//! size (NAWS) and terminal type (TTYPE, cycling through the names as MUD
//! clients expect), ends prompts with EOR or GA as negotiated, and offers
//! GMCP, over which it also sends each message as `Comm.Channel.Text`.
//!
//! ```text
//! cargo run -p telnet-tokio --example chat -- --port 4000
//! telnet 127.0.0.1 4000        # or tintin++, Mudlet, ...
//! ```
//!
//! Commands: `/who` lists everyone with their window size and terminal,
//! `/quit` leaves; anything else is said to the room.
//!
//! With `--features mccp`, `--mccp` offers MCCP2 as well and compresses
//! what it sends to each client that accepts it.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use telnet_proto::options;
use telnet_proto::options::gmcp::Gmcp;
use telnet_proto::options::naws::WindowSize;
use telnet_proto::options::ttype::TerminalType;
use telnet_proto::{Config, Policy, Side, TelnetOption};
use telnet_tokio::{Item, Telnet};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

/// Telnet chat server.
#[derive(Parser)]
struct Args {
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 4000)]
    port: u16,
    /// Offer MCCP2, and compress the output to clients that accept it.
    #[cfg(feature = "mccp")]
    #[arg(long)]
    mccp: bool,
}

/// What the room knows about a user.
#[derive(Clone, Default)]
struct User {
    name: String,
    size: Option<(u16, u16)>,
    terminals: Vec<String>,
}

type Room = Arc<Mutex<BTreeMap<u64, User>>>;

/// A line said in the room: who said it, and what.
#[derive(Clone)]
struct Said {
    from: u64,
    name: String,
    text: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind(("127.0.0.1", args.port)).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "chat listening on {}", listener.local_addr()?)?;
    stdout.flush()?;
    #[cfg(feature = "mccp")]
    let mccp = args.mccp;
    #[cfg(not(feature = "mccp"))]
    let mccp = false;
    let room: Room = Arc::default();
    let (said, _) = broadcast::channel::<Said>(256);
    for id in 0u64.. {
        let (stream, peer) = listener.accept().await?;
        let (room, said) = (room.clone(), said.clone());
        tokio::spawn(async move {
            if let Err(e) = serve(id, stream, room.clone(), said, mccp).await {
                eprintln!("{peer}: {e}");
            }
            room.lock().expect("room lock").remove(&id);
        });
    }
    Ok(())
}

/// The options this server speaks.
fn config() -> Config {
    let policy = Policy::new()
        .with_remote(TelnetOption::NAWS)
        .with_remote(TelnetOption::TTYPE)
        .with_local(TelnetOption::EOR)
        .with_local(TelnetOption::GMCP);
    Config::new().policy(policy)
}

async fn serve(
    id: u64,
    stream: TcpStream,
    room: Room,
    said: broadcast::Sender<Said>,
    mccp: bool,
) -> telnet_tokio::Result<()> {
    let mut telnet = Telnet::with_config(stream, config());
    telnet.set_event_capacity(64);
    telnet.enable(Side::Remote, TelnetOption::NAWS).await?;
    telnet.enable(Side::Remote, TelnetOption::TTYPE).await?;
    telnet.enable(Side::Local, TelnetOption::EOR).await?;
    telnet.enable(Side::Local, TelnetOption::GMCP).await?;
    if mccp {
        // Allows and requests it; compression starts once the client
        // answers DO (see `handle_events`).
        telnet.enable(Side::Local, TelnetOption::MCCP2).await?;
    }
    room.lock().expect("room lock").insert(id, User::default());

    telnet.write_text("Welcome to the chat.\n").await?;
    let name = loop {
        telnet.write_prompt("What is your name? ").await?;
        let line = telnet.read_until(b"\n").await?;
        handle_events(&mut telnet, id, &room).await?;
        let name = String::from_utf8_lossy(&line).trim().to_string();
        if !name.is_empty() && name.len() <= 20 {
            break name;
        }
        telnet
            .write_text("Between 1 and 20 characters, please.\n")
            .await?;
    };
    room.lock().expect("room lock").entry(id).or_default().name = name.clone();
    let mut heard = said.subscribe();
    let _ = said.send(Said {
        from: id,
        name: name.clone(),
        text: "has arrived.".into(),
    });
    telnet
        .write_text("Say something, or /who, or /quit.\n")
        .await?;
    telnet.write_prompt("> ").await?;
    // The pulse: how often option changes are looked at while nothing else
    // happens (a window resize arrives without any line).
    let mut pulse = tokio::time::interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            // `read_until` is cancel-safe: when another branch wins, the
            // part of the line already received stays in the session.
            line = telnet.read_until(b"\n") => {
                let line = match line {
                    Ok(line) => line,
                    Err(e) if e.is_eof() => break,
                    Err(e) => return Err(e),
                };
                let text = String::from_utf8_lossy(&line).trim().to_string();
                match text.as_str() {
                    "/quit" => {
                        telnet.write_text("Bye.\n").await?;
                        break;
                    }
                    "/who" => {
                        let who = who(&room);
                        telnet.write_text(who).await?;
                    }
                    "" => {}
                    _ => {
                        let _ = said.send(Said { from: id, name: name.clone(), text });
                    }
                }
                telnet.write_prompt("> ").await?;
            }
            message = heard.recv() => {
                let Ok(message) = message else { continue };
                if message.from != id {
                    telnet.write_text(format!("\r{} says: {}\n", message.name, message.text)).await?;
                    if telnet.is_enabled(Side::Local, TelnetOption::GMCP) {
                        let data = format!(
                            "{{\"channel\":\"room\",\"talker\":{:?},\"text\":{:?}}}",
                            message.name, message.text
                        );
                        telnet.send_option(&Gmcp::new("Comm.Channel.Text", Some(&data))).await?;
                    }
                    telnet.write_prompt("> ").await?;
                }
            }
            _ = pulse.tick() => {}
        }
        handle_events(&mut telnet, id, &room).await?;
    }
    let _ = said.send(Said {
        from: id,
        name,
        text: "has left.".into(),
    });
    telnet.shutdown().await
}

/// Acts on what the client negotiated and reported since the last look.
async fn handle_events(telnet: &mut Telnet, id: u64, room: &Room) -> telnet_tokio::Result<()> {
    while let Some(event) = telnet.try_next_event() {
        match (event.option_change(), event) {
            (Some((TelnetOption::TTYPE, Side::Remote, true)), _) => {
                telnet.send_option(&TerminalType::Send).await?
            }
            (Some((TelnetOption::GMCP, Side::Local, true)), _) => {
                let hello = Gmcp::new("Core.Hello", Some("{\"name\":\"telnet-tokio chat\"}"));
                telnet.send_option(&hello).await?;
            }
            #[cfg(feature = "mccp")]
            (Some((TelnetOption::MCCP2, Side::Local, true)), _) => {
                telnet.start_compression(TelnetOption::MCCP2).await?
            }
            (_, Item::Subnegotiation { option, payload }) => {
                if let Some(Ok(size)) = options::decode_as::<WindowSize>(option, &payload) {
                    let size = (size.width, size.height);
                    room.lock().expect("room lock").entry(id).or_default().size = Some(size);
                } else if let Some(Ok(TerminalType::Is(name))) =
                    options::decode_as::<TerminalType>(option, &payload)
                {
                    let name = name.to_string();
                    let ask_again = {
                        let mut room = room.lock().expect("room lock");
                        let user = room.entry(id).or_default();
                        // RFC 1091: the client cycles through its names and
                        // repeats the last one when it has no more (MTTS
                        // clients end with "MTTS <bits>").
                        let repeated = user.terminals.last() == Some(&name);
                        if !repeated {
                            user.terminals.push(name);
                        }
                        !repeated && user.terminals.len() < 4
                    };
                    if ask_again {
                        telnet.send_option(&TerminalType::Send).await?;
                    }
                } else if let Some(Ok(message)) = options::decode_as::<Gmcp>(option, &payload) {
                    eprintln!("user {id}: GMCP {}", message.package);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The `/who` listing.
fn who(room: &Room) -> String {
    let room = room.lock().expect("room lock");
    let mut out = String::from("Here now:\n");
    for user in room.values().filter(|u| !u.name.is_empty()) {
        let size = user
            .size
            .map_or_else(|| "unknown size".to_string(), |(w, h)| format!("{w}x{h}"));
        let terminal = if user.terminals.is_empty() {
            "unknown terminal".to_string()
        } else {
            user.terminals.join(", ")
        };
        out.push_str(&format!("  {:<20} {:<12} {}\n", user.name, size, terminal));
    }
    out
}
