//! [`Telnet`]: an async session over any `AsyncRead + AsyncWrite`.

use core::future::poll_fn;
use core::ops::Range;
use core::pin::Pin;
use core::task::{ready, Context, Poll};
use core::time::Duration;
use std::collections::VecDeque;
use std::io;

use bytes::Bytes;
use regex::bytes::Regex;
use telnet_proto::consts::IAC;
use telnet_proto::options::OptionPayload;
use telnet_proto::{
    encode, Command, Config, Event, Negotiation, OptionState, Policy, Session, Side, TelnetOption,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, ToSocketAddrs};
use tokio::time::Instant;

use crate::inflate::{self, Deflater, Inflater};
use crate::{Error, Item, Result};

/// Bytes read from the stream at a time (on the stack of the poll, so an
/// idle session holds no read buffer).
const READ_CHUNK: usize = 8 * 1024;
/// Bytes decompressed at a time (MCCP), also on the stack.
const INFLATE_CHUNK: usize = 8 * 1024;
/// The default bound on output waiting for the peer to read it.
pub const DEFAULT_OUTPUT_LIMIT: usize = 64 * 1024;
/// How much [`Telnet::read_very_eager`] collects at most in one call.
const EAGER_LIMIT: usize = 256 * 1024;

/// The largest output buffer kept after everything in it was sent: room
/// for dozens of negotiation replies, small beside a session's size.
const KEEP_OUTPUT_CAPACITY: usize = 256;
/// The event queue's capacity once [`Telnet::next_event`] turns it on.
pub const DEFAULT_EVENT_CAPACITY: usize = 64;

/// What the application answers to a received negotiation in manual mode:
/// it gets the negotiation and the core session (to record option states
/// with [`Session::set_option_state`]), and returns the answer to send, if
/// any.
pub type NegotiationCallback =
    Box<dyn FnMut(Negotiation, &mut Session) -> Option<Negotiation> + Send>;

/// The result of [`Telnet::expect`]: which pattern matched, where, and the
/// text read up to and including the match.
///
/// Python's telnetlib returns the tuple `(index, match, text)`, with
/// `(-1, None, text)` when nothing matched before the timeout or the end of
/// the connection; here `index` and `span` are `None` then.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Expect {
    /// The index in the pattern list of the pattern that matched.
    pub index: Option<usize>,
    /// Where the match is in `text`.
    pub span: Option<Range<usize>>,
    /// The data consumed: through the end of the match, or all that was
    /// buffered when nothing matched.
    pub text: Vec<u8>,
}

impl Expect {
    /// The matched bytes, if a pattern matched.
    pub fn matched(&self) -> Option<&[u8]> {
        self.span.clone().and_then(|span| self.text.get(span))
    }
}

/// An async Telnet session over a byte stream: Python telnetlib's API,
/// as `async` methods, on top of one [`telnet_proto::Session`].
///
/// The same type serves clients ([`Telnet::connect`]) and servers
/// ([`Telnet::with_config`] on an accepted stream); the protocol is
/// symmetric and the [`Config`]'s [`Policy`] says what each end accepts.
///
/// # How bytes flow
///
/// Every read from the stream goes straight through the core: data lands
/// in the session's data buffer, subnegotiations are kept for
/// [`read_sb_data`](Self::read_sb_data) and (if enabled) the event queue,
/// and the negotiation replies the core decides on are written to the
/// stream as part of the same read call, before it returns. You never poll
/// for replies. If the peer stops reading, replies wait in a bounded output
/// buffer ([`set_output_limit`](Self::set_output_limit)); once it is full,
/// reading stops too until the peer reads, so a peer cannot grow the
/// session's memory by sending requests it never collects the answers to.
///
/// # Timeouts
///
/// The session has one timeout ([`set_timeout`](Self::set_timeout), none by
/// default) that every waiting method uses; the `*_timeout` variants take
/// another for one call. What a method does when the time is up follows
/// telnetlib: [`read_until`](Self::read_until) and [`expect`](Self::expect)
/// return what was read so far, the others fail with [`Error::Timeout`].
///
/// # Cancel safety
///
/// Every read method keeps its state in the session, not in its future:
/// dropped by `tokio::select!` or by `tokio::time::timeout` before it
/// completes, it loses no byte. The data stays buffered for the next call.
/// Write methods queue their bytes in the session on their first poll; if
/// they are dropped before the bytes reach the stream, the rest is sent by
/// the next call that writes, flushes or reads. Each method's documentation
/// says which it is.
///
/// # Memory
///
/// An idle session holds no heap buffer: the read buffer lives on the
/// stack during a read, and the data, output and subnegotiation buffers are
/// freed once empty. What remains is the core state (a little over 1 KiB)
/// plus this struct's bookkeeping and the stream; see the crate docs for
/// measured numbers.
pub struct Telnet<S = TcpStream> {
    stream: S,
    session: Session,
    st: State,
}

/// Everything but the stream and the core.
struct State {
    /// Decoded data; `cooked[head..]` is not read yet.
    cooked: Vec<u8>,
    head: usize,
    /// Encoded output; `out[out_head..]` is not written yet.
    out: Vec<u8>,
    out_head: usize,
    output_limit: usize,
    eof: bool,
    timeout: Option<Duration>,
    /// The payload of the last subnegotiation, until read.
    sb_data: Vec<u8>,
    events: VecDeque<Item>,
    event_capacity: usize,
    dropped_events: u64,
    callback: Option<NegotiationCallback>,
    inflater: Option<Box<Inflater>>,
    /// The compression of our output (MCCP2/MCCP3), while on.
    deflater: Option<Box<Deflater>>,
    /// While our output is compressed: `out[..out_raw]` is compressed
    /// (`out_head <= out_raw`), `out[out_raw..]` is queued and not yet.
    out_raw: usize,
    /// A decompression failure: the stream cannot be parsed any more.
    failed: Option<String>,
    /// A write failure met while sending replies on the read path,
    /// reported by the next write.
    write_error: Option<io::Error>,
}

