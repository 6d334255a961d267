//! A Telnet client made of `telnet-proto` and a `TcpStream`, nothing else:
//! the core driven exactly as its crate documentation shows (by
//! `Feed::poll_event`, or by `Feed::read`), so that the core meets the
//! real servers even without an adapter in between.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use flate2::{Decompress, FlushDecompress, Status};
use telnet_interop::{contains, escape};
use telnet_proto::options::{naws::WindowSize, OptionPayload};
use telnet_proto::{encode, Config, Event, Policy, Session, Side, TelnetOption};

/// What the client answers to TTYPE SEND.
pub(crate) const TERMINAL: &[u8] = b"XTERM-INTEROP";
/// The window size it reports with NAWS.
pub(crate) const WINDOW: (u16, u16) = (100, 30);

pub(crate) struct CoreClient {
    stream: TcpStream,
    session: Session,
    inflater: Option<Decompress>,
    /// Whether the core is driven by `Feed::read` rather than `poll_event`.
    copying: bool,
    /// Application data received so far (NVT newlines: CR NUL read as CR).
    pub(crate) data: Vec<u8>,
    pub(crate) closed: bool,
}

impl CoreClient {
    /// Connects; `copying` drives the core with `Feed::read`.
    pub(crate) fn connect(addr: SocketAddr, policy: Policy, copying: bool) -> CoreClient {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
        stream.set_nodelay(true).unwrap();
        CoreClient {
            stream,
            session: Session::new(Config::new().policy(policy)),
            inflater: None,
            copying,
            data: Vec::new(),
            closed: false,
        }
    }

    pub(crate) fn session(&self) -> &Session {
        &self.session
    }

    /// Asks for an option, sending the request if there is one.
    pub(crate) fn enable(&mut self, side: Side, option: TelnetOption) {
        if let Some(n) = self.session.enable(side, option) {
            self.send(&n.to_bytes());
        }
    }

    pub(crate) fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("sending to the server");
    }

    /// Sends text: NVT newlines, 0xFF doubled (or BINARY rules).
    pub(crate) fn send_text(&mut self, text: &[u8]) {
        let mut buf = vec![0u8; encode::text_len(text)];
        let n = self
            .session
            .encode_text(text, &mut buf)
            .expect("sized by text_len");
        self.send(&buf[..n]);
    }

    /// Reads until the received data contains `needle` (searching from
    /// `from`), at most `timeout`.
    pub(crate) fn read_until(
        &mut self,
        from: usize,
        needle: &[u8],
        timeout: Duration,
    ) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        while !contains(&self.data[from.min(self.data.len())..], needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.closed {
                return Err(format!(
                    "waited for {} ({}); received data: {}",
                    escape(needle),
                    if self.closed {
                        "connection closed"
                    } else {
                        "timed out"
                    },
                    escape(&self.data)
                ));
            }
            self.pump(left.min(Duration::from_millis(200)));
        }
        Ok(())
    }

    /// Reads until the server closes, at most `timeout`.
    pub(crate) fn read_to_end(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        while !self.closed {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("the server did not close within {timeout:?}"));
            }
            self.pump(left.min(Duration::from_millis(200)));
        }
        Ok(())
    }

    /// Ends our sending direction.
    pub(crate) fn shutdown_write(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
    }

    /// One read of at most `wait`, and everything it causes.
    pub(crate) fn pump(&mut self, wait: Duration) {
        self.stream
            .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .unwrap();
        let mut buf = [0u8; 4096];
        match self.stream.read(&mut buf) {
            Ok(0) => {
                self.closed = true;
                if let Some(Event::Data(bytes)) = self.session.finish() {
                    self.data.extend_from_slice(bytes);
                }
            }
            Ok(n) => {
                let input = buf[..n].to_vec();
                self.receive(&input);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => self.closed = true,
            Err(e) => panic!("reading from the server: {e}"),
        }
    }

    fn receive(&mut self, input: &[u8]) {
        let plain;
        let input = match self.inflater.as_mut() {
            Some(z) => {
                let mut out = Vec::with_capacity(input.len() * 8 + 4096);
                let mut rest = input;
                loop {
                    let before = z.total_in();
                    let status = z
                        .decompress_vec(rest, &mut out, FlushDecompress::None)
                        .unwrap_or_else(|e| panic!("corrupt MCCP2 stream from the server: {e}"));
                    rest = &rest[(z.total_in() - before) as usize..];
                    match status {
                        Status::StreamEnd => {
                            self.inflater = None;
                            out.extend_from_slice(rest);
                            break;
                        }
                        _ if rest.is_empty() && out.len() < out.capacity() => break,
                        Status::BufError => break,
                        _ => out.reserve(4096),
                    }
                }
                plain = out;
                &plain[..]
            }
            None => input,
        };
        let mut replies: Vec<u8> = Vec::new();
        let mut compressed: Option<Vec<u8>> = None;
        let mut feed = self.session.feed(input);
        if self.copying {
            let mut data = vec![0u8; input.len() + 256];
            let mut answers = vec![0u8; input.len() + 2];
            loop {
                let read = feed.read(&mut data, &mut answers);
                self.data.extend_from_slice(&data[..read.data]);
                replies.extend_from_slice(&answers[..read.replies]);
                for notable in read.negotiations {
                    // Its reply is in `answers`.
                    on_event(notable.to_event(), false, &mut replies, &mut compressed);
                }
                if let Some(event) = read.event {
                    // The reply of a reported negotiation is in `answers`.
                    on_event(event, false, &mut replies, &mut compressed);
                } else if feed.is_done() {
                    break;
                }
            }
        } else {
            while let Some(event) = feed.poll_event() {
                if let Event::Data(bytes) = event {
                    self.data.extend_from_slice(bytes);
                } else {
                    on_event(event, true, &mut replies, &mut compressed);
                }
            }
        }
        if !replies.is_empty() {
            self.send(&replies);
        }
        if let Some(rest) = compressed {
            self.inflater = Some(Decompress::new(true));
            self.receive(&rest);
        }
    }
}

/// What the client does with an event other than data: answers a
/// negotiation (`send_reply`: its reply is not sent otherwise), sends its
/// window size once NAWS is on, answers TTYPE SEND, and keeps the
/// compressed rest after an MCCP2 start.
fn on_event(
    event: Event<'_, '_>,
    send_reply: bool,
    replies: &mut Vec<u8>,
    compressed: &mut Option<Vec<u8>>,
) {
    match event {
        Event::Negotiation {
            received,
            reply,
            changed,
        } => {
            if let (Some(reply), true) = (reply, send_reply) {
                replies.extend_from_slice(&reply.to_bytes());
            }
            let side = received.verb.received_side();
            if (received.option, side, changed) == (TelnetOption::NAWS, Side::Local, Some(true)) {
                let (width, height) = WINDOW;
                let mut sb = [0u8; 32];
                let n = WindowSize::new(width, height).encode(&mut sb).unwrap();
                replies.extend_from_slice(&sb[..n]);
            }
        }
        Event::Subnegotiation {
            option: TelnetOption::TTYPE,
            payload: [1],
        } => {
            let mut payload = vec![0u8];
            payload.extend_from_slice(TERMINAL);
            let mut sb = [0u8; 64];
            let n = encode::subnegotiation(TelnetOption::TTYPE, &payload, &mut sb).unwrap();
            replies.extend_from_slice(&sb[..n]);
        }
        Event::CompressionStart { rest, .. } => *compressed = Some(rest.to_vec()),
        _ => {}
    }
}
