//! What passed through a [`Recorder`](crate::Recorder), decoded with
//! `telnet-proto` and checked for negotiation loops.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use flate2::{Decompress, FlushDecompress, Status};
use telnet_proto::{
    Command, Config, Event, Negotiation, Newline, Session, Side, TelnetOption, Verb,
};

/// The direction bytes travelled.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Dir {
    /// From the client to the server.
    ToServer,
    /// From the server to the client.
    ToClient,
}

impl Dir {
    /// The other direction.
    pub fn reverse(self) -> Dir {
        match self {
            Dir::ToServer => Dir::ToClient,
            Dir::ToClient => Dir::ToServer,
        }
    }

    fn sender(self) -> &'static str {
        match self {
            Dir::ToServer => "client",
            Dir::ToClient => "server",
        }
    }
}

/// Bytes read in one piece by the recorder.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Chunk {
    /// Since the client connected.
    pub at: Duration,
    /// Which way they went.
    pub dir: Dir,
    /// The bytes, as on the wire.
    pub bytes: Vec<u8>,
}

/// One decoded element of a direction's stream.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Item {
    /// Application data, `IAC IAC` unescaped, end of line untouched.
    Data(Vec<u8>),
    /// A two-byte command.
    Command(Command),
    /// `IAC WILL/WONT/DO/DONT <option>`.
    Negotiation(Negotiation),
    /// `IAC SB <option> <payload> IAC SE`.
    Subnegotiation(TelnetOption, Vec<u8>),
    /// A subnegotiation too long, cut off, or never ended.
    BrokenSubnegotiation(String),
    /// From here on the direction was zlib-compressed (MCCP2).
    CompressionStart,
    /// The compressed stream ended; plain Telnet again.
    CompressionEnd,
    /// The compressed stream was corrupt; the rest is not decoded.
    CompressionError(String),
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Data(bytes) => write!(f, "data {}", escape(bytes)),
            Item::Command(c) => write!(f, "IAC {c}"),
            Item::Negotiation(n) => write!(f, "{n}"),
            Item::Subnegotiation(o, p) => write!(f, "SB {o} {} SE", escape(p)),
            Item::BrokenSubnegotiation(why) => write!(f, "broken SB: {why}"),
            Item::CompressionStart => f.write_str("-- compression starts --"),
            Item::CompressionEnd => f.write_str("-- compression ends --"),
            Item::CompressionError(e) => write!(f, "-- corrupt compressed data: {e} --"),
        }
    }
}

/// Bytes as readable text: printable ASCII as is, the rest as `\xNN`,
/// CR and LF as `\r` and `\n`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// Both directions of one connection, as recorded.
#[derive(Clone, Debug, Default)]
pub struct Transcript {
    chunks: Vec<Chunk>,
    to_server: Vec<(Duration, Item)>,
    to_client: Vec<(Duration, Item)>,
}

impl Transcript {
    /// Decodes recorded chunks.
    pub fn new(chunks: Vec<Chunk>) -> Transcript {
        let to_server = decode(&chunks, Dir::ToServer);
        let to_client = decode(&chunks, Dir::ToClient);
        Transcript {
            chunks,
            to_server,
            to_client,
        }
    }

