//! [`Telnet`], the blocking session, and its [`Builder`].

use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::ops::Range;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use regex::bytes::Regex;
use telnet_proto::{
    encode, Command, Config, Event, Negotiation, Newline, OptionState, Policy, Session, Side,
    TelnetOption,
};

use crate::handler::{
    queue_command, queue_encoded, queue_negotiation, queue_subnegotiation, Control, Handler,
};
#[cfg(feature = "mccp")]
use crate::mccp::Deflater;
use crate::mccp::Inflater;
use crate::trace::{describe_subnegotiation, Hex};
use crate::{opts, Error, Ready, Result};

/// The subnegotiation capacity of every [`Telnet`] session: 16 KiB of
/// unescaped payload.
///
/// Larger than the core's 1 KiB default because the blocking adapter is
/// where MUD clients and scripts land: GMCP and MSDP messages (room
/// descriptions, inventories as JSON) regularly pass 1 KiB, and 16 KiB per
/// connection costs nothing next to a thread's stack. A longer
/// subnegotiation is discarded whole (traced as a warning), never delivered
/// truncated.
pub const SUBNEGOTIATION_CAPACITY: usize = 16 * 1024;

/// The default limit of the received-data buffer: 16 MiB. See
/// [`Builder::max_buffered`].
pub const DEFAULT_MAX_BUFFERED: usize = 16 * 1024 * 1024;

/// How many bytes one read from the stream asks for.
const READ_CHUNK: usize = 16 * 1024;

/// How much decompressed data one inflate step produces before parsing it.
const INFLATE_CHUNK: usize = 16 * 1024;

/// How long [`Telnet::interact`] waits on the connection before looking at
/// the input again.
const INTERACT_POLL: Duration = Duration::from_millis(20);

/// The protocol session type inside every [`Telnet`].
pub type TelnetSession = Session<SUBNEGOTIATION_CAPACITY>;

/// What we tell the peer about ourselves when it asks.
#[derive(Clone, Debug, Default)]
struct LocalInfo {
    window_size: Option<(u16, u16)>,
    terminal_type: Option<String>,
    environment: Vec<(String, String)>,
}

/// How to set up a [`Telnet`] session: option policy, newline handling,
/// timeouts, buffer limit, the requests to send at once, and the answers to
/// give about ourselves.
///
/// ```no_run
/// use std::time::Duration;
/// use telnet_std::Builder;
/// use telnet_proto::{Side, TelnetOption};
///
/// let mut telnet = Builder::new()
///     .timeout(Some(Duration::from_secs(10)))
///     .window_size(80, 24)
///     .terminal_type("xterm")
///     .allow(Side::Remote, TelnetOption::ECHO)
///     .allow(Side::Remote, TelnetOption::SGA)
///     .connect(("localhost", 23))?;
/// let banner = telnet.read_until(b"login: ")?;
/// # Ok::<(), telnet_std::Error>(())
/// ```
pub struct Builder {
    config: Config,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_buffered: usize,
    requests: Vec<(Side, TelnetOption)>,
    handler: Option<Box<dyn Handler + Send>>,
    local: LocalInfo,
    ask_terminal_type: bool,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("config", &self.config)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_buffered", &self.max_buffered)
            .field("requests", &self.requests)
            .field("handler", &self.handler.as_ref().map(|_| "..."))
            .field("local", &self.local)
            .field("ask_terminal_type", &self.ask_terminal_type)
            .finish()
    }
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// telnetlib's defaults: every option refused, [`Newline::Nvt`], no
    /// timeout, automatic negotiation, nothing sent at connect.
    pub fn new() -> Self {
        Builder {
            config: Config::new(),
            timeout: None,
            connect_timeout: None,
            max_buffered: DEFAULT_MAX_BUFFERED,
            requests: Vec::new(),
            handler: None,
            local: LocalInfo::default(),
            ask_terminal_type: false,
        }
    }

    /// The server role's defaults: offers `WILL ECHO` and `WILL SGA`
    /// (character-at-a-time mode: your application echoes what it reads),
    /// asks `DO NAWS` and `DO TTYPE`, records the client's window size and
    /// terminal type ([`Telnet::peer_window_size`],
    /// [`Telnet::peer_terminal_type`]), and asks for the terminal type as
    /// soon as the client agrees to TTYPE. Everything else is refused.
    pub fn server() -> Self {
        Builder::new()
            .request(Side::Local, TelnetOption::ECHO)
            .request(Side::Local, TelnetOption::SGA)
            .request(Side::Remote, TelnetOption::NAWS)
            .request(Side::Remote, TelnetOption::TTYPE)
            .ask_terminal_type(true)
    }

    /// Replace the option policy (which options are accepted when the peer
    /// asks). Default: [`Policy::new`], refuse everything.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.config = self.config.policy(policy);
        self
    }

    /// Accept `option` on `side` when the peer asks for it.
    pub fn allow(mut self, side: Side, option: TelnetOption) -> Self {
        let mut policy = self.config.policy;
        policy.set(side, option, true);
        self.config = self.config.policy(policy);
        self
    }

    /// Ask for `option` on `side` as soon as the session is built (`WILL`
    /// for [`Side::Local`], `DO` for [`Side::Remote`]); this also allows it.
    pub fn request(mut self, side: Side, option: TelnetOption) -> Self {
        self.requests.push((side, option));
        self.allow(side, option)
    }

    /// End-of-line handling of received data. Default [`Newline::Nvt`]
    /// (CR NUL becomes CR, everything else as received).
    pub fn newline(mut self, newline: Newline) -> Self {
        self.config = self.config.newline(newline);
        self
    }

    /// Leave negotiations to the [`Handler`] (telnetlib's
    /// `set_option_negotiation_callback`). Default `false`.
    pub fn manual_negotiation(mut self, manual: bool) -> Self {
        self.config = self.config.manual_negotiation(manual);
        self
    }

    /// The connection's default timeout for every read call that blocks
    /// (see [`Telnet::set_timeout`]). Default `None`: wait without limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The limit on establishing the TCP connection in
    /// [`connect`](Builder::connect). Default: the operating system's.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The limit of the received-data buffer, in bytes. Default
    /// [`DEFAULT_MAX_BUFFERED`] (16 MiB).
    ///
    /// telnetlib's buffer had no limit. Here, a call that needs more data
    /// while the buffer holds `limit` bytes ([`Telnet::read_until`],
    /// [`Telnet::expect`], [`Telnet::read_all`]) stops reading and returns
    /// [`Error::BufferFull`], with the data kept; the eager reads stop
    /// reading at the limit. One read may go past the limit by what one
    /// read from the stream decodes to (16 KiB, more when decompressing).
    pub fn max_buffered(mut self, limit: usize) -> Self {
        self.max_buffered = limit;
        self
    }

    /// Install a [`Handler`] for negotiations, commands and
    /// subnegotiations.
    pub fn handler(mut self, handler: impl Handler + Send + 'static) -> Self {
        self.handler = Some(Box::new(handler));
        self
    }

    /// Our window size: accept `DO NAWS` and send it when NAWS is turned
    /// on (update it with [`Telnet::set_window_size`]).
    pub fn window_size(mut self, width: u16, height: u16) -> Self {
        self.local.window_size = Some((width, height));
        self.allow(Side::Local, TelnetOption::NAWS)
    }

    /// Our terminal type: accept `DO TTYPE` and answer `SB TTYPE SEND`
    /// with it.
    pub fn terminal_type(mut self, name: impl Into<String>) -> Self {
        self.local.terminal_type = Some(name.into());
        self.allow(Side::Local, TelnetOption::TTYPE)
    }

    /// An environment variable to tell the peer: accept `DO NEW-ENVIRON`
    /// and answer its `SEND` requests (RFC 1572) with the variables asked
    /// for (an empty request means all of ours). Nothing is sent unasked.
    pub fn environment(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.local.environment.push((name.into(), value.into()));
        self.allow(Side::Local, TelnetOption::NEW_ENVIRON)
    }

    /// Accept MCCP2 compression from the peer (`WILL MCCP2` is answered
    /// `DO`). Needs the `mccp` feature to decompress; without it, a peer
    /// that starts compressing gets [`Error::Protocol`].
    pub fn mccp(self) -> Self {
        self.allow(Side::Remote, TelnetOption::MCCP2)
    }

    /// When the peer agrees to TTYPE on its side, send `SB TTYPE SEND` at
    /// once (a server asking for the client's terminal type).
    pub fn ask_terminal_type(mut self, ask: bool) -> Self {
        self.ask_terminal_type = ask;
        self
    }

    /// A session over `stream`, sending the requests at once.
    pub fn build<S: Read + Write>(self, stream: S) -> Result<Telnet<S>> {
        let mut telnet = self.assemble(stream);
        telnet.flush_out()?;
        Ok(telnet)
    }

    /// The session, with the requests queued but not sent.
    fn assemble<S: Read + Write>(self, stream: S) -> Telnet<S> {
        let mut session = Box::new(TelnetSession::new(self.config));
        let mut out = Vec::new();
        for (side, option) in &self.requests {
            if let Some(n) = session.enable(*side, *option) {
                queue_negotiation(&mut out, n);
            }
        }
        Telnet {
            stream,
            core: Core {
                session,
                cooked: Vec::new(),
                cpos: 0,
                sb: None,
                out,
                handler: self.handler,
                local: self.local,
                ask_terminal_type: self.ask_terminal_type,
                terminal_type_asked: false,
                peer_window_size: None,
                peer_terminal_type: None,
                inflater: None,
                broken: None,
            },
            rbuf: vec![0; READ_CHUNK].into_boxed_slice(),
            eof: false,
            write_closed: false,
            timeout: self.timeout,
            max_buffered: self.max_buffered,
            #[cfg(feature = "mccp")]
            deflater: None,
        }
    }

    /// Connects over TCP to the first address of `addr` that accepts
    /// (within the connect timeout, if set) and builds the session.
    pub fn connect(self, addr: impl ToSocketAddrs) -> Result<Telnet<TcpStream>> {
        let stream = match self.connect_timeout {
            None => TcpStream::connect(addr)?,
            Some(limit) => {
                let mut last = None;
                let mut found = None;
                for a in addr.to_socket_addrs()? {
                    match TcpStream::connect_timeout(&a, limit) {
                        Ok(s) => {
                            found = Some(s);
                            break;
                        }
                        Err(e) => last = Some(e),
                    }
                }
                match found {
                    Some(s) => s,
                    None => {
                        return Err(last
                            .unwrap_or_else(|| {
                                io::Error::new(
                                    io::ErrorKind::InvalidInput,
                                    "the address resolved to nothing",
                                )
                            })
                            .into())
                    }
                }
            }
        };
        // Small writes (a keystroke, a negotiation) should leave at once.
        stream.set_nodelay(true)?;
        self.build(stream)
    }
}

