//! Parses one corpus once with one parser, for profilers:
//!
//! ```text
//! cargo build --release -p telnet-benches --example profile
//! valgrind --tool=callgrind target/release/examples/profile negotiation 4096 ours
//! ```
//!
//! Arguments: corpus name (or `storm`), chunk size, parser (`ours`,
//! `ours-read`, `libtelnet`, `libmudtelnet`, `memchr`), and optionally a size in bytes
//! to cut the corpus to (default: the full 16 MiB) and a number of runs
//! (default 1). The fastest run's time goes to standard error: a quick
//! comparison of two builds on one corpus, where criterion's full run is
//! not needed (and the two builds' times are taken in turn, on a machine
//! in the same state).

use std::process::ExitCode;

use telnet_benches::corpus::Corpus;
use telnet_benches::{floor, libtelnet, mud, ours, storm};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, chunk, parser, rest @ ..] = &args[..] else {
        eprintln!(
            "usage: profile <corpus|storm> <chunk> <ours|ours-read|libtelnet|libmudtelnet|memchr> [size] [runs]"
        );
        return ExitCode::FAILURE;
    };
    let Ok(chunk) = chunk.parse::<usize>() else {
        eprintln!("chunk size must be a number: {chunk}");
        return ExitCode::FAILURE;
    };
    let size = rest.first().and_then(|s| s.parse().ok());
    let runs: u32 = rest.get(1).and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    let bytes = if corpus == "storm" {
        storm::bytes()
    } else {
        let Some(corpus) = Corpus::ALL.into_iter().find(|c| c.name() == corpus) else {
            eprintln!("unknown corpus {corpus}");
            return ExitCode::FAILURE;
        };
        corpus.generate_sized(size.unwrap_or(telnet_benches::corpus::SIZE))
    };
    let mut fastest = std::time::Duration::MAX;
    let mut outcome = None;
    for _ in 0..runs {
        let start = std::time::Instant::now();
        let run = match (parser.as_str(), corpus == "storm") {
            ("ours", false) => Ok(ours::parse(&bytes, chunk)),
            ("ours-read", false) => Ok(ours::parse_read(&bytes, chunk)),
            ("ours", true) => Ok(storm::ours(&bytes, chunk)),
            ("libtelnet", false) => Ok(libtelnet::parse(&bytes, chunk)),
            ("libtelnet", true) => Ok(storm::libtelnet(&bytes, chunk)),
            ("libmudtelnet", false) => Ok(mud::parse(&bytes, chunk)),
            ("libmudtelnet", true) => Ok(storm::mud(&bytes, chunk)),
            // The floor counts 0xFF bytes instead of keeping a tally.
            ("memchr", _) => Err(floor::scan(&bytes, chunk)),
            _ => {
                eprintln!("unknown parser {parser}");
                return ExitCode::FAILURE;
            }
        };
        fastest = fastest.min(start.elapsed());
        outcome = Some(run);
    }
    eprintln!(
        "{parser} on {corpus} in {chunk}-byte chunks: {:.1} MiB/s (fastest of {runs})",
        bytes.len() as f64 / (1 << 20) as f64 / fastest.as_secs_f64()
    );
    match outcome.expect("at least one run") {
        Ok(tally) => println!(
            "{} events, {} data bytes, {} subnegotiation bytes, {:?} sent",
            tally.events,
            tally.data,
            tally.sb_bytes,
            tally.sent.digest()
        ),
        Err(iacs) => println!("{iacs} bytes of 0xFF"),
    }
    ExitCode::SUCCESS
}