    /// The chunks as recorded.
    pub fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }

    /// The raw bytes sent in `dir`.
    pub fn raw(&self, dir: Dir) -> Vec<u8> {
        self.chunks
            .iter()
            .filter(|c| c.dir == dir)
            .flat_map(|c| c.bytes.iter().copied())
            .collect()
    }

    /// The decoded items of `dir`, with the time each chunk arrived.
    pub fn items(&self, dir: Dir) -> &[(Duration, Item)] {
        match dir {
            Dir::ToServer => &self.to_server,
            Dir::ToClient => &self.to_client,
        }
    }

    /// All application data sent in `dir`, unescaped, as on the wire
    /// otherwise (CR NUL stays CR NUL).
    pub fn data(&self, dir: Dir) -> Vec<u8> {
        let mut out = Vec::new();
        for (_, item) in self.items(dir) {
            if let Item::Data(bytes) = item {
                out.extend_from_slice(bytes);
            }
        }
        out
    }

    /// The negotiations sent in `dir`, in order.
    pub fn negotiations(&self, dir: Dir) -> Vec<Negotiation> {
        self.items(dir)
            .iter()
            .filter_map(|(_, item)| match item {
                Item::Negotiation(n) => Some(*n),
                _ => None,
            })
            .collect()
    }

    /// Whether `dir` carried `IAC <verb> <option>`.
    pub fn sent(&self, dir: Dir, verb: Verb, option: TelnetOption) -> bool {
        self.negotiations(dir)
            .contains(&Negotiation::new(verb, option))
    }

    /// The payloads of the subnegotiations of `option` sent in `dir`.
    pub fn subnegotiations(&self, dir: Dir, option: TelnetOption) -> Vec<Vec<u8>> {
        self.items(dir)
            .iter()
            .filter_map(|(_, item)| match item {
                Item::Subnegotiation(o, p) if *o == option => Some(p.clone()),
                _ => None,
            })
            .collect()
    }

    /// Whether `item` occurs in `dir`.
    pub fn has(&self, dir: Dir, item: &Item) -> bool {
        self.items(dir).iter().any(|(_, i)| i == item)
    }

    /// Problems in what the sender of `dir` negotiated, judged by RFC 1143:
    ///
    /// * a negotiation repeated more than twice (a loop, or a peer that
    ///   keeps asking);
    /// * a statement that repeats the sender's last statement about the
    ///   same option (`WILL x` after `WILL x`, `WONT x` after `WONT x`,
    ///   counting every option as off at the start) unless the other side
    ///   asked for the opposite in between; that is, an answer to a
    ///   `DONT`/`WONT` for an option already off (PROTOCOL.md 18) or to a
    ///   `DO`/`WILL` for an option already on (19).
    ///
    /// TIMING-MARK is exempt: it has no state (RFC 860).
    pub fn negotiation_problems(&self, dir: Dir) -> Vec<String> {
        let mut problems = Vec::new();
        let mut counts: HashMap<Negotiation, usize> = HashMap::new();
        // (family, option) -> the sender's last statement (true = on).
        let mut said: HashMap<(bool, TelnetOption), bool> = HashMap::new();
        // (family, option) -> the other side's latest wish since then.
        let mut asked: HashMap<(bool, TelnetOption), bool> = HashMap::new();
        let mut merged: Vec<(Duration, Dir, Negotiation)> = Vec::new();
        for d in [Dir::ToServer, Dir::ToClient] {
            for (at, item) in self.items(d) {
                if let Item::Negotiation(n) = item {
                    merged.push((*at, d, *n));
                }
            }
        }
        // Stable: within one direction the order is kept.
        merged.sort_by_key(|(at, _, _)| *at);
        for (at, d, n) in merged {
            if n.option == TelnetOption::TIMING_MARK {
                continue;
            }
            // Family: true for the sender's own side (WILL/WONT from it,
            // DO/DONT from the other side).
            let own_verb = matches!(n.verb, Verb::Will | Verb::Wont);
            let on = matches!(n.verb, Verb::Will | Verb::Do);
            if d == dir {
                let key = (own_verb, n.option);
                let count = counts.entry(n).or_default();
                *count += 1;
                if *count == 3 {
                    problems.push(format!(
                        "the {} sent {n} three times or more (at {at:?})",
                        dir.sender()
                    ));
                }
                let last = said.get(&key).copied().unwrap_or(false);
                let wish = asked.remove(&key);
                if on == last && wish != Some(!on) {
                    let why = match wish {
                        Some(_) => "the other side asked for the state already in force",
                        None => "nothing asked for it",
                    };
                    problems.push(format!(
                        "the {} sent {n} at {at:?}, repeating its last word on {} ({why})",
                        dir.sender(),
                        n.option
                    ));
                }
                said.insert(key, on);
            } else {
                // The other side's WILL/WONT are about its own side: for the
                // sender, DO/DONT family.
                let key = (!own_verb, n.option);
                asked.insert(key, on);
            }
        }
        problems
    }

    /// Panics with the transcript when the sender of `dir` negotiated
    /// badly (see [`Transcript::negotiation_problems`]).
    #[track_caller]
    pub fn assert_negotiation_clean(&self, dir: Dir) {
        let problems = self.negotiation_problems(dir);
        assert!(
            problems.is_empty(),
            "negotiation problems:\n  {}\ntranscript:\n{self}",
            problems.join("\n  ")
        );
    }

    /// Panics with the transcript unless both directions together hold at
    /// most `limit` negotiations: two peers that loop exceed any bound.
    #[track_caller]
    pub fn assert_negotiations_at_most(&self, limit: usize) {
        let n = self.negotiations(Dir::ToServer).len() + self.negotiations(Dir::ToClient).len();
        assert!(
            n <= limit,
            "{n} negotiations (more than {limit}): a loop?\n{self}"
        );
    }
}