/// A Telnet connection over any byte stream, with Python telnetlib's API.
///
/// Everything received goes through the [`telnet_proto`] session: data is
/// decoded into a buffer that the `read_*` methods and
/// [`expect`](Telnet::expect) take from, negotiations are answered (by the
/// [`Policy`], or by your [`Handler`]), and the answers are written before
/// the read call returns, without anything for the application to do.
///
/// `S` is `TcpStream` unless you say otherwise; any `Read + Write` stream
/// works, and the reading methods need it to implement [`Ready`] (wrap
/// streams that cannot tell in [`AssumeReady`](crate::AssumeReady)).
///
/// # Timeouts
///
/// The connection has a default timeout ([`set_timeout`](Telnet::set_timeout),
/// `None` = wait forever), used by every read method that blocks; each
/// `*_timeout` variant takes its own for one call (`None` = forever). What
/// happens when it expires is the method's telnetlib behaviour:
/// [`read_until`](Telnet::read_until) and [`expect`](Telnet::expect) return
/// what they have; [`read_some`](Telnet::read_some) and
/// [`read_all`](Telnet::read_all) fail with [`Error::Timeout`], keeping what
/// was read. Writes are not covered by the timeout.
///
/// # Differences from telnetlib
///
/// * NUL and 0x11 bytes are data (telnetlib dropped them, which corrupts
///   binary data); `CR NUL` becomes CR by default ([`Newline`]).
/// * An option already off is never refused again, so two peers cannot
///   loop (RFC 1143); telnetlib answered every `DONT`/`WONT`.
/// * Nothing ever blocks in the middle of a Telnet sequence: a partial
///   sequence stays in the session until the rest arrives.
/// * Subnegotiations are bounded ([`SUBNEGOTIATION_CAPACITY`]) and so is
///   the data buffer ([`Builder::max_buffered`]).
pub struct Telnet<S = TcpStream> {
    stream: S,
    core: Core,
    rbuf: Box<[u8]>,
    eof: bool,
    /// Our direction was shut down: answers can no longer be sent.
    write_closed: bool,
    timeout: Option<Duration>,
    max_buffered: usize,
    /// Our compressed stream (MCCP2 or MCCP3), once we started it.
    #[cfg(feature = "mccp")]
    deflater: Option<Deflater>,
}

impl<S: fmt::Debug> fmt::Debug for Telnet<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Telnet")
            .field("stream", &self.stream)
            .field("buffered", &self.core.data().len())
            .field("eof", &self.eof)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The result of [`Telnet::expect`].
///
/// telnetlib returned `(index, match, text)`, or `(-1, None, text)` when
/// nothing matched before the timeout or the end of the connection; here
/// the two cases are the two variants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A pattern matched.
    Matched(Matched),
    /// Nothing matched before the timeout, or before the connection closed
    /// with some data left: the data received so far (possibly empty on a
    /// timeout), now taken out of the buffer.
    NoMatch(Vec<u8>),
}

impl Expect {
    /// The index of the pattern that matched, or `None` (telnetlib's -1).
    pub fn index(&self) -> Option<usize> {
        match self {
            Expect::Matched(m) => Some(m.index),
            Expect::NoMatch(_) => None,
        }
    }

    /// The text taken from the buffer: through the match, or all of it.
    pub fn text(&self) -> &[u8] {
        match self {
            Expect::Matched(m) => &m.text,
            Expect::NoMatch(text) => text,
        }
    }

    /// The text taken from the buffer, owned.
    pub fn into_text(self) -> Vec<u8> {
        match self {
            Expect::Matched(m) => m.text,
            Expect::NoMatch(text) => text,
        }
    }

    /// The match, if there was one.
    pub fn matched(&self) -> Option<&Matched> {
        match self {
            Expect::Matched(m) => Some(m),
            Expect::NoMatch(_) => None,
        }
    }
}

/// A match found by [`Telnet::expect`]: which pattern, the text read up to
/// and including the match, and where the match and its capture groups
/// are in that text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    /// The index of the pattern that matched (the first in the list that
    /// matches anywhere in the buffer, as telnetlib did).
    pub index: usize,
    /// The data read, up to and including the match.
    pub text: Vec<u8>,
    groups: Vec<Option<Range<usize>>>,
}

