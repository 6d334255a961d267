//! Our server, as an application would write it with `telnet-tokio`: it
//! asks for the client's window size and terminal type (cycling TTYPE until
//! the name repeats), offers ECHO and SGA, offers CHARSET and asks for
//! UTF-8 once the client agrees, greets, and echoes every line as text.
//! It serves one connection on a thread of its own and reports what it
//! learnt.

use std::net::Ipv4Addr;
use std::thread;
use std::time::{Duration, Instant};

use telnet_interop::PATIENCE;
use telnet_proto::{Config, Policy, Side, TelnetOption as Opt};
use telnet_tokio::{Item, Telnet};

use super::report::{Report, Server};

/// The greeting, as the application writes it (text: `\n` goes as CR LF).
pub(crate) const GREETING: &[u8] = b"interop server \xff ready\n";

pub(crate) fn start() -> Server {
    let std_listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
            let accepted = tokio::time::timeout(PATIENCE * 3, listener.accept()).await;
            let (stream, _) = match accepted {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    return Report {
                        end: format!("accept failed: {e}"),
                        ..Report::default()
                    }
                }
                Err(_) => {
                    return Report {
                        end: "no client connected".into(),
                        ..Report::default()
                    }
                }
            };
            serve(stream).await
        })
    });
    Server::new(addr, handle)
}

async fn serve(stream: tokio::net::TcpStream) -> Report {
    let policy = Policy::new()
        .with_remote(Opt::NAWS)
        .with_remote(Opt::TTYPE)
        .with_local(Opt::ECHO)
        .with_local(Opt::SGA)
        .with_local(Opt::CHARSET);
    let mut t = Telnet::with_config(stream, Config::new().policy(policy));
    t.set_event_capacity(1024);
    let mut report = Report::default();
    let result = async {
        t.enable(Side::Local, Opt::ECHO).await?;
        t.enable(Side::Local, Opt::SGA).await?;
        t.enable(Side::Remote, Opt::NAWS).await?;
        t.enable(Side::Remote, Opt::TTYPE).await?;
        t.enable(Side::Local, Opt::CHARSET).await?;
        t.write_text(GREETING).await?;
        let deadline = Instant::now() + PATIENCE * 2;
        loop {
            if Instant::now() >= deadline {
                return Ok::<_, telnet_tokio::Error>("our server's time ran out".to_owned());
            }
            let data = match t.read_some_timeout(Some(Duration::from_millis(50))).await {
                Ok(data) => data,
                Err(e) if e.is_timeout() => Vec::new(),
                Err(e) => return Err(e),
            };
            while let Some(item) = t.try_next_event() {
                match (item.option_change(), item) {
                    (Some((Opt::TTYPE, Side::Remote, true)), _) => {
                        t.send_subnegotiation(Opt::TTYPE, &[1]).await?
                    }
                    (Some((Opt::CHARSET, Side::Local, true)), _) => {
                        // REQUEST ";UTF-8": only the WILL side may ask (RFC 2066).
                        t.send_subnegotiation(Opt::CHARSET, b"\x01;UTF-8").await?
                    }
                    (
                        _,
                        Item::Subnegotiation {
                            option: Opt::TTYPE,
                            payload,
                        },
                    ) => {
                        let name = payload.get(1..).unwrap_or_default().to_vec();
                        let repeated = report.ttypes.last() == Some(&name);
                        report.ttypes.push(name);
                        // Cycle (MTTS) until the name repeats, at most 8 times.
                        if !repeated && report.ttypes.len() < 8 {
                            t.send_subnegotiation(Opt::TTYPE, &[1]).await?;
                        }
                    }
                    (
                        _,
                        Item::Subnegotiation {
                            option: Opt::NAWS,
                            payload,
                        },
                    ) => report.naws.push(payload.to_vec()),
                    (
                        _,
                        Item::Subnegotiation {
                            option: Opt::CHARSET,
                            payload,
                        },
                    ) => report.charset.push(payload.to_vec()),
                    _ => {}
                }
            }
            if data.is_empty() && t.is_eof() {
                t.shutdown().await?;
                return Ok("the client closed".to_owned());
            }
            if !data.is_empty() {
                report.data.extend_from_slice(&data);
                t.write_text(&data).await?;
            }
        }
    }
    .await;
    report.end = match result {
        Ok(end) => end,
        Err(e) => format!("error: {e}"),
    };
    for option in [
        Opt::NAWS,
        Opt::TTYPE,
        Opt::ECHO,
        Opt::SGA,
        Opt::CHARSET,
        Opt::BINARY,
    ] {
        for side in [Side::Local, Side::Remote] {
            if t.is_enabled(side, option) {
                report.enabled.push((side, option));
            }
        }
    }
    report
}