impl fmt::Display for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut merged: Vec<(Duration, Dir, &Item)> = Vec::new();
        for d in [Dir::ToServer, Dir::ToClient] {
            for (at, item) in self.items(d) {
                merged.push((*at, d, item));
            }
        }
        merged.sort_by_key(|(at, _, _)| *at);
        for (at, d, item) in merged {
            let arrow = match d {
                Dir::ToServer => "client -> server",
                Dir::ToClient => "server -> client",
            };
            writeln!(
                f,
                "  {:>5}.{:03}s {arrow}: {item}",
                at.as_secs(),
                at.subsec_millis()
            )?;
        }
        Ok(())
    }
}

/// Decodes one direction. The parser is `telnet-proto` in manual mode with
/// raw newlines: nothing is answered, nothing is translated. In the server's
/// direction, `IAC SB MCCP2 IAC SE` switches to zlib (the recorder does not
/// know what was agreed, and a server may only send it after `DO MCCP2`).
fn decode(chunks: &[Chunk], dir: Dir) -> Vec<(Duration, Item)> {
    let mut session: Session<8192> =
        Session::new(Config::new().newline(Newline::Raw).manual_negotiation(true));
    if dir == Dir::ToClient {
        session.set_option_state(Side::Remote, TelnetOption::MCCP2, true);
    }
    let mut items: Vec<(Duration, Item)> = Vec::new();
    let mut inflater: Option<Decompress> = None;
    let mut failed = false;
    for chunk in chunks.iter().filter(|c| c.dir == dir) {
        if failed {
            break;
        }
        let mut pending: Vec<u8> = chunk.bytes.clone();
        while !pending.is_empty() && !failed {
            if let Some(z) = inflater.as_mut() {
                let mut out = Vec::with_capacity(pending.len() * 4 + 64);
                let mut ended = false;
                let mut input = &pending[..];
                loop {
                    out.reserve(4096);
                    let start_in = z.total_in();
                    match z.decompress_vec(input, &mut out, FlushDecompress::None) {
                        Ok(Status::StreamEnd) => {
                            ended = true;
                            input = &input[(z.total_in() - start_in) as usize..];
                            break;
                        }
                        Ok(Status::BufError) => break,
                        Ok(_) => {
                            input = &input[(z.total_in() - start_in) as usize..];
                            if input.is_empty() && out.len() < out.capacity() {
                                break;
                            }
                        }
                        Err(e) => {
                            items.push((chunk.at, Item::CompressionError(e.to_string())));
                            failed = true;
                            break;
                        }
                    }
                }
                let rest = input.to_vec();
                parse_into(&mut session, &out, chunk.at, &mut items);
                if ended {
                    inflater = None;
                    items.push((chunk.at, Item::CompressionEnd));
                }
                pending = rest;
                if !ended {
                    break;
                }
            } else {
                let rest = parse_into(&mut session, &pending, chunk.at, &mut items);
                match rest {
                    Some(rest) => {
                        items.push((chunk.at, Item::CompressionStart));
                        inflater = Some(Decompress::new(true));
                        pending = rest;
                    }
                    None => break,
                }
            }
        }
    }
    if let Some(Event::SubnegotiationAborted { option, len }) = session.finish() {
        let last = chunks
            .iter()
            .rev()
            .find(|c| c.dir == dir)
            .map_or(Duration::ZERO, |c| c.at);
        items.push((
            last,
            Item::BrokenSubnegotiation(format!("SB {option:?} never ended ({len} bytes)")),
        ));
    }
    items
}