impl Matched {
    /// Where the whole match is in [`text`](Matched::text).
    pub fn range(&self) -> Range<usize> {
        // Group 0 (the whole match) always participates in a match.
        self.groups
            .first()
            .cloned()
            .flatten()
            .unwrap_or(self.text.len()..self.text.len())
    }

    /// The matched bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.text[self.range()]
    }

    /// Capture group `i` (0 is the whole match), or `None` if the pattern
    /// has no such group or it did not participate.
    pub fn group(&self, i: usize) -> Option<&[u8]> {
        let range = self.groups.get(i)?.clone()?;
        self.text.get(range)
    }

    /// Where capture group `i` is in [`text`](Matched::text).
    pub fn group_range(&self, i: usize) -> Option<Range<usize>> {
        self.groups.get(i)?.clone()
    }
}

/// What a read from the stream gave.
enum Fill {
    /// Some bytes were read and processed (maybe no data came of them).
    Read(usize),
    /// End of stream.
    Eof,
    /// The deadline passed first.
    TimedOut,
}

fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|t| Instant::now().checked_add(t))
}

impl<S: Read + Write> Telnet<S> {
    /// A session over `stream` with telnetlib's defaults (see
    /// [`Builder::new`]); sends nothing.
    pub fn new(stream: S) -> Self {
        Builder::new().assemble(stream)
    }

    /// A session in the server role over `stream` (see
    /// [`Builder::server`]): sends `WILL ECHO`, `WILL SGA`, `DO NAWS`,
    /// `DO TTYPE` at once.
    pub fn server(stream: S) -> Result<Self> {
        Builder::server().build(stream)
    }

    /// The underlying stream (telnetlib's `get_socket`).
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The underlying stream, mutably. Bytes read from it directly bypass
    /// the session; bytes written to it go to the peer as they are.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// The underlying stream. Received data still buffered is lost.
    pub fn into_inner(self) -> S {
        self.stream
    }

    /// The protocol session: option states, policy, newline mode.
    pub fn session(&self) -> &TelnetSession {
        &self.core.session
    }

    /// The connection's default timeout.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Set the connection's default timeout for the read methods that
    /// block (`None`: wait forever). telnetlib took a timeout per call
    /// only; here the `*_timeout` methods still override it per call.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// Whether the peer has closed the connection (everything it sent may
    /// not have been read yet).
    pub fn is_eof(&self) -> bool {
        self.eof
    }

    /// The received data not taken yet, without taking it.
    pub fn buffered(&self) -> &[u8] {
        self.core.data()
    }

    // ---- options ------------------------------------------------------

    /// Whether `side` of `option` is on.
    pub fn is_enabled(&self, side: Side, option: TelnetOption) -> bool {
        self.core.session.is_enabled(side, option)
    }

    /// The RFC 1143 state of `side` of `option`.
    pub fn option_state(&self, side: Side, option: TelnetOption) -> OptionState {
        self.core.session.option_state(side, option)
    }

    /// Accept (`true`) or refuse `option` on `side` when the peer asks
    /// from now on. Does not change the option's current state.
    pub fn allow(&mut self, side: Side, option: TelnetOption, allowed: bool) {
        self.core.session.policy_mut().set(side, option, allowed);
    }

    /// Ask for `option` on `side` (`WILL` or `DO`), also allowing it. Sends
    /// nothing if it is on or a request is pending (RFC 1143). The answer
    /// is processed by later reads; check [`is_enabled`](Telnet::is_enabled).
    pub fn enable(&mut self, side: Side, option: TelnetOption) -> Result<()> {
        if let Some(n) = self.core.session.enable(side, option) {
            queue_negotiation(&mut self.core.out, n);
        }
        self.flush_out()
    }

    /// Ask for `option` on `side` to be off (`WONT` or `DONT`), also
    /// refusing it from now on. It counts as off at once.
    pub fn disable(&mut self, side: Side, option: TelnetOption) -> Result<()> {
        if let Some(n) = self.core.session.disable(side, option) {
            queue_negotiation(&mut self.core.out, n);
        }
        self.flush_out()
    }

    /// Turn the manual mode on (`true`: received negotiations go to the
    /// [`Handler`] only) or off.
    pub fn set_manual_negotiation(&mut self, manual: bool) {
        self.core.session.set_manual_negotiation(manual);
    }

    /// Record an option's state without sending anything (manual mode).
    pub fn set_option_state(&mut self, side: Side, option: TelnetOption, enabled: bool) {
        self.core.session.set_option_state(side, option, enabled);
    }

    /// Install a [`Handler`], replacing any other (telnetlib's
    /// `set_option_negotiation_callback`, which also needs
    /// [`set_manual_negotiation`](Telnet::set_manual_negotiation) to take
    /// over the answers).
    pub fn set_handler(&mut self, handler: impl Handler + Send + 'static) {
        self.core.handler = Some(Box::new(handler));
    }

    /// Remove the [`Handler`].
    pub fn clear_handler(&mut self) {
        self.core.handler = None;
    }

    /// Send a negotiation as is, bypassing the RFC 1143 table (for the
    /// manual mode; in the automatic mode use [`enable`](Telnet::enable) and
    /// [`disable`](Telnet::disable)).
    pub fn send_negotiation(&mut self, negotiation: Negotiation) -> Result<()> {
        self.check_writable()?;
        queue_negotiation(&mut self.core.out, negotiation);
        self.flush_out()
    }

    /// Send a two-byte command such as `IAC AYT` or `IAC BRK`.
    ///
    /// An invalid command ([`Command::is_valid`]: an `Unknown` holding
    /// 250 to 255, which would start a subnegotiation or a negotiation on
    /// the wire) is an [`io::ErrorKind::InvalidInput`] error, and nothing
    /// is sent.
    pub fn send_command(&mut self, command: Command) -> Result<()> {
        command.check()?;
        self.check_writable()?;
        queue_command(&mut self.core.out, command);
        self.flush_out()
    }

    /// Send `IAC SB option payload IAC SE`, every 0xFF in the payload
    /// doubled.
    pub fn send_subnegotiation(&mut self, option: TelnetOption, payload: &[u8]) -> Result<()> {
        self.check_writable()?;
        queue_subnegotiation(&mut self.core.out, option, payload);
        self.flush_out()
    }

    /// Change our window size, and send it if NAWS is on our side.
    pub fn set_window_size(&mut self, width: u16, height: u16) -> Result<()> {
        self.core.local.window_size = Some((width, height));
        if self.is_enabled(Side::Local, TelnetOption::NAWS) {
            self.send_subnegotiation(TelnetOption::NAWS, &opts::naws(width, height))?;
        }
        Ok(())
    }

    /// Ask the peer for its terminal type again (`SB TTYPE SEND`), for
    /// servers that cycle through a client's types; the answer updates
    /// [`peer_terminal_type`](Telnet::peer_terminal_type). Sends nothing
    /// and returns `false` if the peer has not agreed to TTYPE.
    pub fn request_terminal_type(&mut self) -> Result<bool> {
        if !self.is_enabled(Side::Remote, TelnetOption::TTYPE) {
            return Ok(false);
        }
        self.send_subnegotiation(TelnetOption::TTYPE, &[opts::SEND])?;
        self.core.terminal_type_asked = true;
        Ok(true)
    }

    /// The peer's window size from its last NAWS subnegotiation.
    pub fn peer_window_size(&self) -> Option<(u16, u16)> {
        self.core.peer_window_size
    }

    /// The peer's terminal type from its last `SB TTYPE IS`.
    pub fn peer_terminal_type(&self) -> Option<&str> {
        self.core.peer_terminal_type.as_deref()
    }

    // ---- writing ------------------------------------------------------

