//! The bundled echo service: the `echo` example and `rtelnet --demo` run
//! it, and it shows the server role in a few lines.
//!
//! Each connection gets [`Telnet::server`](crate::Telnet::server)'s offers (`WILL ECHO`,
//! `WILL SGA`, `DO NAWS`, `DO TTYPE`); every other option is refused. Every
//! decoded data byte is sent back as data (0xFF doubled) until the client
//! closes. Data is read with [`Newline::Raw`], so a client's `CR NUL` comes
//! back as `CR NUL`: a bare CR, which RFC 854 forbids on the wire, is never
//! sent.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

use telnet_proto::Newline;

use crate::{Builder, Ready, Result};

/// Serves one connection until the client closes it: negotiates the
/// server offers, then echoes every data byte.
pub fn serve<S: Read + Write + Ready>(stream: S) -> Result<()> {
    let mut telnet = Builder::server().newline(Newline::Raw).build(stream)?;
    loop {
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
    loop {
        let (stream, peer) = listener.accept()?;
        thread::spawn(move || serve_tcp(stream, peer));
    }
}

fn serve_tcp(stream: TcpStream, peer: SocketAddr) {
    tracing::info!(target: "telnet_std::echo", "{peer} connected");
    let _ = stream.set_nodelay(true);
    match serve(stream) {
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
