//! The bundled echo service: the `echo` example and `rtelnet --demo` run
//! it, and it shows the server role in a few lines.
//!
//! Each connection gets [`Telnet::server`](crate::Telnet::server)'s offers (`WILL ECHO`,
//! `WILL SGA`, `DO NAWS`, `DO TTYPE`); every other option is refused. Every
//! decoded data byte is sent back as data (0xFF doubled) until the client
//! closes. Data is read with [`Newline::Raw`], so a client's `CR NUL` comes
//! back as `CR NUL`: a bare CR, which RFC 854 forbids on the wire, is never
//! sent.
//!
//! With [`Options::mccp`] (the `mccp` feature) it also offers MCCP2 and,
//! once the client agrees, sends everything compressed.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

use telnet_proto::Newline;

use crate::{Builder, Ready, Result};

/// How the service treats each connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Offer MCCP2 (`WILL COMPRESS2`) and compress everything sent once the
    /// client agrees (it has a second to answer before the echo starts).
    #[cfg(feature = "mccp")]
    pub mccp: bool,
}

/// Serves one connection until the client closes it: negotiates the
/// server offers, then echoes every data byte.
pub fn serve<S: Read + Write + Ready>(stream: S) -> Result<()> {
    serve_with(stream, Options::default())
}

/// [`serve`] with `options`.
pub fn serve_with<S: Read + Write + Ready>(stream: S, options: Options) -> Result<()> {
    let builder = Builder::server().newline(Newline::Raw);
    #[cfg(feature = "mccp")]
    let builder = match options.mccp {
        true => builder.request(telnet_proto::Side::Local, telnet_proto::TelnetOption::MCCP2),
        false => builder,
    };
    let mut telnet = builder.build(stream)?;
    #[cfg(feature = "mccp")]
    if options.mccp {
        // The answers, MCCP2's among them; a client that stays silent gets
        // its echo uncompressed.
        match telnet.negotiate(Some(std::time::Duration::from_secs(1))) {
            Ok(()) | Err(crate::Error::Timeout) => {}
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(feature = "mccp"))]
    let _ = options;
    loop {
        #[cfg(feature = "mccp")]
        if options.mccp
            && telnet.output_compression().is_none()
            && telnet.is_enabled(telnet_proto::Side::Local, telnet_proto::TelnetOption::MCCP2)
        {
            telnet.start_compression(telnet_proto::TelnetOption::MCCP2)?;
        }
        let data = telnet.read_some_timeout(None)?;
        if data.is_empty() {
            if let Some((w, h)) = telnet.peer_window_size() {
                tracing::info!(target: "telnet_std::echo", "client window was {w}x{h}");
            }
            return Ok(());
        }
        telnet.write(&data)?;
    }
}

/// Accepts connections on `listener` forever, each served by [`serve`] on
/// its own thread. Returns only if accepting fails.
pub fn run(listener: TcpListener) -> io::Result<()> {
    run_with(listener, Options::default())
}

/// [`run`] with `options` for every connection.
pub fn run_with(listener: TcpListener, options: Options) -> io::Result<()> {
    loop {
        let (stream, peer) = listener.accept()?;
        thread::spawn(move || serve_tcp(stream, peer, options));
    }
}

fn serve_tcp(stream: TcpStream, peer: SocketAddr, options: Options) {
    tracing::info!(target: "telnet_std::echo", "{peer} connected");
    let _ = stream.set_nodelay(true);
    match serve_with(stream, options) {
        Ok(()) => tracing::info!(target: "telnet_std::echo", "{peer} closed"),
        Err(e) => tracing::info!(target: "telnet_std::echo", "{peer}: {e}"),
    }
}

/// Listens on `addr` (port 0 picks a free one) and runs the service on a
/// background thread. Returns the address it listens on.
pub fn spawn(addr: impl std::net::ToSocketAddrs) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    thread::spawn(move || run(listener));
    Ok(local)
}