impl<S> core::fmt::Debug for Telnet<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Telnet")
            .field("buffered", &(self.st.cooked.len() - self.st.head))
            .field("output", &(self.st.out.len() - self.st.out_head))
            .field("eof", &self.st.eof)
            .field("timeout", &self.st.timeout)
            .field("compressed", &self.st.inflater.is_some())
            .field(
                "output_compression",
                &self.st.deflater.as_ref().map(|d| d.option()),
            )
            .finish_non_exhaustive()
    }
}

fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|d| Instant::now() + d)
}

impl Telnet<TcpStream> {
    /// Connects to a Telnet server, with the default [`Config`] (refuse
    /// every option) and no timeout.
    ///
    /// Cancel safety: dropping the future abandons the connection attempt.
    pub async fn connect(addr: impl ToSocketAddrs) -> Result<Self> {
        Ok(Telnet::new(TcpStream::connect(addr).await?))
    }

    /// Connects within `timeout`, which also becomes the session's timeout
    /// (as with telnetlib's `Telnet(host, port, timeout)`).
    ///
    /// Cancel safety: dropping the future abandons the connection attempt.
    pub async fn connect_timeout(addr: impl ToSocketAddrs, timeout: Duration) -> Result<Self> {
        let stream = tokio::time::timeout(timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| Error::Timeout)??;
        let mut telnet = Telnet::new(stream);
        telnet.set_timeout(Some(timeout));
        Ok(telnet)
    }
}

impl<S> Telnet<S> {
    /// A session over `stream` with the default [`Config`]: NVT newlines,
    /// every option refused, automatic answers.
    pub fn new(stream: S) -> Self {
        Self::with_config(stream, Config::new())
    }

    /// A session over `stream` configured by `config`. For a server, this
    /// is how an accepted stream becomes a session; send what you offer with
    /// [`enable`](Self::enable).
    pub fn with_config(stream: S, config: Config) -> Self {
        Telnet {
            stream,
            session: Session::new(config),
            st: State {
                cooked: Vec::new(),
                head: 0,
                out: Vec::new(),
                out_head: 0,
                output_limit: DEFAULT_OUTPUT_LIMIT,
                eof: false,
                timeout: None,
                sb_data: Vec::new(),
                events: VecDeque::new(),
                event_capacity: 0,
                dropped_events: 0,
                callback: None,
                inflater: None,
                deflater: None,
                out_raw: 0,
                failed: None,
                write_error: None,
            },
        }
    }

    // ---- settings and state -------------------------------------------

    /// The session's timeout (`None`: wait as long as it takes).
    pub fn timeout(&self) -> Option<Duration> {
        self.st.timeout
    }