    /// Send data, every 0xFF doubled, and flush (telnetlib's `write`).
    /// Nothing else is changed: `\n` goes as a bare LF. For text with
    /// NVT newlines use [`write_text`](Telnet::write_text).
    pub fn write(&mut self, data: &[u8]) -> Result<()> {
        self.check_writable()?;
        tracing::trace!(target: "telnet_std::wire", "data {} bytes", data.len());
        let len = encode::data_len(data);
        if len == data.len() && self.core.out.is_empty() && !self.is_compressing() {
            // No 0xFF to double and nothing queued before it: the data goes
            // to the stream as it is, without a copy.
            tracing::trace!(target: "telnet_std::wire", "send {}", Hex(data));
            return self
                .stream
                .write_all(data)
                .and_then(|()| self.stream.flush())
                .map_err(Error::Io);
        }
        queue_encoded(&mut self.core.out, len, |dst| encode::data(data, dst));
        self.flush_out()
    }

    /// Whether our output is compressed (MCCP).
    fn is_compressing(&self) -> bool {
        #[cfg(feature = "mccp")]
        return self.deflater.is_some();
        #[cfg(not(feature = "mccp"))]
        false
    }

    /// Send text and flush: `\n` as CR LF, a bare `\r` as CR NUL, 0xFF
    /// doubled (RFC 854), or only 0xFF doubled while BINARY is on our side.
    /// Each call stands alone: do not split a `\r\n` between two calls.
    pub fn write_text(&mut self, text: impl AsRef<[u8]>) -> Result<()> {
        self.check_writable()?;
        let text = text.as_ref();
        tracing::trace!(target: "telnet_std::wire", "text {} bytes", text.len());
        let Core { session, out, .. } = &mut self.core;
        queue_encoded(out, encode::text_len(text), |dst| {
            session.encode_text(text, dst)
        });
        self.flush_out()
    }

    /// Send `IAC GA` unless SGA is on our side (a prompt marker for
    /// servers).
    pub fn send_go_ahead(&mut self) -> Result<()> {
        self.check_writable()?;
        let Core { session, out, .. } = &mut self.core;
        queue_encoded(out, 2, |dst| session.encode_go_ahead(dst));
        self.flush_out()
    }

    /// Explicit writes after [`shutdown_write`](Telnet::shutdown_write)
    /// fail.
    fn check_writable(&self) -> Result<()> {
        if self.write_closed {
            return Err(Error::Io(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "our direction of the connection is shut down",
            )));
        }
        Ok(())
    }

    /// Starts compressing what we send (MCCP2, or MCCP3 for a client),
    /// once the option is on: sends `IAC SB option IAC SE` after anything
    /// already queued, and from then on every byte we send (data,
    /// commands, negotiations and the session's own answers,
    /// subnegotiations) is one zlib stream, flushed at every write so that
    /// the peer can decode each at once.
    ///
    /// `option` is [`TelnetOption::MCCP2`], which we must have agreed to
    /// on our side (we sent `WILL`, the peer `DO`: a server, see
    /// [`Builder::allow`] and [`Builder::request`]), or
    /// [`TelnetOption::MCCP3`], which the peer must have on its side (it
    /// sent `WILL`, we `DO`: a client). Anything else is an
    /// [`io::ErrorKind::InvalidInput`] error, and nothing is sent. Already
    /// compressing: nothing to do.
    ///
    /// The stream ends with [`end_compression`](Telnet::end_compression),
    /// with [`shutdown_write`](Telnet::shutdown_write), or when the option
    /// goes off (the peer's `DONT MCCP2` or `WONT MCCP3`, or
    /// [`disable`](Telnet::disable)): the answer to that negotiation is the
    /// last thing in it, and what follows is plain Telnet again.
    ///
    /// ```no_run
    /// use telnet_proto::{Side, TelnetOption};
    /// use telnet_std::Builder;
    ///
    /// # fn main() -> telnet_std::Result<()> {
    /// # let stream = std::net::TcpStream::connect("127.0.0.1:4000")?;
    /// // A MUD server that offers MCCP2 and compresses once the client agrees.
    /// let mut telnet = Builder::server()
    ///     .request(Side::Local, TelnetOption::MCCP2)
    ///     .build(stream)?;
    /// telnet.negotiate(Some(std::time::Duration::from_millis(500)))?;
    /// if telnet.is_enabled(Side::Local, TelnetOption::MCCP2) {
    ///     telnet.start_compression(TelnetOption::MCCP2)?;
    /// }
    /// telnet.write_text("Welcome!\n")?; // compressed if the client agreed
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "mccp")]
    pub fn start_compression(&mut self, option: TelnetOption) -> Result<()> {
        self.check_writable()?;
        let side = compression_side(option)?;
        if !self.is_enabled(side, option) {
            return Err(Error::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "cannot start {option} compression: the option is not on {}",
                    match side {
                        Side::Local => "our side (the peer has not sent DO)",
                        Side::Remote => "the peer's side (it has not sent WILL)",
                    }
                ),
            )));
        }
        if self.deflater.is_some() {
            return Ok(());
        }
        queue_subnegotiation(&mut self.core.out, option, &[]);
        self.flush_out()?;
        tracing::debug!(target: "telnet_std", "SENT start of compressed stream ({option})");
        self.deflater = Some(Deflater::new(option));
        Ok(())
    }

    /// Ends our compressed stream ([`start_compression`](Telnet::start_compression)):
    /// what is queued goes out as its last bytes, and later output is
    /// plain Telnet. Not compressing: nothing to do.
    #[cfg(feature = "mccp")]
    pub fn end_compression(&mut self) -> Result<()> {
        if let Some(mut deflater) = self.deflater.take() {
            self.finish_compression(&mut deflater)?;
        }
        Ok(())
    }

    /// The option our output is compressed under
    /// ([`start_compression`](Telnet::start_compression)), if it is.
    #[cfg(feature = "mccp")]
    pub fn output_compression(&self) -> Option<TelnetOption> {
        self.deflater.as_ref().map(|d| d.option)
    }

    /// Sends what is queued as the end of `deflater`'s stream.
    #[cfg(feature = "mccp")]
    fn finish_compression(&mut self, deflater: &mut Deflater) -> Result<()> {
        let (plain, option) = (Hex(&self.core.out), deflater.option);
        tracing::trace!(target: "telnet_std::wire", "send {plain} (compressed, then its end)");
        deflater.deflate_in_place(&mut self.core.out, true)?;
        tracing::debug!(target: "telnet_std", "SENT end of compressed stream ({option})");
        self.write_queued()
    }

    /// Writes what is queued for the peer, compressed while our stream is
    /// (and ending it if its option went off).
    fn flush_out(&mut self) -> Result<()> {
        #[cfg(feature = "mccp")]
        if let Some(mut deflater) = self.deflater.take() {
            let option = deflater.option;
            // The option is known to be MCCP2 or MCCP3.
            let side = compression_side(option).unwrap_or(Side::Local);
            if !self.core.session.is_enabled(side, option) {
                return self.finish_compression(&mut deflater);
            }
            if !self.core.out.is_empty() {
                let plain = Hex(&self.core.out);
                tracing::trace!(target: "telnet_std::wire", "send {plain} (compressed)");
                let deflated = deflater.deflate_in_place(&mut self.core.out, false);
                self.deflater = Some(deflater);
                deflated?;
                return self.write_queued();
            }
            self.deflater = Some(deflater);
            return Ok(());
        }
        if self.core.out.is_empty() {
            return Ok(());
        }
        tracing::trace!(target: "telnet_std::wire", "send {}", Hex(&self.core.out));
        self.write_queued()
    }

    /// Writes `core.out` as it is (compressed already, if it is).
    fn write_queued(&mut self) -> Result<()> {
        if self.core.out.is_empty() {
            return Ok(());
        }
        if self.write_closed {
            tracing::debug!(
                target: "telnet_std",
                "{} bytes not sent: our direction of the connection is shut down",
                self.core.out.len()
            );
            self.core.out.clear();
            return Ok(());
        }
        let result = self
            .stream
            .write_all(&self.core.out)
            .and_then(|()| self.stream.flush());
        self.core.out.clear();
        result.map_err(Error::Io)
    }

    // ---- reading without I/O -------------------------------------------

    /// The data already received and decoded, without any I/O
    /// (telnetlib's `read_very_lazy`). Empty if there is none; fails with
    /// [`Error::Eof`] only when the connection is closed and nothing is
    /// left.
    pub fn read_very_lazy(&mut self) -> Result<Vec<u8>> {
        let data = self.core.take_all();
        if data.is_empty() && self.eof {
            return Err(Error::Eof);
        }
        Ok(data)
    }

    /// telnetlib's `read_lazy`: the same as
    /// [`read_very_lazy`](Telnet::read_very_lazy) here, because every byte
    /// read from the stream is decoded at once (telnetlib kept a queue of
    /// raw bytes that `read_lazy` decoded first).
    pub fn read_lazy(&mut self) -> Result<Vec<u8>> {
        self.read_very_lazy()
    }

    /// The payload of the last subnegotiation received, once: a second
    /// call returns it empty (telnetlib's `read_sb_data`). Every
    /// subnegotiation replaces the previous one, read or not; to see each
    /// of them, use a [`Handler`].
    pub fn read_sb_data(&mut self) -> Vec<u8> {
        self.core
            .sb
            .take()
            .map(|(_, payload)| payload)
            .unwrap_or_default()
    }

    /// The last subnegotiation received, with its option, once.
    pub fn take_subnegotiation(&mut self) -> Option<(TelnetOption, Vec<u8>)> {
        self.core.sb.take()
    }
}

