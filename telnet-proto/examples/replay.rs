//! Replays a recorded Telnet session through two `Session`s, a client and a
//! server, and prints every event each side sees and every reply it sends.
//!
//! ```text
//! cargo run -p telnet-proto --example replay
//! ```
//!
//! The server's opening is what busybox telnetd sends (DO ECHO, DO NAWS,
//! WILL ECHO, WILL SGA), followed by the tricky parts of real traffic: an
//! escaped 0xFF, CR NUL, a TTYPE request, a GMCP message and a prompt with
//! GA, all cut into small reads at awkward places.

use telnet_proto::options::{naws::WindowSize, ttype::TerminalType, OptionPayload};
use telnet_proto::{Config, Event, Policy, Session, Side, TelnetOption};

fn main() {
    let client_policy = Policy::new()
        .with_local(TelnetOption::NAWS)
        .with_local(TelnetOption::TTYPE)
        .with_remote(TelnetOption::ECHO)
        .with_remote(TelnetOption::SGA)
        .with_remote(TelnetOption::GMCP);
    let mut client: Session = Session::new(Config::new().policy(client_policy));
    let mut server: Session = Session::new(
        Config::new().policy(
            Policy::new()
                .with_local(TelnetOption::ECHO)
                .with_local(TelnetOption::SGA),
        ),
    );

    // The server opens as busybox telnetd does (DO ECHO, DO NAWS, WILL
    // ECHO, WILL SGA), then asks for TTYPE and offers GMCP.
    let mut opening = Vec::new();
    for (side, option) in [
        (Side::Remote, TelnetOption::ECHO),
        (Side::Remote, TelnetOption::NAWS),
        (Side::Local, TelnetOption::ECHO),
        (Side::Local, TelnetOption::SGA),
        (Side::Remote, TelnetOption::TTYPE),
        (Side::Local, TelnetOption::GMCP),
    ] {
        if let Some(n) = server.enable(side, option) {
            opening.extend_from_slice(&n.to_bytes());
        }
    }

    // What the server sent, as it came off the wire in reads of these
    // sizes: IAC sequences and a CR NUL are cut in the middle.
    let recorded: &[&[u8]] = &[
        &opening[..10],
        &opening[10..],
        b"Welcome! Price: 10 \xff\xff units\r\n",
        b"Bare CR:\r",
        b"\x00 and on.\r\n\xff\xfa\x18\x01\xff\xf0",
        b"\xff\xfa\xc9Core.Hello {\"name\": \"demo\"}\xff",
        b"\xf0> \xff\xf9",
    ];

    println!("== client side: what the client makes of the server's bytes");
    let mut to_server = Vec::new();
    for (i, read) in recorded.iter().enumerate() {
        println!("-- read {} ({} bytes): {}", i + 1, read.len(), hex(read));
        let mut feed = client.feed(read);
        while let Some(event) = feed.poll_event() {
            describe("client", &event);
            match event {
                Event::Negotiation {
                    received,
                    reply,
                    changed,
                } => {
                    if let Some(reply) = reply {
                        to_server.extend_from_slice(&reply.to_bytes());
                    }
                    if received.option == TelnetOption::NAWS
                        && received.verb.received_side() == Side::Local
                        && changed == Some(true)
                    {
                        // Answer with our window size, 80x24.
                        let mut buf = [0u8; 16];
                        let n = WindowSize::new(80, 24)
                            .encode(&mut buf)
                            .expect("16 bytes hold a NAWS frame");
                        println!("   client SENT SB NAWS 80 24");
                        to_server.extend_from_slice(&buf[..n]);
                    }
                }
                Event::Subnegotiation {
                    option: TelnetOption::TTYPE,
                    payload: [1],
                } => {
                    let mut buf = [0u8; 32];
                    let n = TerminalType::Is("XTERM")
                        .encode(&mut buf)
                        .expect("32 bytes hold a TTYPE answer");
                    println!("   client SENT SB TTYPE IS XTERM");
                    to_server.extend_from_slice(&buf[..n]);
                }
                _ => {}
            }
        }
    }

    println!();
    println!("== server side: the client's answers, as the server sees them");
    println!("-- {} bytes: {}", to_server.len(), hex(&to_server));
    let mut feed = server.feed(&to_server);
    while let Some(event) = feed.poll_event() {
        describe("server", &event);
    }

    println!();
    println!("== options in force");
    for option in [
        TelnetOption::ECHO,
        TelnetOption::SGA,
        TelnetOption::NAWS,
        TelnetOption::TTYPE,
        TelnetOption::GMCP,
    ] {
        println!(
            "   {option:<6} client: local {:<5} remote {:<5}",
            client.is_enabled(Side::Local, option),
            client.is_enabled(Side::Remote, option)
        );
    }
}

fn describe(who: &str, event: &Event<'_, '_>) {
    match event {
        Event::Data(bytes) => println!("   {who} data \"{}\"", bytes.escape_ascii()),
        Event::Command(command) => println!("   {who} RCVD {command}"),
        Event::Negotiation {
            received,
            reply,
            changed,
        } => {
            println!("   {who} RCVD {received}");
            if let Some(reply) = reply {
                println!("   {who} SENT {reply}");
            }
            if let Some(enabled) = changed {
                println!(
                    "   {who} option {} on the {} side is now {}",
                    received.option,
                    if received.verb.received_side() == Side::Local {
                        "local"
                    } else {
                        "remote"
                    },
                    if *enabled { "on" } else { "off" }
                );
            }
        }
        Event::Subnegotiation { option, payload } => {
            println!("   {who} RCVD SB {option} {}", hex(payload))
        }
        other => println!("   {who} {other:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