    /// Set the timeout every waiting method uses unless given its own.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.st.timeout = timeout;
    }

    /// How many encoded bytes may wait for the peer to read them before the
    /// session stops reading (default [`DEFAULT_OUTPUT_LIMIT`], 64 KiB).
    pub fn set_output_limit(&mut self, limit: usize) {
        self.st.output_limit = limit.max(1);
    }

    /// Encoded bytes queued for the stream and not yet written.
    pub fn buffered_output(&self) -> usize {
        self.st.out.len() - self.st.out_head
    }

    /// Decoded data received and not yet read.
    pub fn buffered_data(&self) -> &[u8] {
        self.st.cooked()
    }

    /// Whether the peer has closed its side (the data already buffered may
    /// still be read).
    pub fn is_eof(&self) -> bool {
        self.st.eof
    }

    /// Whether received data is being decompressed (the peer started MCCP2
    /// or MCCP3). What we send is another matter:
    /// see `output_compression` (feature `mccp`).
    pub fn is_compressed(&self) -> bool {
        self.st.inflater.is_some()
    }

    /// The option our output is compressed under, if it is
    /// ([`start_compression`](Self::start_compression)): from the call that
    /// started it until the zlib stream is ended, by
    /// [`end_compression`](Self::end_compression), by
    /// [`shutdown`](Self::shutdown), or at the first flush of output after
    /// the option went off.
    #[cfg(feature = "mccp")]
    pub fn output_compression(&self) -> Option<TelnetOption> {
        self.st.deflater.as_ref().map(|d| d.option())
    }

    /// The underlying stream (telnetlib's `get_socket`).
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The underlying stream, mutably. Reading from it directly bypasses
    /// the protocol; writing to it directly may interleave with queued
    /// output ([`buffered_output`](Self::buffered_output)).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// The stream, the core session, and the data received but not read.
    pub fn into_parts(self) -> (S, Session, Vec<u8>) {
        let data = self.st.cooked[self.st.head..].to_vec();
        (self.stream, self.session, data)
    }

    /// The core session: option states, policy, newline mode.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The core session, mutably. Negotiations returned by its
    /// `enable`/`disable` must be sent: prefer [`enable`](Self::enable) and
    /// [`disable`](Self::disable) here, which send them.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// The options we accept when the peer asks.
    pub fn policy_mut(&mut self) -> &mut Policy {
        self.session.policy_mut()
    }

    /// Accept (`true`) or refuse `option` on `side` when the peer asks for
    /// it. Changes nothing already negotiated.
    pub fn allow(&mut self, side: Side, option: TelnetOption, allowed: bool) {
        self.session.policy_mut().set(side, option, allowed);
    }

    /// Whether `side` of `option` is on.
    pub fn is_enabled(&self, side: Side, option: TelnetOption) -> bool {
        self.session.is_enabled(side, option)
    }

    /// The RFC 1143 state of `side` of `option`.
    pub fn option_state(&self, side: Side, option: TelnetOption) -> OptionState {
        self.session.option_state(side, option)
    }

    /// Hand received negotiations to `callback` instead of answering them
    /// automatically (telnetlib's `set_option_negotiation_callback`); `None`
    /// returns to automatic answers. The callback runs during a read, gets
    /// every received `DO`/`DONT`/`WILL`/`WONT` with its option, may record
    /// option states in the core session, and returns what to send back.
    pub fn set_negotiation_callback(&mut self, callback: Option<NegotiationCallback>) {
        self.session.set_manual_negotiation(callback.is_some());
        self.st.callback = callback;
    }

    /// Keep up to `capacity` events (commands, negotiations, option
    /// changes, subnegotiations) for [`next_event`](Self::next_event) and
    /// [`try_next_event`](Self::try_next_event). 0, the default, keeps none.
    /// When the queue is full the oldest event is dropped and counted
    /// ([`dropped_events`](Self::dropped_events)); data is never dropped.
    pub fn set_event_capacity(&mut self, capacity: usize) {
        self.st.event_capacity = capacity;
        while self.st.events.len() > capacity {
            self.st.events.pop_front();
            self.st.dropped_events += 1;
        }
    }

    /// How many events were dropped because the event queue was full.
    pub fn dropped_events(&self) -> u64 {
        self.st.dropped_events
    }

    /// The next queued event, without reading from the stream.
    pub fn try_next_event(&mut self) -> Option<Item> {
        self.st.events.pop_front()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Telnet<S> {
    // ---- reading ------------------------------------------------------

    /// Reads until `needle` is found and returns everything through it; the
    /// rest stays buffered. The match may span any number of reads.
    ///
    /// Uses the session's timeout. When it runs out, returns what was read
    /// so far (possibly nothing), as telnetlib does. At the end of the
    /// connection returns what is left; with nothing left, [`Error::Eof`].
    ///
    /// Cancel safety: cancel-safe. Dropped before completion, it consumes
    /// nothing: every byte read stays buffered for the next call.
    pub async fn read_until(&mut self, needle: &[u8]) -> Result<Vec<u8>> {
        self.read_until_timeout(needle, self.st.timeout).await
    }

    /// [`read_until`](Self::read_until) with its own timeout (`None`: no
    /// limit). Cancel-safe.
    pub async fn read_until_timeout(
        &mut self,
        needle: &[u8],
        timeout: Option<Duration>,
    ) -> Result<Vec<u8>> {
        let deadline = deadline(timeout);
        // The searched prefix of the buffered data: a match must end after it.
        let mut from = 0;
        loop {
            let cooked = self.st.cooked();
            if let Some(i) = memchr::memmem::find(&cooked[from..], needle) {
                let end = from + i + needle.len();
                return Ok(self.st.take(end));
            }
            from = cooked.len().saturating_sub(needle.len().saturating_sub(1));
            if self.st.eof {
                return self.read_very_lazy();
            }
            match self.fill(deadline).await {
                Ok(()) => {}
                Err(Error::Timeout) => return Ok(self.st.take_all()),
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads until the peer closes the connection and returns everything.
    /// Never fails with [`Error::Eof`] (an empty result means nothing came).
    ///
    /// Uses the session's timeout: when it runs out, fails with
    /// [`Error::Timeout`] and keeps what was read buffered.
    ///
    /// Cancel safety: cancel-safe; what was read stays buffered.
    pub async fn read_all(&mut self) -> Result<Vec<u8>> {
        self.read_all_timeout(self.st.timeout).await
    }

    /// [`read_all`](Self::read_all) with its own timeout. Cancel-safe.
    pub async fn read_all_timeout(&mut self, timeout: Option<Duration>) -> Result<Vec<u8>> {
        let deadline = deadline(timeout);
        while !self.st.eof {
            self.fill(deadline).await?;
        }
        Ok(self.st.take_all())
    }

    /// Reads at least one byte, waiting if needed, and returns all that is
    /// buffered; returns an empty vector at the end of the connection (not
    /// an error, as in telnetlib).
    ///
    /// Uses the session's timeout: when it runs out, fails with
    /// [`Error::Timeout`].
    ///
    /// Cancel safety: cancel-safe.
    pub async fn read_some(&mut self) -> Result<Vec<u8>> {
        self.read_some_timeout(self.st.timeout).await
    }

    /// [`read_some`](Self::read_some) with its own timeout. Cancel-safe.
    pub async fn read_some_timeout(&mut self, timeout: Option<Duration>) -> Result<Vec<u8>> {
        let deadline = deadline(timeout);
        loop {
            if !self.st.cooked().is_empty() || self.st.eof {
                return Ok(self.st.take_all());
            }
            self.fill(deadline).await?;
        }
    }

    /// Reads everything that can be read without waiting and returns all
    /// that is buffered, possibly nothing. Fails with [`Error::Eof`] only
    /// when the connection is closed and nothing is buffered.
    ///
    /// Unlike telnetlib, it never waits, not even to finish a command the
    /// peer has sent half of: the data before it is returned, the command
    /// completes on a later read. It collects at most 256 KiB per call from
    /// a peer that keeps sending.
    ///
    /// Cancel safety: cancel-safe (it completes on its first poll).
    pub async fn read_very_eager(&mut self) -> Result<Vec<u8>> {
        self.read_ready(EAGER_LIMIT).await?;
        self.read_very_lazy()
    }

    /// Like [`read_very_eager`](Self::read_very_eager), but stops reading
    /// as soon as some data is buffered.
    ///
    /// Cancel safety: cancel-safe (it completes on its first poll).
    pub async fn read_eager(&mut self) -> Result<Vec<u8>> {
        self.read_ready(1).await?;
        self.read_very_lazy()
    }

    /// Returns the data already received and decoded, without any I/O;
    /// [`Error::Eof`] if the connection is closed and nothing is buffered.
    ///
    /// telnetlib keeps undecoded bytes that `read_lazy` decodes; this
    /// session decodes every byte as it arrives, so `read_lazy` and
    /// [`read_very_lazy`](Self::read_very_lazy) return the same.
    pub fn read_lazy(&mut self) -> Result<Vec<u8>> {
        self.read_very_lazy()
    }

    /// Returns the data already decoded, without any I/O; [`Error::Eof`] if
    /// the connection is closed and nothing is buffered.
    pub fn read_very_lazy(&mut self) -> Result<Vec<u8>> {
        if self.st.cooked().is_empty() && self.st.eof {
            return Err(Error::Eof);
        }
        Ok(self.st.take_all())
    }

    /// The payload of the last subnegotiation received (with `IAC IAC`
    /// unescaped), once: the next call returns an empty vector until
    /// another subnegotiation arrives. No I/O.
    ///
    /// Unlike telnetlib, which appends every subnegotiation's bytes until
    /// they are read, this returns the last one only; use the event queue
    /// ([`next_event`](Self::next_event)) to see each of them with its
    /// option.
    pub fn read_sb_data(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.st.sb_data)
    }

    /// Reads until one of `patterns` matches the buffered data, and returns
    /// which one (the first in the list that matches, as telnetlib does),
    /// where, and the text through the end of the match.
    ///
    /// Uses the session's timeout. When it runs out, or the connection ends
    /// first, returns every buffered byte with no match (`index: None`); at
    /// the end of the connection with nothing buffered, [`Error::Eof`].
    ///
    /// Cancel safety: cancel-safe; nothing is consumed unless it returns.
    pub async fn expect(&mut self, patterns: &[Regex]) -> Result<Expect> {
        self.expect_timeout(patterns, self.st.timeout).await
    }

    /// [`expect`](Self::expect) with its own timeout. Cancel-safe.
    pub async fn expect_timeout(
        &mut self,
        patterns: &[Regex],
        timeout: Option<Duration>,
    ) -> Result<Expect> {
        let deadline = deadline(timeout);
        let unmatched = |text| Expect {
            index: None,
            span: None,
            text,
        };
        loop {
            let cooked = self.st.cooked();
            let found = patterns
                .iter()
                .enumerate()
                .find_map(|(index, re)| re.find(cooked).map(|m| (index, m.range())));
            if let Some((index, span)) = found {
                let text = self.st.take(span.end);
                return Ok(Expect {
                    index: Some(index),
                    span: Some(span),
                    text,
                });
            }
            if self.st.eof {
                return self.read_very_lazy().map(unmatched);
            }
            match self.fill(deadline).await {
                Ok(()) => {}
                Err(Error::Timeout) => return Ok(unmatched(self.st.take_all())),
                Err(e) => return Err(e),
            }
        }
    }

    /// The next event (command, negotiation, option change,
    /// subnegotiation...), reading from the stream until one comes; data
    /// read meanwhile stays buffered for the read methods. Turns the event
    /// queue on ([`DEFAULT_EVENT_CAPACITY`]) if it was off, so events
    /// before the first call are only seen if
    /// [`set_event_capacity`](Self::set_event_capacity) was called earlier.
    ///
    /// Uses the session's timeout ([`Error::Timeout`]); [`Error::Eof`] at
    /// the end of the connection.
    ///
    /// Cancel safety: cancel-safe; an event is removed from the queue only
    /// when it is returned.
    pub async fn next_event(&mut self) -> Result<Item> {
        if self.st.event_capacity == 0 {
            self.st.event_capacity = DEFAULT_EVENT_CAPACITY;
        }
        let deadline = deadline(self.st.timeout);
        loop {
            if let Some(item) = self.st.events.pop_front() {
                return Ok(item);
            }
            if self.st.eof {
                return Err(Error::Eof);
            }
            self.fill(deadline).await?;
        }
    }

    // ---- writing ------------------------------------------------------

    /// Sends `data` with every 0xFF doubled (telnetlib's `write`), and
    /// waits until it is written to the stream.
    ///
    /// Uses the session's timeout: when it runs out, fails with
    /// [`Error::Timeout`]; what was not written yet stays queued and goes
    /// out with the next write, flush or read.
    ///
    /// Cancel safety: the bytes are queued on the first poll; dropped
    /// later, the rest is sent by the next call that writes, flushes or
    /// reads. Nothing is sent twice.
    pub async fn write(&mut self, data: &[u8]) -> Result<()> {
        let _ = encode::put_data(data, &mut self.st.out);
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Sends text: NVT newlines (`\n` as CR LF, a bare `\r` as CR NUL) and
    /// 0xFF doubled, or only 0xFF doubled while BINARY is on our side. Waits
    /// as [`write`](Self::write) does; same cancel safety.
    pub async fn write_text(&mut self, text: impl AsRef<[u8]>) -> Result<()> {
        self.queue_text(text.as_ref());
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Sends `text` as [`write_text`](Self::write_text) does and ends the
    /// prompt the way the options say: `IAC EOR` if EOR is on our side,
    /// else `IAC GA` unless SGA is on our side (RFC 885, RFC 858). Same
    /// cancel safety as [`write`](Self::write).
    pub async fn write_prompt(&mut self, text: impl AsRef<[u8]>) -> Result<()> {
        self.queue_text(text.as_ref());
        let mut mark = [0u8; 2];
        let n = match self.session.encode_end_of_record(&mut mark) {
            Ok(0) => self.session.encode_go_ahead(&mut mark),
            other => other,
        };
        self.st.out.extend_from_slice(&mark[..n.unwrap_or(0)]);
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Sends a two-byte command such as `IAC AYT`. Same cancel safety as
    /// [`write`](Self::write).
    ///
    /// An invalid command ([`Command::is_valid`]: an `Unknown` holding
    /// 250 to 255, which would start a subnegotiation or a negotiation on
    /// the wire) is an [`io::ErrorKind::InvalidInput`] error, and
    /// nothing is sent.
    pub async fn send_command(&mut self, command: Command) -> Result<()> {
        command.check()?;
        self.st.out.extend_from_slice(&command.to_bytes());
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Sends `IAC SB option payload IAC SE`, with 0xFF doubled in the
    /// payload. Same cancel safety as [`write`](Self::write).
    pub async fn send_subnegotiation(
        &mut self,
        option: TelnetOption,
        payload: &[u8],
    ) -> Result<()> {
        let _ = encode::put_subnegotiation(option, payload, &mut self.st.out);
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Sends a typed subnegotiation from [`telnet_proto::options`], such as
    /// a [`WindowSize`](telnet_proto::options::naws::WindowSize) or a
    /// [`TerminalType`](telnet_proto::options::ttype::TerminalType), framed
    /// and escaped by its own encoder. Same cancel safety as
    /// [`write`](Self::write).
    ///
    /// ```no_run
    /// use telnet_proto::options::naws::WindowSize;
    /// # async fn run(telnet: &mut telnet_tokio::Telnet) -> telnet_tokio::Result<()> {
    /// telnet.send_option(&WindowSize { width: 132, height: 43 }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_option<'a, P: OptionPayload<'a>>(&mut self, value: &P) -> Result<()> {
        let out = &mut self.st.out;
        let start = out.len();
        out.resize(start + value.encoded_len(), 0);
        // The buffer was sized by the encoder's own count.
        let n = value.encode(&mut out[start..]).unwrap_or(0);
        out.truncate(start + n);
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Sends a negotiation as is, bypassing the RFC 1143 table (for manual
    /// negotiation; otherwise use [`enable`](Self::enable)). Same cancel
    /// safety as [`write`](Self::write).
    pub async fn send_negotiation(&mut self, negotiation: Negotiation) -> Result<()> {
        self.st.out.extend_from_slice(&negotiation.to_bytes());
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Asks for `option` on `side` (`WILL` for [`Side::Local`], `DO` for
    /// [`Side::Remote`]) through the RFC 1143 table, and allows it in the
    /// policy so that the peer's own request is accepted. Sends nothing if
    /// it is on already or a request is under way. The answer arrives with
    /// later reads; see [`is_enabled`](Self::is_enabled).
    ///
    /// Cancel safety: the request is recorded and queued on the first poll;
    /// dropped later, it is sent by the next call that writes or reads.
    pub async fn enable(&mut self, side: Side, option: TelnetOption) -> Result<()> {
        if let Some(n) = self.session.enable(side, option) {
            tracing::debug!(target: "telnet_tokio", "send {n}");
            self.st.out.extend_from_slice(&n.to_bytes());
        }
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Asks to turn `option` off on `side` (`WONT` / `DONT`) through the
    /// RFC 1143 table, and refuses it in the policy from now on. Same
    /// cancel safety as [`enable`](Self::enable).
    pub async fn disable(&mut self, side: Side, option: TelnetOption) -> Result<()> {
        if let Some(n) = self.session.disable(side, option) {
            tracing::debug!(target: "telnet_tokio", "send {n}");
            self.st.out.extend_from_slice(&n.to_bytes());
        }
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Compresses everything we send from now on: MCCP2 as the server,
    /// MCCP3 as the client. Queues `IAC SB option IAC SE` after whatever is
    /// queued already, and turns every byte queued after it into one zlib
    /// stream, flushed (`Z_SYNC_FLUSH`) each time output is written, so
    /// that the peer can decompress and show it at once. That is all of
    /// our output: data, text, commands, negotiations (the automatic
    /// replies too), subnegotiations, prompts and the bytes written through
    /// [`AsyncWrite`].
    ///
    /// `option` must be [`TelnetOption::MCCP2`] with MCCP2 on our side (we
    /// sent `WILL MCCP2`, as [`enable`](Self::enable) does, and the peer
    /// answered `DO`), or [`TelnetOption::MCCP3`] with MCCP3 on the peer's
    /// side (it sent `WILL MCCP3`, and we answered `DO`). Otherwise the
    /// call fails with an [`io::ErrorKind::InvalidInput`] error that says
    /// which condition failed, and sends nothing. If our output is
    /// compressed already, under either option, it queues nothing and only
    /// flushes.
    ///
    /// The stream ends with [`end_compression`](Self::end_compression),
    /// with [`shutdown`](Self::shutdown), or by itself once the option is
    /// off (the peer sent `DONT MCCP2` or `WONT MCCP3`, or the application
    /// turned it off with [`disable`](Self::disable)): the output queued up
    /// to the next flush, the reply to that negotiation included, is the
    /// last inside the stream, and what follows is plain telnet.
    ///
    /// Waits until the output is written, as [`write`](Self::write) does,
    /// with the session's timeout. On [`Error::Timeout`] compression is on
    /// all the same: what was not written goes out, compressed, with the
    /// next call that writes, flushes or reads.
    ///
    /// While on, the session holds the compressor's state: about 300 KiB
    /// with flate2's default backend, freed when the stream ends.
    ///
    /// Cancel safety: compression starts and the marker is queued on the
    /// first poll; dropped later, the rest is sent by the next call that
    /// writes, flushes or reads. Nothing is sent twice.
    ///
    /// ```no_run
    /// use telnet_proto::{Side, TelnetOption};
    /// # async fn run(telnet: &mut telnet_tokio::Telnet) -> telnet_tokio::Result<()> {
    /// telnet.enable(Side::Local, TelnetOption::MCCP2).await?;
    /// // ... later, once the client has answered DO MCCP2:
    /// if telnet.is_enabled(Side::Local, TelnetOption::MCCP2) {
    ///     telnet.start_compression(TelnetOption::MCCP2).await?;
    /// }
    /// telnet.write_text("compressed from here on\n").await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "mccp")]
    pub async fn start_compression(&mut self, option: TelnetOption) -> Result<()> {
        inflate::check_start(&self.session, option)?;
        // A stream whose option went off and that no flush ended yet ends
        // here, before a new one may start.
        self.st.seal(&self.session)?;
        if self.st.deflater.is_none() {
            tracing::debug!(target: "telnet_tokio", "send SB {option}: output compression starts");
            let _ = encode::put_subnegotiation(option, &[], &mut self.st.out);
            self.st.deflater = Some(Box::new(Deflater::new(option)));
            self.st.out_raw = self.st.out.len();
        }
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Ends the compression of our output
    /// ([`start_compression`](Self::start_compression)): what is queued is
    /// compressed, then the zlib stream ends (`Z_FINISH`); what is sent
    /// later is plain telnet. When our output is not compressed it queues
    /// nothing and only flushes.
    ///
    /// Waits and times out as [`write`](Self::write) does; the stream is
    /// ended all the same. Cancel safety: the end is queued on the first
    /// poll; dropped later, the rest is sent by the next call that writes,
    /// flushes or reads.
    #[cfg(feature = "mccp")]
    pub async fn end_compression(&mut self) -> Result<()> {
        inflate::end(&mut self.st.deflater, &mut self.st.out, self.st.out_raw)?;
        self.st.out_raw = self.st.out.len();
        self.flush_out(deadline(self.st.timeout)).await
    }

    /// Writes everything queued and flushes the stream. Uses the session's
    /// timeout.
    ///
    /// Cancel safety: cancel-safe; what is not written stays queued.
    pub async fn flush(&mut self) -> Result<()> {
        self.flush_out(deadline(self.st.timeout)).await?;
        poll_fn(|cx| Pin::new(&mut self.stream).poll_flush(cx)).await?;
        Ok(())
    }

    /// Flushes, then shuts the stream's write side down (the peer sees the
    /// end of the connection; reading may go on). A compressed stream of
    /// our output (MCCP) is ended first, so that the peer gets all of it.
    ///
    /// Cancel safety: cancel-safe; calling it again continues.
    pub async fn shutdown(&mut self) -> Result<()> {
        self.st.end_compression()?;
        self.flush_out(deadline(self.st.timeout)).await?;
        poll_fn(|cx| Pin::new(&mut self.stream).poll_shutdown(cx)).await?;
        Ok(())
    }

    /// Connects a user to the connection, both directions at once, until
    /// either side closes: telnetlib's `interact`, over any async reader
    /// and writer (`tokio::io::stdin()` and `stdout()` for a terminal).
    ///
    /// What `input` yields is sent as text (`\n` becomes CR LF: telnetlib
    /// sent a bare LF; a CR at the end of one read waits for the next, so a
    /// CR LF split between reads is still one newline). Received data is
    /// written to `output` and flushed as it arrives. Returns `Ok(())` when
    /// `input` ends (the connection stays open: its end is not passed on)
    /// or when the peer closes the connection. The session's timeout does
    /// not apply: either side may stay silent for as long as it likes.
    ///
    /// Cancel safety: not cancel-safe. Dropped while it waits, nothing is
    /// lost; dropped while it writes, a CR held back at the end of a read
    /// is lost, and the rest of a write stays queued as with
    /// [`write`](Self::write).
    ///
    /// ```no_run
    /// # async fn f() -> telnet_tokio::Result<()> {
    /// let mut telnet = telnet_tokio::Telnet::connect(("127.0.0.1", 23)).await?;
    /// telnet.interact(tokio::io::stdin(), tokio::io::stdout()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn interact<R, W>(&mut self, mut input: R, mut output: W) -> Result<()>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut buf = vec![0u8; 4096];
        // A CR LF may be cut between two reads of the input.
        let mut pieces = encode::TextPieces::new();
        loop {
            tokio::select! {
                read = input.read(&mut buf) => {
                    let n = read?;
                    if n == 0 {
                        self.write_text(pieces.finish()).await?;
                        return Ok(());
                    }
                    let (head, body) = pieces.next(&buf[..n]);
                    self.write_text([head, body].concat()).await?;
                }
                data = self.read_some_timeout(None) => {
                    let data = data?;
                    if data.is_empty() {
                        return Ok(());
                    }
                    output.write_all(&data).await?;
                    output.flush().await?;
                }
            }
        }
    }

    fn queue_text(&mut self, text: &[u8]) {
        let out = &mut self.st.out;
        let start = out.len();
        // NVT text is never shorter than the same bytes as binary data, so
        // this is room enough whichever encoding the session picks.
        out.resize(start + encode::text_len(text), 0);
        let n = self
            .session
            .encode_text(text, &mut out[start..])
            .unwrap_or(0);
        out.truncate(start + n);
    }

    async fn flush_out(&mut self, deadline: Option<Instant>) -> Result<()> {
        if let Some(e) = self.st.write_error.take() {
            self.st.drop_output();
            return Err(Error::Io(e));
        }
        let fut = poll_fn(|cx| self.poll_flush_out(cx));
        match deadline {
            None => fut.await?,
            Some(d) => tokio::time::timeout_at(d, fut)
                .await
                .map_err(|_| Error::Timeout)??,
        }
        Ok(())
    }

    /// Writes queued output until it is all written or the stream is not
    /// ready. While our output is compressed, what was queued since the
    /// last call is compressed first (and the stream ended, if its option
    /// went off).
    fn poll_flush_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.st.deflater.is_some() {
            self.st.seal(&self.session)?;
        }
        while self.st.out_head < self.st.out.len() {
            let pending = &self.st.out[self.st.out_head..];
            let n = ready!(Pin::new(&mut self.stream).poll_write(cx, pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            tracing::trace!(target: "telnet_tokio::wire", sent = ?Bytes::copy_from_slice(&pending[..n]));
            self.st.out_head += n;
        }
        self.st.output_sent();
        Poll::Ready(Ok(()))
    }

    // ---- the read path ------------------------------------------------

    /// Reads whatever is ready, up to `limit` bytes of data buffered,
    /// without waiting.
    async fn read_ready(&mut self, limit: usize) -> Result<()> {
        poll_fn(|cx| {
            while !self.st.eof && self.st.cooked().len() < limit {
                match self.poll_fill(cx, None) {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => break,
                }
            }
            Poll::Ready(Ok(()))
        })
        .await
    }

    /// One read from the stream, decoded, with replies sent; waits for it.
    async fn fill(&mut self, deadline: Option<Instant>) -> Result<()> {
        let fut = poll_fn(|cx| self.poll_fill(cx, None));
        match deadline {
            None => fut.await,
            Some(d) => tokio::time::timeout_at(d, fut)
                .await
                .map_err(|_| Error::Timeout)?,
        }
    }

    /// Reads once from the stream and runs the bytes through the core.
    /// Data goes to `direct` while it has room and nothing is buffered,
    /// else to the data buffer. Replies are written before returning, as
    /// far as the stream takes them.
    fn poll_fill(
        &mut self,
        cx: &mut Context<'_>,
        mut direct: Option<&mut ReadBuf<'_>>,
    ) -> Poll<Result<()>> {
        if let Some(msg) = &self.st.failed {
            return Poll::Ready(Err(Error::Decompress(msg.clone())));
        }
        // Replies first; past the limit, wait for the peer to read them.
        if self.poll_flush_replies(cx).is_pending()
            && self.buffered_output() >= self.st.output_limit
        {
            return Poll::Pending;
        }
        if self.st.eof {
            return Poll::Ready(Ok(()));
        }
        let mut raw = [0u8; READ_CHUNK];
        let mut buf = ReadBuf::new(&mut raw);
        ready!(Pin::new(&mut self.stream).poll_read(cx, &mut buf))?;
        let input = buf.filled();
        if input.is_empty() {
            self.st.eof = true;
            if let Some(event) = self.session.finish() {
                self.st.on_event(event, direct.as_deref_mut());
            }
            self.st.inflater = None;
            tracing::debug!(target: "telnet_tokio", "connection closed by the peer");
        } else {
            tracing::trace!(target: "telnet_tokio::wire", received = ?Bytes::copy_from_slice(input));
            if let Err(e) = self.process(input, direct) {
                if let Error::Decompress(msg) = &e {
                    self.st.failed = Some(msg.clone());
                }
                return Poll::Ready(Err(e));
            }
        }
        let _ = self.poll_flush_replies(cx);
        Poll::Ready(Ok(()))
    }

    /// Writes queued output on the read path; a failure is kept for the
    /// next write, so that reading can go on and deliver what came.
    fn poll_flush_replies(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        // While compressing, the flush also ends the stream if the option
        // went off, even with nothing queued.
        if self.st.out_head == self.st.out.len() && self.st.deflater.is_none() {
            return Poll::Ready(());
        }
        match self.poll_flush_out(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(()),
            Poll::Ready(Err(e)) => {
                self.st.drop_output();
                self.st.write_error = Some(e);
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// Runs received bytes through the decompressor (while MCCP is on) and
    /// the core.
    fn process(&mut self, mut input: &[u8], mut direct: Option<&mut ReadBuf<'_>>) -> Result<()> {
        loop {
            if let Some(mut inflater) = self.st.inflater.take() {
                let mut plain = [0u8; INFLATE_CHUNK];
                loop {
                    if input.is_empty() {
                        self.st.inflater = Some(inflater);
                        return Ok(());
                    }
                    let done = inflater.inflate(input, &mut plain)?;
                    input = &input[done.consumed..];
                    if self
                        .feed_plain(&plain[..done.produced], direct.as_deref_mut())
                        .is_some()
                    {
                        return Err(Error::Protocol(
                            "compression started again inside the compressed stream".into(),
                        ));
                    }
                    if done.ended {
                        tracing::debug!(target: "telnet_tokio", "compressed stream ended");
                        self.st.push_event(Item::CompressionEnd);
                        break;
                    }
                    if done.consumed == 0 && done.produced == 0 {
                        return Err(Error::Decompress(
                            "the decompressor made no progress on its input".into(),
                        ));
                    }
                }
            } else {
                match self.feed_plain(input, direct.as_deref_mut()) {
                    None => return Ok(()),
                    Some(at) => {
                        input = &input[at..];
                        self.st.inflater = Some(Box::new(Inflater::new()?));
                    }
                }
            }
        }
    }
}

impl<S> Telnet<S> {
    /// Runs plain telnet bytes through the core. Returns where compression
    /// starts, if it does.
    fn feed_plain(
        &mut self,
        mut input: &[u8],
        mut direct: Option<&mut ReadBuf<'_>>,
    ) -> Option<usize> {
        let total = input.len();
        if direct.is_none() {
            // The data in `input` is at most as long as `input`: one
            // allocation here instead of a doubling for each data event.
            self.st.cooked.reserve(input.len());
        }
        loop {
            let mut feed = self.session.feed(input);
            let mut stop = None;
            while let Some(event) = feed.poll_event() {
                match event {
                    Event::Negotiation { received, .. } if self.st.callback.is_some() => {
                        stop = Some((received, feed.consumed()));
                        break;
                    }
                    Event::CompressionStart { option, rest } => {
                        tracing::debug!(target: "telnet_tokio", "{option} compression starts");
                        self.st.push_event(Item::CompressionStart { option });
                        return Some(total - rest.len());
                    }
                    event => self.st.on_event(event, direct.as_deref_mut()),
                }
            }
            let (n, used) = stop?;
            tracing::debug!(target: "telnet_tokio", "received {n}");
            self.st.push_event(Item::Negotiation {
                received: n,
                reply: None,
                changed: None,
            });
            if let Some(callback) = self.st.callback.as_mut() {
                if let Some(reply) = callback(n, &mut self.session) {
                    tracing::debug!(target: "telnet_tokio", "send {reply}");
                    self.st.out.extend_from_slice(&reply.to_bytes());
                }
            }
            input = &input[used..];
        }
    }
}

impl State {
    fn cooked(&self) -> &[u8] {
        &self.cooked[self.head..]
    }

    /// Removes and returns the first `n` buffered bytes.
    fn take(&mut self, n: usize) -> Vec<u8> {
        if n == self.cooked.len() - self.head {
            return self.take_all();
        }
        let mut taken = Vec::with_capacity(n);
        extend(&mut taken, &self.cooked[self.head..self.head + n]);
        self.head += n;
        // Reclaim the consumed front once it is most of the buffer.
        if self.head > 4096 && self.head * 2 > self.cooked.len() {
            self.cooked.drain(..self.head);
            self.head = 0;
        }
        taken
    }

    /// Removes and returns everything buffered; frees the buffer.
    fn take_all(&mut self) -> Vec<u8> {
        let all = if self.head == 0 {
            core::mem::take(&mut self.cooked)
        } else {
            let mut rest = Vec::with_capacity(self.cooked.len() - self.head);
            extend(&mut rest, &self.cooked[self.head..]);
            self.cooked = Vec::new();
            rest
        };
        self.head = 0;
        all
    }

    fn drop_output(&mut self) {
        self.out = Vec::new();
        self.out_head = 0;
        self.out_raw = 0;
    }

    /// Compresses what was queued since the last call while our output
    /// is compressed, and ends the stream if its option went off
    /// ([`inflate::seal`]).
    fn seal(&mut self, session: &Session) -> io::Result<()> {
        inflate::seal(&mut self.deflater, session, &mut self.out, self.out_raw)?;
        self.out_raw = self.out.len();
        Ok(())
    }

    /// Ends the compression of our output, if on, in the output buffer.
    fn end_compression(&mut self) -> io::Result<()> {
        inflate::end(&mut self.deflater, &mut self.out, self.out_raw)?;
        self.out_raw = self.out.len();
        Ok(())
    }

    /// Everything queued was sent. A small buffer is kept for the next
    /// replies (a negotiation-heavy peer would otherwise cost an
    /// allocation per read); a large one is freed, so that an idle session
    /// stays small.
    fn output_sent(&mut self) {
        if self.out.capacity() > KEEP_OUTPUT_CAPACITY {
            self.out = Vec::new();
        } else {
            self.out.clear();
        }
        self.out_head = 0;
        self.out_raw = 0;
    }

    fn push_event(&mut self, item: Item) {
        if self.event_capacity == 0 {
            return;
        }
        if self.events.len() >= self.event_capacity {
            self.events.pop_front();
            self.dropped_events += 1;
        }
        self.events.push_back(item);
    }

    /// Handles one core event (not a compression start).
    fn on_event(&mut self, event: Event<'_, '_>, direct: Option<&mut ReadBuf<'_>>) {
        match event {
            Event::Data(mut data) => {
                if let Some(buf) = direct {
                    if self.head == self.cooked.len() {
                        let n = buf.remaining().min(data.len());
                        buf.put_slice(&data[..n]);
                        data = &data[n..];
                    }
                }
                extend(&mut self.cooked, data);
            }
            Event::Negotiation {
                received,
                reply,
                changed,
            } => {
                tracing::debug!(target: "telnet_tokio", "received {received}");
                if let Some(reply) = reply {
                    tracing::debug!(target: "telnet_tokio", "send {reply}");
                    self.out.extend_from_slice(&reply.to_bytes());
                }
                self.push_event(Item::Negotiation {
                    received,
                    reply,
                    changed,
                });
            }
            Event::Subnegotiation { option, payload } => {
                tracing::debug!(target: "telnet_tokio", "received SB {option} ({} bytes)", payload.len());
                self.sb_data.clear();
                self.sb_data.extend_from_slice(payload);
                if self.event_capacity > 0 {
                    self.push_event(Item::Subnegotiation {
                        option,
                        payload: Bytes::copy_from_slice(payload),
                    });
                }
            }
            event => {
                if let Some(item) = Item::from_event(&event, Bytes::copy_from_slice) {
                    tracing::debug!(target: "telnet_tokio", "received {item:?}");
                    self.push_event(item);
                }
            }
        }
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

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Telnet<S> {
    /// The decoded data stream. Replies are sent as part of reading, as
    /// with the read methods; the end of the connection reads as 0 bytes.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            let cooked = this.st.cooked();
            if !cooked.is_empty() {
                let n = cooked.len().min(buf.remaining());
                buf.put_slice(&cooked[..n]);
                this.st.head += n;
                if this.st.head == this.st.cooked.len() {
                    this.st.take_all();
                }
                return Poll::Ready(Ok(()));
            }
            if this.st.eof || buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            let before = buf.filled().len();
            ready!(this.poll_fill(cx, Some(buf)))?;
            if buf.filled().len() > before {
                return Poll::Ready(Ok(()));
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Telnet<S> {
    /// Writes data with every 0xFF doubled. Runs of bytes without 0xFF go
    /// to the stream directly once earlier output is written; the escaped
    /// form of a 0xFF is queued and counted as written. While our output is
    /// compressed (MCCP), all of it is queued that way, up to the output
    /// limit at a time, and goes through the compressor.
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(e) = this.st.write_error.take() {
            this.st.drop_output();
            return Poll::Ready(Err(e));
        }
        ready!(this.poll_flush_out(cx))?;
        let compressed = this.st.deflater.is_some();
        match memchr::memchr(IAC, buf) {
            Some(i) if i > 0 && !compressed => Pin::new(&mut this.stream).poll_write(cx, &buf[..i]),
            None if !compressed => Pin::new(&mut this.stream).poll_write(cx, buf),
            _ => {
                // Queue the escaped bytes (all of them while compressing),
                // a bounded amount at a time.
                let take = buf.len().min(this.st.output_limit);
                let _ = encode::put_data(&buf[..take], &mut this.st.out);
                if let Poll::Ready(Err(e)) = this.poll_flush_out(cx) {
                    this.st.write_error = Some(e);
                }
                Poll::Ready(Ok(take))
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(e) = this.st.write_error.take() {
            this.st.drop_output();
            return Poll::Ready(Err(e));
        }
        ready!(this.poll_flush_out(cx))?;
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    /// Ends a compressed stream of our output (MCCP) first, then writes
    /// what is queued and shuts the stream down.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.st.end_compression()?;
        ready!(this.poll_flush_out(cx))?;
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}

/// The largest piece [`extend`] hands to `memcpy` at once: as in
/// telnet-proto's own long copies, under the 4 KiB from which glibc's
/// `memcpy` uses `rep movsb`, slow on AMD Zen 3 into a destination that is
/// not 64-byte aligned (benches/README.md, "The copy that cost half of the
/// echo").
const COPY_PIECE: usize = 2048;

/// `vec.extend_from_slice(bytes)`, [`COPY_PIECE`] bytes at a time.
fn extend(vec: &mut Vec<u8>, bytes: &[u8]) {
    vec.reserve(bytes.len());
    for piece in bytes.chunks(COPY_PIECE) {
        vec.extend_from_slice(piece);
    }
}