impl<S: Read + Write + Ready> Telnet<S> {
    /// Reads once from the stream (waiting until `deadline` if there is
    /// one) and processes what came.
    fn fill(&mut self, deadline: Option<Instant>) -> Result<Fill> {
        if let Some(broken) = &self.core.broken {
            return Err(broken.again());
        }
        if self.eof {
            return Ok(Fill::Eof);
        }
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if !self.stream.wait_readable(Some(left))? {
                return Ok(Fill::TimedOut);
            }
        }
        self.read_once()
    }

    fn read_once(&mut self) -> Result<Fill> {
        let n = loop {
            match self.stream.read(&mut self.rbuf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        };
        if n == 0 {
            tracing::trace!(target: "telnet_std::wire", "recv end of stream");
            tracing::debug!(target: "telnet_std", "RCVD end of stream");
            self.eof = true;
            self.core.finish();
            return Ok(Fill::Eof);
        }
        // `n` is at most the buffer's length.
        let input = &self.rbuf[..n];
        tracing::trace!(target: "telnet_std::wire", "recv {}", Hex(input));
        let result = self.core.ingest(input);
        // Answers decided before an error still go out.
        let flushed = self.flush_out();
        result?;
        flushed?;
        Ok(Fill::Read(n))
    }

    /// Whether the buffer holds its limit.
    fn is_full(&self) -> bool {
        self.core.data().len() >= self.max_buffered
    }

    /// Waits up to `timeout` (`None`: without limit) for bytes from the
    /// peer, reads once, and processes them: answers are sent, data is
    /// buffered for the read methods. Returns `Ok(true)` if bytes were
    /// read, `Ok(false)` on timeout or when the connection is closed (see
    /// [`is_eof`](Telnet::is_eof)). No telnetlib equivalent: it is what a
    /// server needs to wait for negotiation answers without taking data.
    pub fn process_input(&mut self, timeout: Option<Duration>) -> Result<bool> {
        let deadline = deadline_after(timeout);
        Ok(matches!(self.fill(deadline)?, Fill::Read(_)))
    }

    /// Reads and answers until every request of ours (`WILL`/`DO` sent by
    /// [`enable`](Telnet::enable), [`disable`](Telnet::disable) or
    /// [`Builder::request`]) has its answer and, if we asked for the
    /// peer's terminal type, until it came. Data that arrives meanwhile is
    /// kept for the read methods.
    ///
    /// Fails with [`Error::Timeout`] if `timeout` passes first and with
    /// [`Error::Eof`] if the peer closes first.
    pub fn negotiate(&mut self, timeout: Option<Duration>) -> Result<()> {
        let deadline = deadline_after(timeout);
        loop {
            let pending = (0..=255u8).any(|code| {
                [Side::Local, Side::Remote]
                    .into_iter()
                    .any(|side| self.option_state(side, TelnetOption(code)).is_pending())
            });
            if !pending && !self.core.terminal_type_asked {
                return Ok(());
            }
            match self.fill(deadline)? {
                Fill::Read(_) => {}
                Fill::Eof => return Err(Error::Eof),
                Fill::TimedOut => return Err(Error::Timeout),
            }
        }
    }

    /// Reads until `expected` has been received, and returns the data
    /// through it; the rest stays buffered. Uses the connection's default
    /// timeout; see [`read_until_timeout`](Telnet::read_until_timeout).
    pub fn read_until(&mut self, expected: &[u8]) -> Result<Vec<u8>> {
        self.read_until_timeout(expected, self.timeout)
    }

    /// telnetlib's `read_until(expected, timeout)`: the data through the
    /// first occurrence of `expected` (which may arrive split across any
    /// number of reads). When the timeout passes or the connection closes
    /// first, returns whatever data there is, possibly empty; fails with
    /// [`Error::Eof`] only when the connection is closed and nothing is
    /// buffered. `None` waits without limit.
    ///
    /// Each byte is searched once (linear time), as in telnetlib.
    pub fn read_until_timeout(
        &mut self,
        expected: &[u8],
        timeout: Option<Duration>,
    ) -> Result<Vec<u8>> {
        let deadline = deadline_after(timeout);
        let finder = memchr::memmem::Finder::new(expected);
        let mut from = 0;
        loop {
            let data = self.core.data();
            if let Some(i) = finder.find(&data[from..]) {
                let end = from + i + expected.len();
                return Ok(self.core.take(end));
            }
            // A match may still start in the last `len - 1` bytes.
            from = data.len().saturating_sub(expected.len().saturating_sub(1));
            if self.is_full() {
                return Err(Error::BufferFull {
                    limit: self.max_buffered,
                });
            }
            match self.fill(deadline)? {
                Fill::Read(_) => {}
                Fill::Eof | Fill::TimedOut => return self.read_very_lazy(),
            }
        }
    }

    /// Reads until the peer closes the connection and returns all the data
    /// (empty if there was none), with the connection's default timeout
    /// for the whole call (see [`read_all_timeout`](Telnet::read_all_timeout)).
    pub fn read_all(&mut self) -> Result<Vec<u8>> {
        self.read_all_timeout(self.timeout)
    }

    /// telnetlib's `read_all`: everything until the peer closes. If
    /// `timeout` passes first, fails with [`Error::Timeout`] and keeps the
    /// data read so far buffered. Fails with [`Error::BufferFull`] when the
    /// data outgrows [`Builder::max_buffered`].
    pub fn read_all_timeout(&mut self, timeout: Option<Duration>) -> Result<Vec<u8>> {
        let deadline = deadline_after(timeout);
        while !self.eof {
            if self.is_full() {
                return Err(Error::BufferFull {
                    limit: self.max_buffered,
                });
            }
            if let Fill::TimedOut = self.fill(deadline)? {
                return Err(Error::Timeout);
            }
        }
        Ok(self.core.take_all())
    }

    /// Returns at least one byte of data, waiting for it if none is
    /// buffered; an empty vector means the connection is closed
    /// (telnetlib's `read_some`). Fails with [`Error::Timeout`] when the
    /// connection's default timeout passes first.
    pub fn read_some(&mut self) -> Result<Vec<u8>> {
        self.read_some_timeout(self.timeout)
    }

    /// [`read_some`](Telnet::read_some) with its own timeout.
    pub fn read_some_timeout(&mut self, timeout: Option<Duration>) -> Result<Vec<u8>> {
        let deadline = deadline_after(timeout);
        while self.core.data().is_empty() && !self.eof {
            if let Fill::TimedOut = self.fill(deadline)? {
                return Err(Error::Timeout);
            }
        }
        Ok(self.core.take_all())
    }

    /// Everything that can be read without blocking (telnetlib's
    /// `read_very_eager`): reads from the stream as long as it has data
    /// ready, then returns all the data buffered, possibly empty. Fails
    /// with [`Error::Eof`] only when the connection is closed and nothing
    /// is buffered.
    ///
    /// Never blocks, not even inside a Telnet sequence (telnetlib did).
    /// Reading stops at [`Builder::max_buffered`], and after a read that
    /// did not fill the read buffer (the stream had no more at that
    /// moment), so that a stream that only pretends to be ready
    /// ([`AssumeReady`](crate::AssumeReady)) is read once, blocking.
    pub fn read_very_eager(&mut self) -> Result<Vec<u8>> {
        while !self.eof && !self.is_full() && self.stream.wait_readable(Some(Duration::ZERO))? {
            match self.read_once()? {
                Fill::Read(n) if n == self.rbuf.len() => {}
                _ => break,
            }
        }
        self.read_very_lazy()
    }

    /// Data already there, or what can be read without blocking
    /// (telnetlib's `read_eager`): if nothing is buffered, reads from the
    /// stream while it has data ready and no data has come of it yet.
    /// Returns the data buffered, possibly empty; fails with
    /// [`Error::Eof`] only when the connection is closed and nothing is
    /// buffered. Never blocks on a [`Ready`] stream.
    pub fn read_eager(&mut self) -> Result<Vec<u8>> {
        while self.core.data().is_empty()
            && !self.eof
            && self.stream.wait_readable(Some(Duration::ZERO))?
        {
            self.read_once()?;
        }
        self.read_very_lazy()
    }

    /// Reads until one of `patterns` matches, with the connection's
    /// default timeout. See [`expect_timeout`](Telnet::expect_timeout).
    pub fn expect(&mut self, patterns: &[Regex]) -> Result<Expect> {
        self.expect_timeout(patterns, self.timeout)
    }

    /// telnetlib's `expect(list, timeout)`: reads until one of `patterns`
    /// matches the buffered data, and returns which one, the match, and
    /// the data through the match ([`Expect::Matched`]); the rest stays
    /// buffered. When the timeout passes, or the connection closes with
    /// data that nothing matched, returns [`Expect::NoMatch`] with all the
    /// data buffered (possibly empty on a timeout). Fails with
    /// [`Error::Eof`] when the connection is closed and nothing is
    /// buffered.
    ///
    /// The patterns are tried in order on all the buffered data after each
    /// read, and the first that matches anywhere wins, as in telnetlib (not
    /// the earliest match). A pattern that can match more if more data
    /// came (`.*` at its end) matches what has arrived so far. Unlike
    /// telnetlib, the data that arrived with the end of the connection is
    /// matched too before giving up.
    pub fn expect_timeout(
        &mut self,
        patterns: &[Regex],
        timeout: Option<Duration>,
    ) -> Result<Expect> {
        let deadline = deadline_after(timeout);
        loop {
            let data = self.core.data();
            for (index, pattern) in patterns.iter().enumerate() {
                if let Some(captures) = pattern.captures(data) {
                    let groups: Vec<Option<Range<usize>>> =
                        captures.iter().map(|g| g.map(|m| m.range())).collect();
                    let end = groups
                        .first()
                        .cloned()
                        .flatten()
                        .map_or(0, |whole| whole.end);
                    let text = self.core.take(end);
                    return Ok(Expect::Matched(Matched {
                        index,
                        text,
                        groups,
                    }));
                }
            }
            if self.eof {
                break;
            }
            if self.is_full() {
                return Err(Error::BufferFull {
                    limit: self.max_buffered,
                });
            }
            match self.fill(deadline)? {
                // Match once more against what came with the end.
                Fill::Read(_) | Fill::Eof => {}
                Fill::TimedOut => break,
            }
        }
        let text = self.core.take_all();
        if text.is_empty() && self.eof {
            return Err(Error::Eof);
        }
        Ok(Expect::NoMatch(text))
    }

    /// Connects a user to the connection, both directions at once, until
    /// either side closes (telnetlib's `interact`, over any reader and
    /// writer instead of stdin and stdout).
    ///
    /// `input` is read on a helper thread and sent as text (`\n` becomes
    /// CR LF: telnetlib sent a bare LF). Received data is written to
    /// `output` and flushed as it arrives. Returns `Ok(())` when `input`
    /// ends (its end is not passed to the peer: the connection stays open)
    /// or when the peer closes the connection. If the connection closes
    /// first, the helper thread stays blocked in `input` until its next
    /// read returns, and then ends.
    ///
    /// Keystrokes wait at most 20 ms before they are sent (the connection
    /// is polled with that period while input is idle).
    pub fn interact<R, W>(&mut self, mut input: R, mut output: W) -> Result<()>
    where
        R: Read + Send + 'static,
        W: Write,
    {
        let (tx, rx) = mpsc::channel::<io::Result<Vec<u8>>>();
        thread::spawn(move || {
            let mut buf = vec![0u8; 4096];
            loop {
                let chunk = match input.read(&mut buf) {
                    Ok(n) => Ok(buf[..n].to_vec()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let last = !matches!(&chunk, Ok(c) if !c.is_empty());
                if tx.send(chunk).is_err() || last {
                    return;
                }
            }
        });
        // A CR LF may be cut between two chunks of input.
        let mut pieces = encode::TextPieces::new();
        loop {
            loop {
                match rx.try_recv() {
                    Ok(Ok(chunk)) if chunk.is_empty() => {
                        self.write_text(pieces.finish())?;
                        return Ok(());
                    }
                    Ok(Ok(chunk)) => {
                        let (head, body) = pieces.next(&chunk);
                        self.write_text([head, body].concat())?;
                    }
                    Ok(Err(e)) => return Err(Error::Io(e)),
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => return Ok(()),
                }
            }
            match self.read_very_eager() {
                Ok(data) if !data.is_empty() => {
                    output.write_all(&data).map_err(Error::Io)?;
                    output.flush().map_err(Error::Io)?;
                }
                Ok(_) => {
                    self.stream.wait_readable(Some(INTERACT_POLL))?;
                }
                Err(Error::Eof) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}

impl Telnet<TcpStream> {
    /// Shuts down our direction of the connection (TCP half-close): the
    /// peer reads the end of our data, and we can go on reading. Answers
    /// to negotiations that arrive afterwards are dropped (traced), since
    /// they can no longer be sent; explicit writes fail.
    pub fn shutdown_write(&mut self) -> Result<()> {
        self.flush_out()?;
        #[cfg(feature = "mccp")]
        self.end_compression()?;
        self.stream.shutdown(std::net::Shutdown::Write)?;
        self.write_closed = true;
        Ok(())
    }

    /// Connects over TCP with telnetlib's defaults (see [`Builder::new`]).
    pub fn connect(addr: impl ToSocketAddrs) -> Result<Self> {
        Builder::new().connect(addr)
    }

    /// Connects over TCP, giving up after `timeout`, which also becomes the
    /// connection's default timeout (as telnetlib's `Telnet(host, port,
    /// timeout)` did).
    pub fn connect_timeout(addr: impl ToSocketAddrs, timeout: Duration) -> Result<Self> {
        Builder::new()
            .connect_timeout(timeout)
            .timeout(Some(timeout))
            .connect(addr)
    }
}

impl<S: Read + Write + Ready> Read for Telnet<S> {
    /// Decoded data: what is buffered, or one wait for more with the
    /// connection's default timeout (an `io::ErrorKind::TimedOut` error if
    /// it passes). `Ok(0)` at the end of the connection.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        copy(&mut buf[..n], &available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<S: Read + Write + Ready> BufRead for Telnet<S> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let deadline = deadline_after(self.timeout);
        while self.core.data().is_empty() && !self.eof {
            if let Fill::TimedOut = self.fill(deadline)? {
                return Err(Error::Timeout.into());
            }
        }
        Ok(self.core.data())
    }

    fn consume(&mut self, amt: usize) {
        self.core.consume(amt);
    }
}

impl<S: Read + Write> Write for Telnet<S> {
    /// Sends all of `buf` as data (0xFF doubled, as [`Telnet::write`]) and
    /// flushes.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Telnet::write(self, buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_out()?;
        self.stream.flush()
    }
}

#[cfg(unix)]
impl<S: std::os::fd::AsFd> std::os::fd::AsFd for Telnet<S> {
    /// The stream's descriptor (telnetlib's `fileno`).
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.stream.as_fd()
    }
}

#[cfg(unix)]
impl<S: std::os::fd::AsRawFd> std::os::fd::AsRawFd for Telnet<S> {
    /// The stream's descriptor (telnetlib's `fileno`).
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.stream.as_raw_fd()
    }
}

/// Why the connection cannot be parsed any more; every later read fails
/// with the same error.
#[derive(Clone, Debug)]
enum Broken {
    Protocol(String),
    Decompression(String),
}

impl Broken {
    fn again(&self) -> Error {
        match self {
            Broken::Protocol(why) => Error::Protocol(why.clone()),
            Broken::Decompression(why) => Error::Decompression(why.clone()),
        }
    }
}

impl From<&Error> for Broken {
    fn from(e: &Error) -> Self {
        match e {
            Error::Decompression(why) => Broken::Decompression(why.clone()),
            other => Broken::Protocol(other.to_string()),
        }
    }
}

/// The side an MCCP option must be on for us to compress what we send:
/// ours for MCCP2 (server to client), the peer's for MCCP3.
#[cfg(feature = "mccp")]
fn compression_side(option: TelnetOption) -> Result<Side> {
    match option {
        TelnetOption::MCCP2 => Ok(Side::Local),
        TelnetOption::MCCP3 => Ok(Side::Remote),
        other => Err(Error::Io(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot compress under {other}: only MCCP2 (86) and MCCP3 (87) compress"),
        ))),
    }
}

