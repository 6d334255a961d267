//! Benchmark support for the telnet workspace: the corpora, and one driver
//! per parser that consumes every event the same way.
//!
//! Each driver feeds a byte stream in chunks of a given size and folds
//! what comes out into a [`Tally`]: data bytes are summed, events counted,
//! subnegotiation payloads measured, and every byte the parser asks to send
//! (negotiation replies) is written to a [`Sink`]. The tally is returned, so
//! the compiler cannot drop any of that work, and the tests compare tallies
//! across parsers to show that they did the same job.
//!
//! The parsers:
//!
//! * [`ours`]: `telnet_proto::Session`, answering negotiations by the
//!   RFC 1143 Q method under [`policy`];
//! * [`libtelnet`]: the C library (Debian's `libtelnet-dev`), through a few
//!   declarations of its API, with a telopt table equal to [`policy`];
//! * [`mud`]: the `libmudtelnet` crate, with the same options supported;
//! * [`floor`]: a memchr scan for 0xFF, the least work any parser does.

// The FFI module needs `unsafe`; everything else is safe code.
#![deny(unsafe_code)]

pub mod corpus;
pub mod libtelnet;
pub mod rng;

use telnet_proto::{Config, Event, Policy, Session, TelnetOption};

/// Options whose `WILL` from the peer every parser accepts (answers `DO`):
/// ECHO, SGA, EOR, GMCP. Everything else is refused.
pub const ACCEPT_REMOTE: [u8; 4] = [1, 3, 25, 201];

/// Options whose `DO` from the peer every parser accepts (answers `WILL`):
/// NAWS, TTYPE. Everything else is refused.
pub const ACCEPT_LOCAL: [u8; 2] = [31, 24];

/// The option policy of our session in the parser benchmarks:
/// [`ACCEPT_REMOTE`] and [`ACCEPT_LOCAL`], as a MUD client would have it.
pub fn policy() -> Policy {
    let mut policy = Policy::new();
    for option in ACCEPT_REMOTE {
        policy = policy.with_remote(TelnetOption(option));
    }
    for option in ACCEPT_LOCAL {
        policy = policy.with_local(TelnetOption(option));
    }
    policy
}

/// Where the bytes a parser wants sent go: a 4 KiB buffer, folded into a
/// hash each time it fills (standing in for a socket write), so that two
/// parsers that send the same bytes end with the same [`Sink::digest`].
#[derive(Clone, Debug)]
pub struct Sink {
    buf: [u8; 4096],
    len: usize,
    total: u64,
    hash: u64,
}

impl Default for Sink {
    fn default() -> Self {
        Sink {
            buf: [0; 4096],
            len: 0,
            total: 0,
            hash: 0xcbf2_9ce4_8422_2325,
        }
    }
}

