//! The seven benchmark corpora, generated from a fixed seed.
//!
//! Every corpus is [`SIZE`] bytes (16 MiB) of a realistic kind of Telnet
//! stream, cut at the last complete unit (line, sequence, subnegotiation)
//! that fits, so that the parser ends each corpus in its data state:
//!
//! | corpus        | what it holds |
//! |---------------|---------------|
//! | `plain`       | printable lines ended by CR LF, no 0xFF |
//! | `binary`      | uniform random bytes, every 0xFF doubled |
//! | `iac_dense`   | text lines in which about 1 byte in 16 is an escaped 0xFF (`FF FF`) |
//! | `negotiation` | runs of 1–8 `IAC DO/DONT/WILL/WONT <option>` between 0–16-byte texts |
//! | `subneg`      | `IAC SB <option> <0–64 random bytes, 0xFF doubled> IAC SE` with 0–32 bytes of text between |
//! | `mud`         | ANSI-coloured lines, prompts ended by `IAC GA` or `IAC EOR`, GMCP JSON subnegotiations |
//! | `nvt_crlf`    | 0–16-byte texts, each ended by CR LF or CR NUL |
//!
//! Option codes are chosen so that no parser under test takes a side road:
//! no MCCP2/MCCP3 (compression), and no subnegotiation of the options
//! libtelnet decodes itself (TTYPE, ENVIRON, NEW-ENVIRON, MSSP, ZMP).

use crate::rng::SplitMix64;

/// The size of every corpus: 16 MiB.
pub const SIZE: usize = 16 << 20;

/// The seed every corpus is generated from.
pub const SEED: u64 = 0x7e1e_7e1e_2024_0001;

/// The options negotiated in the `negotiation` corpus: some our policy
/// accepts ([`crate::ACCEPT_REMOTE`], [`crate::ACCEPT_LOCAL`]), most it refuses.
pub const NEGOTIATED: [u8; 16] = [1, 3, 5, 36, 24, 25, 31, 32, 33, 34, 35, 39, 42, 69, 91, 201];

/// The options of the subnegotiations in the `subneg` corpus.
pub const SUBNEGOTIATED: [u8; 6] = [31, 42, 69, 91, 200, 201];

/// One of the benchmark corpora.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Corpus {
    /// Printable lines ended by CR LF, no 0xFF.
    Plain,
    /// Uniform random bytes, every 0xFF doubled.
    Binary,
    /// Text with about one byte in 16 an escaped 0xFF.
    IacDense,
    /// Runs of 1–8 negotiations between 0–16-byte texts.
    Negotiation,
    /// Subnegotiations with 0–64-byte random payloads, text between.
    Subneg,
    /// A MUD server's output: colours, prompts with GA/EOR, GMCP.
    Mud,
    /// Short texts ended by CR LF or CR NUL.
    NvtCrlf,
}

impl Corpus {
    /// Every corpus, in the order the benchmarks report them.
    pub const ALL: [Corpus; 7] = [
        Corpus::Plain,
        Corpus::Binary,
        Corpus::IacDense,
        Corpus::Negotiation,
        Corpus::Subneg,
        Corpus::Mud,
        Corpus::NvtCrlf,
    ];

    /// The corpus's name, as used in benchmark ids.
    pub const fn name(self) -> &'static str {
        match self {
            Corpus::Plain => "plain",
            Corpus::Binary => "binary",
            Corpus::IacDense => "iac_dense",
            Corpus::Negotiation => "negotiation",
            Corpus::Subneg => "subneg",
            Corpus::Mud => "mud",
            Corpus::NvtCrlf => "nvt_crlf",
        }
    }

    /// The corpus, [`SIZE`] bytes at most, from [`SEED`].
    pub fn generate(self) -> Vec<u8> {
        self.generate_sized(SIZE)
    }

    /// The corpus cut to at most `size` bytes (the same prefix of units as
    /// the full corpus). For tests and quick runs.
    pub fn generate_sized(self, size: usize) -> Vec<u8> {
        let mut rng = SplitMix64::new(SEED ^ (self as u64).wrapping_mul(0x9e37_79b9));
        let mut out = Vec::with_capacity(size);
        let mut unit = Vec::with_capacity(4096);
        loop {
            unit.clear();
            match self {
                Corpus::Plain => plain_line(&mut rng, &mut unit),
                Corpus::Binary => binary_block(&mut rng, &mut unit),
                Corpus::IacDense => iac_dense_line(&mut rng, &mut unit),
                Corpus::Negotiation => negotiation_run(&mut rng, &mut unit),
                Corpus::Subneg => subneg_unit(&mut rng, &mut unit),
                Corpus::Mud => mud_unit(&mut rng, &mut unit),
                Corpus::NvtCrlf => nvt_line(&mut rng, &mut unit),
            }
            if out.len() + unit.len() > size {
                return out;
            }
            out.extend_from_slice(&unit);
        }
    }
}

const WORDS: [&str; 48] = [
    "the",
    "a",
    "you",
    "see",
    "north",
    "south",
    "east",
    "west",
    "door",
    "is",
    "open",
    "closed",
    "sword",
    "shield",
    "goblin",
    "attacks",
    "misses",
    "hits",
    "for",
    "damage",
    "room",
    "dark",
    "light",
    "torch",
    "gold",
    "coins",
    "lie",
    "here",
    "says",
    "hello",
    "traveller",
    "welcome",
    "to",
    "village",
    "inn",
    "keeper",
    "nods",
    "exits",
    "up",
    "down",
    "server",
    "login",
    "password",
    "connected",
    "last",
    "from",
    "mail",
    "quit",
];