/// The largest piece [`copy`] and [`extend`] hand to `memcpy` at once: as in
/// telnet-proto's own long copies, under the 4 KiB from which glibc's
/// `memcpy` uses `rep movsb`, slow on AMD Zen 3 into a destination that is
/// not 64-byte aligned (benches/README.md, "The copy that cost half of the
/// echo").
const COPY_PIECE: usize = 2048;

/// `dst.copy_from_slice(src)`, [`COPY_PIECE`] bytes at a time.
fn copy(dst: &mut [u8], src: &[u8]) {
    for (to, from) in dst.chunks_mut(COPY_PIECE).zip(src.chunks(COPY_PIECE)) {
        to.copy_from_slice(from);
    }
}

/// `vec.extend_from_slice(bytes)`, [`COPY_PIECE`] bytes at a time.
fn extend(vec: &mut Vec<u8>, bytes: &[u8]) {
    vec.reserve(bytes.len());
    for piece in bytes.chunks(COPY_PIECE) {
        vec.extend_from_slice(piece);
    }
}

/// An owned copy of an event that goes to the handler.
enum Owned {
    /// A received negotiation, and the state change it made, if any.
    Negotiation(Negotiation, Option<bool>),
    Command(Command),
    Subnegotiation(TelnetOption),
}

/// The session and the buffers around it: everything but the stream.
struct Core {
    session: Box<TelnetSession>,
    /// Decoded data; the part not taken yet starts at `cpos`.
    cooked: Vec<u8>,
    cpos: usize,
    /// The last subnegotiation, for `read_sb_data`.
    sb: Option<(TelnetOption, Vec<u8>)>,
    /// Bytes queued for the peer.
    out: Vec<u8>,
    handler: Option<Box<dyn Handler + Send>>,
    local: LocalInfo,
    ask_terminal_type: bool,
    /// We sent `SB TTYPE SEND` and wait for the answer.
    terminal_type_asked: bool,
    peer_window_size: Option<(u16, u16)>,
    peer_terminal_type: Option<String>,
    /// The peer's compressed stream, once it started.
    inflater: Option<Inflater>,
    /// Decompression failed: nothing more can be parsed.
    broken: Option<Broken>,
}