impl Sink {
    /// Appends `bytes`, flushing the buffer each time it is full: the
    /// digest does not depend on how the bytes were split into writes.
    #[inline]
    pub fn write(&mut self, mut bytes: &[u8]) {
        while self.len + bytes.len() >= self.buf.len() {
            let (now, later) = bytes.split_at(self.buf.len() - self.len);
            self.buf[self.len..].copy_from_slice(now);
            self.len = self.buf.len();
            self.flush();
            bytes = later;
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    /// Appends `buf[..n]`, as [`write`](Self::write) does, copying the
    /// whole first 64 bytes of `buf` where they fit (the bytes past `n`
    /// are overwritten by the next write): a copy of fixed length, where
    /// a `memcpy` of `n` bytes would branch on `n`, a cost of the harness
    /// that would be timed as the parser's. For the replies of
    /// `Feed::read`, whose buffer has the room.
    #[inline]
    pub fn write_within(&mut self, buf: &[u8], n: usize) {
        let (end, size) = (self.len + n, self.buf.len());
        match (
            buf.first_chunk::<64>(),
            self.buf.get_mut(self.len..self.len + 64),
        ) {
            (Some(head), Some(to)) if n <= 64 && end < size => {
                to.copy_from_slice(head);
                self.len = end;
            }
            _ => self.write(&buf[..n]),
        }
    }

    fn flush(&mut self) {
        let buf = self.buf;
        self.fold(&buf[..self.len]);
        self.len = 0;
    }

    /// FNV-1a over 8-byte words (and the last bytes one by one): cheap
    /// next to the parsing, but order-sensitive.
    fn fold(&mut self, bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            self.hash = (self.hash ^ word).wrapping_mul(0x0100_0000_01b3);
        }
        for &b in words.remainder() {
            self.hash = (self.hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// How many bytes were written, and a hash of them in order.
    pub fn digest(&self) -> (u64, u64) {
        let mut copy = self.clone();
        copy.flush();
        (copy.total, copy.hash)
    }
}

/// What a parser produced from a stream.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Events (or callbacks) of any kind.
    pub events: u64,
    /// Bytes of application data delivered.
    pub data: u64,
    /// Two-byte commands (GA, EOR, ...) delivered.
    pub commands: u64,
    /// Negotiation events delivered (each parser reports a different set).
    pub negotiations: u64,
    /// Complete subnegotiations delivered.
    pub subnegotiations: u64,
    /// Bytes of subnegotiation payload delivered.
    pub sb_bytes: u64,
    /// Reports of malformed or over-long input, errors and warnings, and
    /// compression starts: none is expected from the corpora.
    pub anomalies: u64,
    /// The bytes the parser asked to send.
    pub sent: Sink,
}

/// A memchr scan for 0xFF: the floor no Telnet parser gets under.
pub mod floor {
    /// Counts the 0xFF bytes of `input`, scanning it in `chunk`-byte pieces.
    pub fn scan(input: &[u8], chunk: usize) -> u64 {
        let mut count = 0;
        for piece in input.chunks(chunk) {
            count += memchr::memchr_iter(0xff, piece).count() as u64;
        }
        count
    }
}

/// `telnet_proto::Session`.
pub mod ours {
    use super::*;

    /// A session as the benchmarks use it: NVT newlines, [`policy`],
    /// automatic answers.
    pub fn session() -> Session {
        Session::new(session_config())
    }

    /// The configuration of [`session`].
    pub fn session_config() -> Config {
        Config::new().policy(super::policy())
    }

    /// Room for the data and the replies of one `read` call on a 4 KiB
    /// chunk: `input.len() + 256`, as `Feed::read` asks for full speed
    /// (its 64-byte blocks run while 128 bytes are free).
    const ROOM: usize = 4096 + 256;

    /// Feeds `input` to `session` in `chunk`-byte pieces through
    /// [`Feed::read`](telnet_proto::Feed::read), consuming everything:
    /// data is copied into a buffer (and counted), replies into another
    /// (and written to the sink), every event and every noted negotiation
    /// is counted. Negotiations that change no state are answered without
    /// being noted (libtelnet reports only state changes too).
    ///
    /// Never inlined, so that profilers can count its instructions alone.
    #[inline(never)]
    pub fn run_read(session: &mut Session, input: &[u8], chunk: usize, tally: &mut Tally) {
        let mut data = [0u8; ROOM];
        let mut replies = [0u8; ROOM];
        for piece in input.chunks(chunk) {
            let mut feed = session.feed(piece);
            loop {
                let read = feed.read(&mut data, &mut replies);
                tally.data += read.data as u64;
                if read.replies > 0 {
                    tally.sent.write_within(&replies, read.replies);
                }
                tally.events += read.negotiations.len() as u64;
                tally.negotiations += read.negotiations.len() as u64;
                if let Some(event) = read.event {
                    count(tally, event);
                } else if feed.is_done() {
                    break;
                }
            }
        }
    }

    /// Feeds `input` to `session` in `chunk`-byte pieces through
    /// [`Feed::poll_event`](telnet_proto::Feed::poll_event), consuming
    /// every event: zero-copy data slices (one per escaped 0xFF or
    /// `CR NUL`) are counted, one event per negotiation with its reply
    /// written to the sink.
    ///
    /// Never inlined, so that profilers can count its instructions alone.
    #[inline(never)]
    pub fn run(session: &mut Session, input: &[u8], chunk: usize, tally: &mut Tally) {
        for piece in input.chunks(chunk) {
            let mut feed = session.feed(piece);
            while let Some(event) = feed.poll_event() {
                match event {
                    Event::Data(data) => {
                        tally.events += 1;
                        tally.data += data.len() as u64;
                    }
                    Event::Negotiation {
                        reply: Some(reply), ..
                    } => {
                        tally.sent.write(&reply.to_bytes());
                        count(tally, event);
                    }
                    _ => count(tally, event),
                }
            }
        }
    }

    /// Folds one event other than data into `tally`.
    #[inline]
    fn count(tally: &mut Tally, event: Event<'_, '_>) {
        tally.events += 1;
        match event {
            Event::Command(_) => tally.commands += 1,
            Event::Negotiation { .. } => tally.negotiations += 1,
            Event::Subnegotiation { payload, .. } => {
                tally.subnegotiations += 1;
                tally.sb_bytes += payload.len() as u64;
            }
            _ => tally.anomalies += 1,
        }
    }

    /// A new session's tally of `input` fed in `chunk`-byte pieces, through
    /// [`run`]: the one-event-at-a-time API.
    pub fn parse(input: &[u8], chunk: usize) -> Tally {
        let mut tally = Tally::default();
        run(&mut session(), input, chunk, &mut tally);
        tally
    }

    /// As [`parse`], through [`run_read`]: the copying API.
    pub fn parse_read(input: &[u8], chunk: usize) -> Tally {
        let mut tally = Tally::default();
        run_read(&mut session(), input, chunk, &mut tally);
        tally
    }

    /// As [`parse`], with [`Newline::Raw`](telnet_proto::Newline::Raw):
    /// `CR NUL` delivered as received, as libtelnet and libmudtelnet do.
    pub fn parse_raw(input: &[u8], chunk: usize) -> Tally {
        let mut tally = Tally::default();
        let config = session_config().newline(telnet_proto::Newline::Raw);
        run(&mut Session::new(config), input, chunk, &mut tally);
        tally
    }
}

/// The `libmudtelnet` crate.
pub mod mud {
    use super::*;
    use libmudtelnet::compatibility::{CompatibilityEntry, CompatibilityTable};
    use libmudtelnet::events::TelnetEvents;
    use libmudtelnet::Parser;

    /// A parser supporting [`ACCEPT_REMOTE`] and [`ACCEPT_LOCAL`] like our
    /// policy. libmudtelnet delivers a subnegotiation only for an option
    /// that is supported and enabled on our side, so the options of the
    /// corpora's subnegotiations ([`corpus::SUBNEGOTIATED`],
    /// GMCP) start enabled locally; the other parsers deliver every
    /// subnegotiation whatever the option's state.
    pub fn parser() -> Parser {
        let mut table = CompatibilityTable::new();
        for option in ACCEPT_REMOTE {
            table.support_remote(option);
        }
        for option in ACCEPT_LOCAL {
            table.support_local(option);
        }
        for option in crate::corpus::SUBNEGOTIATED {
            let entry = table.get_option(option);
            table.set_option(
                option,
                CompatibilityEntry::new(true, entry.remote, true, entry.remote_state),
            );
        }
        Parser::with_support(table)
    }

    /// Feeds `input` to `parser` in `chunk`-byte pieces, consuming every event.
    ///
    /// Never inlined, so that profilers can count its instructions alone.
    #[inline(never)]
    pub fn run(parser: &mut Parser, input: &[u8], chunk: usize, tally: &mut Tally) {
        for piece in input.chunks(chunk) {
            for event in parser.receive(piece) {
                tally.events += 1;
                match event {
                    TelnetEvents::DataReceive(data) => tally.data += data.len() as u64,
                    TelnetEvents::DataSend(bytes) => tally.sent.write(&bytes),
                    TelnetEvents::IAC(_) => tally.commands += 1,
                    TelnetEvents::Negotiation(_) => tally.negotiations += 1,
                    TelnetEvents::Subnegotiation(sub) => {
                        tally.subnegotiations += 1;
                        tally.sb_bytes += sub.buffer.len() as u64;
                    }
                    TelnetEvents::DecompressImmediate(_) => tally.anomalies += 1,
                }
            }
        }
    }

    /// A new parser's tally of `input` fed in `chunk`-byte pieces.
    pub fn parse(input: &[u8], chunk: usize) -> Tally {
        let mut tally = Tally::default();
        run(&mut parser(), input, chunk, &mut tally);
        tally
    }
}

/// The negotiation storm: a million negotiations, each of which changes an
/// option's state and is answered.
pub mod storm {
    use super::*;

    /// How many negotiations the storm holds.
    pub const NEGOTIATIONS: usize = 1_000_000;

    /// The first of the options the storm negotiates (codes 100–131, which
    /// no parser treats specially); both sides of each are accepted.
    pub const FIRST_OPTION: u8 = 100;

    /// The number of options negotiated: 32. (libtelnet 0.21 cannot track
    /// more than 63 options: its state list grows by four entries per
    /// option and counts them in a byte, which wraps at the 64th, after
    /// which it forgets every state.)
    pub const OPTIONS: u8 = 32;

    /// The storm: rounds of `WILL`, `WONT`, `DO`, `DONT` over the 32
    /// options, so that under [`policy`] every negotiation turns a side
    /// of an option on or off and is answered (`DO`, `DONT`, `WILL`,
    /// `WONT`): 3 MB in, 3 MB of replies out.
    pub fn bytes() -> Vec<u8> {
        let mut out = Vec::with_capacity(3 * NEGOTIATIONS);
        for i in 0..NEGOTIATIONS {
            let option = FIRST_OPTION + (i % usize::from(OPTIONS)) as u8;
            let verb = [0xfb, 0xfc, 0xfd, 0xfe][(i / usize::from(OPTIONS)) % 4];
            out.extend_from_slice(&[0xff, verb, option]);
        }
        out
    }

    /// A policy accepting both sides of the storm's options.
    pub fn policy() -> Policy {
        let mut policy = Policy::new();
        for option in FIRST_OPTION..FIRST_OPTION + OPTIONS {
            policy = policy
                .with_local(TelnetOption(option))
                .with_remote(TelnetOption(option));
        }
        policy
    }

    /// Our session's tally of the storm fed in `chunk`-byte pieces.
    pub fn ours(input: &[u8], chunk: usize) -> Tally {
        let mut tally = Tally::default();
        let mut session = Session::new(Config::new().policy(policy()));
        ours::run(&mut session, input, chunk, &mut tally);
        tally
    }

    /// libtelnet's tally of the storm, with a telopt table accepting both
    /// sides of the storm's options.
    pub fn libtelnet(input: &[u8], chunk: usize) -> Tally {
        let mut parser = crate::libtelnet::Parser::storm();
        crate::libtelnet::run(&mut parser, input, chunk);
        parser.tally().clone()
    }

    /// libmudtelnet's tally of the storm, supporting both sides of the
    /// storm's options.
    pub fn mud(input: &[u8], chunk: usize) -> Tally {
        let mut table = libmudtelnet::compatibility::CompatibilityTable::new();
        for option in FIRST_OPTION..FIRST_OPTION + OPTIONS {
            table.support(option);
        }
        let mut tally = Tally::default();
        mud::run(
            &mut libmudtelnet::Parser::with_support(table),
            input,
            chunk,
            &mut tally,
        );
        tally
    }
}