/// Parses `input` into `items`, merging adjacent data; returns the
/// compressed rest if compression started.
fn parse_into<const N: usize>(
    session: &mut Session<N>,
    input: &[u8],
    at: Duration,
    items: &mut Vec<(Duration, Item)>,
) -> Option<Vec<u8>> {
    let mut feed = session.feed(input);
    while let Some(event) = feed.poll_event() {
        let item = match event {
            Event::Data(bytes) => {
                if let Some((_, Item::Data(last))) = items.last_mut() {
                    last.extend_from_slice(bytes);
                    continue;
                }
                Item::Data(bytes.to_vec())
            }
            Event::Command(c) => Item::Command(c),
            Event::Negotiation { received, .. } => Item::Negotiation(received),
            Event::Subnegotiation { option, payload } => {
                Item::Subnegotiation(option, payload.to_vec())
            }
            Event::SubnegotiationOverflow { option, len } => {
                Item::BrokenSubnegotiation(format!("SB {option} overflowed ({len} bytes)"))
            }
            Event::SubnegotiationAborted { option, len } => {
                Item::BrokenSubnegotiation(format!("SB {option:?} aborted after {len} bytes"))
            }
            Event::CompressionStart { rest, .. } => return Some(rest.to_vec()),
            _ => continue,
        };
        items.push((at, item));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(ms: u64, dir: Dir, bytes: &[u8]) -> Chunk {
        Chunk {
            at: Duration::from_millis(ms),
            dir,
            bytes: bytes.to_vec(),
        }
    }

    const IAC: u8 = 255;
    const WILL: u8 = 251;
    const WONT: u8 = 252;
    const DO: u8 = 253;
    const DONT: u8 = 254;

    #[test]
    fn a_clean_exchange_has_no_problems() {
        let t = Transcript::new(vec![
            chunk(0, Dir::ToClient, &[IAC, DO, 31, IAC, WILL, 1, IAC, DO, 24]),
            chunk(
                1,
                Dir::ToServer,
                &[IAC, WILL, 31, IAC, DO, 1, IAC, WONT, 24],
            ),
            // A second request after a refusal is a new request: refused again.
            chunk(2, Dir::ToClient, &[IAC, DO, 24]),
            chunk(3, Dir::ToServer, &[IAC, WONT, 24]),
            // Turning an option off that is on, and back on.
            chunk(4, Dir::ToClient, &[IAC, WONT, 1]),
            chunk(5, Dir::ToServer, &[IAC, DONT, 1]),
        ]);
        assert_eq!(t.negotiation_problems(Dir::ToServer), Vec::<String>::new());
        assert_eq!(t.negotiation_problems(Dir::ToClient), Vec::<String>::new());
    }

    #[test]
    fn answering_a_refusal_of_an_option_already_off_is_reported() {
        // telnetlib's habit (PROTOCOL.md 18): DONT x answered with WONT x.
        let t = Transcript::new(vec![
            chunk(0, Dir::ToClient, &[IAC, DONT, 24]),
            chunk(1, Dir::ToServer, &[IAC, WONT, 24]),
        ]);
        let problems = t.negotiation_problems(Dir::ToServer);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("WONT TTYPE"), "{problems:?}");
        // The server's DONT itself asked for the state already in force.
        let server = t.negotiation_problems(Dir::ToClient);
        assert!(server[0].contains("nothing asked for it"), "{server:?}");
    }

    #[test]
    fn answering_a_request_for_an_option_already_on_is_reported() {
        let t = Transcript::new(vec![
            chunk(0, Dir::ToClient, &[IAC, WILL, 1]),
            chunk(1, Dir::ToServer, &[IAC, DO, 1]),
            chunk(2, Dir::ToClient, &[IAC, WILL, 1]),
            chunk(3, Dir::ToServer, &[IAC, DO, 1]),
        ]);
        let problems = t.negotiation_problems(Dir::ToServer);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("DO ECHO"), "{problems:?}");
    }

    #[test]
    fn a_loop_is_reported() {
        let mut chunks = Vec::new();
        for i in 0..4 {
            chunks.push(chunk(2 * i, Dir::ToClient, &[IAC, WONT, 3]));
            chunks.push(chunk(2 * i + 1, Dir::ToServer, &[IAC, DONT, 3]));
        }
        let t = Transcript::new(chunks);
        let problems = t.negotiation_problems(Dir::ToServer);
        assert!(
            problems.iter().any(|p| p.contains("three times")),
            "{problems:?}"
        );
    }

    #[test]
    fn timing_mark_is_exempt() {
        let t = Transcript::new(vec![
            chunk(0, Dir::ToClient, &[IAC, DO, 6, IAC, DO, 6, IAC, DO, 6]),
            chunk(
                1,
                Dir::ToServer,
                &[IAC, WONT, 6, IAC, WONT, 6, IAC, WONT, 6],
            ),
        ]);
        assert!(t.negotiation_problems(Dir::ToServer).is_empty());
    }

    #[test]
    fn mccp2_is_inflated_and_data_unescaped() {
        use flate2::{write::ZlibEncoder, Compression};
        use std::io::Write;
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(b"inside \xff\xff!").unwrap();
        let compressed = z.finish().unwrap();
        let mut wire = vec![IAC, WILL, 86, b'a', IAC, 250, 86, IAC, 240];
        wire.extend_from_slice(&compressed[..3]);
        let t = Transcript::new(vec![
            chunk(0, Dir::ToClient, &wire),
            chunk(
                1,
                Dir::ToClient,
                &[&compressed[3..], &b"after"[..]].concat(),
            ),
        ]);
        assert_eq!(t.data(Dir::ToClient), b"ainside \xff!after");
        assert!(t.has(Dir::ToClient, &Item::CompressionStart));
        assert!(t.has(Dir::ToClient, &Item::CompressionEnd));
    }
}