impl Core {
    fn data(&self) -> &[u8] {
        // `cpos <= cooked.len()` always.
        &self.cooked[self.cpos..]
    }

    fn consume(&mut self, n: usize) {
        self.cpos = (self.cpos + n).min(self.cooked.len());
        if self.cpos == self.cooked.len() {
            self.cooked.clear();
            self.cpos = 0;
        } else if self.cpos >= 4096 && self.cpos * 2 >= self.cooked.len() {
            // Compact once the taken part is most of the buffer: amortised
            // linear.
            self.cooked.drain(..self.cpos);
            self.cpos = 0;
        }
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.data().len());
        let mut taken = Vec::with_capacity(n);
        extend(&mut taken, &self.data()[..n]);
        self.consume(n);
        taken
    }

    fn take_all(&mut self) -> Vec<u8> {
        if self.cpos == 0 {
            return std::mem::take(&mut self.cooked);
        }
        self.take(self.data().len())
    }

    /// Processes bytes received from the stream: plain Telnet, or the
    /// peer's compressed stream once it started.
    fn ingest(&mut self, mut input: &[u8]) -> Result<()> {
        if let Some(broken) = &self.broken {
            return Err(broken.again());
        }
        loop {
            if let Some(inflater) = self.inflater.as_mut() {
                let mut chunk = [0u8; INFLATE_CHUNK];
                let step = match inflater.inflate(input, &mut chunk) {
                    Ok(step) => step,
                    Err(e) => {
                        tracing::warn!(target: "telnet_std", "{e}");
                        let broken = Broken::from(&e);
                        self.broken = Some(broken);
                        return Err(e);
                    }
                };
                // Both counts are within the slices given.
                input = &input[step.consumed..];
                if self.parse(&chunk[..step.produced]).is_some() {
                    let broken = Broken::Protocol(
                        "the peer started compression inside its compressed stream".into(),
                    );
                    let e = broken.again();
                    self.broken = Some(broken);
                    return Err(e);
                }
                if step.ended {
                    tracing::debug!(target: "telnet_std", "RCVD end of compressed stream");
                    self.inflater = None;
                    continue;
                }
                let more_output = step.produced == chunk.len();
                if !more_output && (input.is_empty() || step.consumed == 0) {
                    return Ok(());
                }
                continue;
            }
            if input.is_empty() {
                return Ok(());
            }
            match self.parse(input) {
                None => return Ok(()),
                Some(at) => {
                    match Inflater::new() {
                        Ok(inflater) => self.inflater = Some(inflater),
                        Err(e) => {
                            self.broken = Some(Broken::from(&e));
                            return Err(e);
                        }
                    }
                    input = &input[at..];
                }
            }
        }
    }

    /// Parses plain Telnet; returns where compression starts, if it does.
    fn parse(&mut self, input: &[u8]) -> Option<usize> {
        // The data in `input` is at most as long as `input`: one
        // allocation here instead of a doubling for each data event.
        self.cooked.reserve(input.len());
        let mut pos = 0;
        loop {
            let Core {
                session,
                cooked,
                out,
                sb,
                ..
            } = self;
            // `pos` only advances by what a feed of `input[pos..]` consumed.
            let mut feed = session.feed(&input[pos..]);
            let mut action = None;
            let mut compression = false;
            while let Some(event) = feed.poll_event() {
                match event {
                    Event::Data(data) => extend(cooked, data),
                    Event::Negotiation {
                        received,
                        reply,
                        changed,
                    } => {
                        tracing::debug!(target: "telnet_std", "RCVD {received}");
                        // The session's answer goes out before anything the
                        // handler sends.
                        if let Some(reply) = reply {
                            queue_negotiation(out, reply);
                        }
                        action = Some(Owned::Negotiation(received, changed));
                        break;
                    }
                    Event::Command(c) => {
                        tracing::debug!(target: "telnet_std", "RCVD {c}");
                        action = Some(Owned::Command(c));
                        break;
                    }
                    Event::Subnegotiation { option, payload } => {
                        tracing::debug!(
                            target: "telnet_std",
                            "RCVD {}",
                            describe_subnegotiation(option, payload)
                        );
                        // The previous payload's buffer is reused unless
                        // the application took it.
                        match sb {
                            Some((last, buf)) => {
                                *last = option;
                                buf.clear();
                                buf.extend_from_slice(payload);
                            }
                            None => *sb = Some((option, payload.to_vec())),
                        }
                        action = Some(Owned::Subnegotiation(option));
                        break;
                    }
                    Event::SubnegotiationOverflow { option, len } => {
                        tracing::warn!(
                            target: "telnet_std",
                            "RCVD SB {option} of {len} bytes, over the \
                             {SUBNEGOTIATION_CAPACITY}-byte capacity: discarded"
                        );
                    }
                    Event::SubnegotiationAborted { option, len } => {
                        let option = option.map_or("without option".to_string(), |o| o.to_string());
                        tracing::warn!(
                            target: "telnet_std",
                            "RCVD SB {option} cut off after {len} bytes: discarded"
                        );
                    }
                    Event::CompressionStart { option, .. } => {
                        tracing::debug!(target: "telnet_std", "RCVD SB {option}: compression starts");
                        compression = true;
                        break;
                    }
                    // Events added to the core later are traced only.
                    other => tracing::debug!(target: "telnet_std", "RCVD {other:?}"),
                }
            }
            pos += feed.consumed();
            if compression {
                return Some(pos);
            }
            match action {
                None => return None,
                Some(action) => self.dispatch(action),
            }
        }
    }

    /// Hands an event to the built-in answers and the handler.
    fn dispatch(&mut self, action: Owned) {
        match action {
            Owned::Negotiation(received, changed) => {
                if let Some(handler) = self.handler.as_mut() {
                    let mut ctl = Control {
                        session: &mut self.session,
                        out: &mut self.out,
                    };
                    handler.negotiation(received, &mut ctl);
                }
                if let Some(enabled) = changed {
                    let side = received.verb.received_side();
                    self.option_changed(received.option, side, enabled);
                }
            }
            Owned::Command(command) => {
                if let Some(handler) = self.handler.as_mut() {
                    let mut ctl = Control {
                        session: &mut self.session,
                        out: &mut self.out,
                    };
                    handler.command(command, &mut ctl);
                }
            }
            Owned::Subnegotiation(option) => {
                self.builtin_subnegotiation(option);
                let Core {
                    session,
                    out,
                    sb,
                    handler,
                    ..
                } = self;
                if let (Some(handler), Some((_, payload))) = (handler.as_mut(), sb.as_ref()) {
                    let mut ctl = Control { session, out };
                    handler.subnegotiation(option, payload, &mut ctl);
                }
            }
        }
    }

    fn option_changed(&mut self, option: TelnetOption, side: Side, enabled: bool) {
        tracing::debug!(
            target: "telnet_std",
            "{option} {}, {} side",
            if enabled { "on" } else { "off" },
            match side {
                Side::Local => "our",
                Side::Remote => "their",
            }
        );
        match (option, side, enabled) {
            (TelnetOption::NAWS, Side::Local, true) => {
                if let Some((w, h)) = self.local.window_size {
                    queue_subnegotiation(&mut self.out, option, &opts::naws(w, h));
                }
            }
            (TelnetOption::TTYPE, Side::Remote, true) if self.ask_terminal_type => {
                queue_subnegotiation(&mut self.out, option, &[opts::SEND]);
                self.terminal_type_asked = true;
            }
            (TelnetOption::TTYPE, Side::Remote, false) => self.terminal_type_asked = false,
            _ => {}
        }
        if let Some(handler) = self.handler.as_mut() {
            let mut ctl = Control {
                session: &mut self.session,
                out: &mut self.out,
            };
            handler.option_changed(option, side, enabled, &mut ctl);
        }
    }

    /// The answers this crate gives by itself: NAWS and TTYPE recorded,
    /// TTYPE and NEW-ENVIRON requests answered from [`LocalInfo`].
    fn builtin_subnegotiation(&mut self, option: TelnetOption) {
        let Some((_, payload)) = &self.sb else {
            return;
        };
        match option {
            TelnetOption::NAWS => {
                if let Some(size) = opts::parse_naws(payload) {
                    self.peer_window_size = Some(size);
                }
            }
            TelnetOption::TTYPE => {
                if let Some(name) = opts::parse_ttype_is(payload) {
                    self.terminal_type_asked = false;
                    self.peer_terminal_type = Some(name);
                } else if opts::is_ttype_send(payload) {
                    if let Some(name) = &self.local.terminal_type {
                        if self.session.is_enabled(Side::Local, option) {
                            queue_subnegotiation(&mut self.out, option, &opts::ttype_is(name));
                        }
                    }
                }
            }
            TelnetOption::NEW_ENVIRON => {
                if self.local.environment.is_empty()
                    || !self.session.is_enabled(Side::Local, option)
                {
                    return;
                }
                if let Some(wanted) = opts::parse_environ_send(payload) {
                    let answer = opts::environ_is(&wanted, &self.local.environment);
                    queue_subnegotiation(&mut self.out, option, &answer);
                }
            }
            _ => {}
        }
    }

    /// The stream ended: what the session still owed.
    fn finish(&mut self) {
        match self.session.finish() {
            Some(Event::Data(data)) => self.cooked.extend_from_slice(data),
            Some(Event::SubnegotiationAborted { option, len }) => {
                let option = option.map_or("without option".to_string(), |o| o.to_string());
                tracing::warn!(
                    target: "telnet_std",
                    "RCVD SB {option} unfinished at the end of the stream after {len} bytes: discarded"
                );
            }
            _ => {}
        }
    }
}