/// Printable words separated by spaces, with an occasional punctuation mark.
fn words(rng: &mut SplitMix64, out: &mut Vec<u8>, min: usize, max: usize) {
    let n = rng.range(min, max);
    for i in 0..n {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
        if rng.below(8) == 0 {
            out.push(b",.;:!?"[rng.below(6)]);
        }
    }
}

fn plain_line(rng: &mut SplitMix64, out: &mut Vec<u8>) {
    words(rng, out, 1, 16);
    out.extend_from_slice(b"\r\n");
}

fn binary_block(rng: &mut SplitMix64, out: &mut Vec<u8>) {
    for _ in 0..512 {
        let byte = rng.next_u64() as u8;
        out.push(byte);
        if byte == 0xff {
            out.push(0xff);
        }
    }
}

fn iac_dense_line(rng: &mut SplitMix64, out: &mut Vec<u8>) {
    let len = rng.range(8, 120);
    for _ in 0..len {
        if rng.below(16) == 0 {
            out.extend_from_slice(&[0xff, 0xff]);
        } else {
            out.push(b" abcdefghijklmnopqrstuvwxyz0123456789"[rng.below(37)]);
        }
    }
    out.extend_from_slice(b"\r\n");
}

fn text(rng: &mut SplitMix64, out: &mut Vec<u8>, max: usize) {
    let len = rng.range(0, max);
    for _ in 0..len {
        out.push(b'a' + rng.below(26) as u8);
    }
}

fn negotiation_run(rng: &mut SplitMix64, out: &mut Vec<u8>) {
    text(rng, out, 16);
    for _ in 0..rng.range(1, 8) {
        let verb = [0xfb, 0xfc, 0xfd, 0xfe][rng.below(4)];
        out.extend_from_slice(&[0xff, verb, NEGOTIATED[rng.below(NEGOTIATED.len())]]);
    }
}

fn subneg_unit(rng: &mut SplitMix64, out: &mut Vec<u8>) {
    text(rng, out, 32);
    out.extend_from_slice(&[0xff, 0xfa, SUBNEGOTIATED[rng.below(SUBNEGOTIATED.len())]]);
    for _ in 0..rng.range(0, 64) {
        let byte = rng.next_u64() as u8;
        out.push(byte);
        if byte == 0xff {
            out.push(0xff);
        }
    }
    out.extend_from_slice(&[0xff, 0xf0]);
}

const COLOURS: [&[u8]; 6] = [
    b"\x1b[0;31m",
    b"\x1b[1;32m",
    b"\x1b[0;33m",
    b"\x1b[1;34m",
    b"\x1b[0;36m",
    b"\x1b[1;37m",
];

fn mud_unit(rng: &mut SplitMix64, out: &mut Vec<u8>) {
    match rng.below(20) {
        // A prompt, ended by GA or EOR (`IAC GA` / `IAC EOR`).
        0..=2 => {
            let hp = rng.below(1000);
            let mp = rng.below(500);
            out.extend_from_slice(format!("\x1b[1;32m<{hp}hp {mp}mp>\x1b[0m ").as_bytes());
            out.extend_from_slice(if rng.below(2) == 0 {
                &[0xff, 0xf9]
            } else {
                &[0xff, 0xef]
            });
        }
        // A GMCP message.
        3..=5 => {
            out.extend_from_slice(&[0xff, 0xfa, 201]);
            let json = match rng.below(3) {
                0 => format!(
                    "Char.Vitals {{\"hp\":{},\"maxhp\":1000,\"mp\":{},\"maxmp\":500}}",
                    rng.below(1000),
                    rng.below(500)
                ),
                1 => format!(
                    "Room.Info {{\"num\":{},\"name\":\"A dark room\",\"exits\":{{\"n\":{},\"s\":{}}}}}",
                    rng.below(100_000),
                    rng.below(100_000),
                    rng.below(100_000)
                ),
                _ => format!("Comm.Channel.Text {{\"channel\":\"gossip\",\"talker\":\"Bob\",\"text\":\"hello {}\"}}", rng.below(1000)),
            };
            out.extend_from_slice(json.as_bytes());
            out.extend_from_slice(&[0xff, 0xf0]);
        }
        // Echo off and on around a password prompt.
        6 => out.extend_from_slice(b"\xff\xfb\x01Password: \xff\xfc\x01\r\n"),
        // A coloured line of text.
        _ => {
            for _ in 0..rng.range(1, 4) {
                out.extend_from_slice(COLOURS[rng.below(COLOURS.len())]);
                words(rng, out, 1, 8);
                out.push(b' ');
            }
            out.extend_from_slice(b"\x1b[0m\r\n");
        }
    }
}

fn nvt_line(rng: &mut SplitMix64, out: &mut Vec<u8>) {
    let len = rng.range(0, 16);
    for _ in 0..len {
        out.push(b' ' + rng.below(95) as u8);
    }
    out.extend_from_slice(if rng.below(2) == 0 { b"\r\n" } else { b"\r\0" });
}
