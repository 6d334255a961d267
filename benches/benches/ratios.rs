//! Parser throughput ratios on a shared, noisy machine: every parser of
//! the `parser` bench, on the same corpora and chunk sizes, measured in
//! turn, round after round, keeping each one's fastest run.
//!
//! `cargo bench -p telnet-benches --bench ratios [-- --rounds N --size BYTES]`
//! (defaults: 10 rounds of the full 16 MiB corpora, under a minute).
//!
//! Criterion (`--bench parser`) measures one parser for two seconds, then
//! the next: a neighbour that loads the machine for a while slows
//! whichever parser is being measured then, and a ratio of two means can
//! move by a third between runs. Here, on each corpus and chunk size, each
//! round runs every parser once, so a slow stretch costs all of them a
//! round, and the fastest of the rounds is what each parser can do. The
//! table gives the same ratios as the `parser` bench's.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use telnet_benches::corpus::{Corpus, SIZE};
use telnet_benches::{floor, libtelnet, mud, ours};

/// The chunk sizes the corpora are fed in.
const CHUNKS: [usize; 2] = [4096, 64];

/// A parser as the table names it, and one run of it over a corpus in
/// chunks of the given size.
type Parser = (&'static str, fn(&[u8], usize));

/// Every parser of the `parser` bench; `ours-raw` (`Newline::Raw`, the
/// same job as libtelnet's on nvt_crlf) runs on nvt_crlf only.
const PARSERS: [Parser; 6] = [
    ("ours", |bytes, chunk| {
        black_box(ours::parse(bytes, chunk));
    }),
    ("ours-read", |bytes, chunk| {
        black_box(ours::parse_read(bytes, chunk));
    }),
    ("libtelnet", |bytes, chunk| {
        black_box(libtelnet::parse(bytes, chunk));
    }),
    ("libmudtelnet", |bytes, chunk| {
        black_box(mud::parse(bytes, chunk));
    }),
    ("memchr", |bytes, chunk| {
        black_box(floor::scan(bytes, chunk));
    }),
    ("ours-raw", |bytes, chunk| {
        black_box(ours::parse_raw(bytes, chunk));
    }),
];

/// Where the parsers the ratios are about are in [`PARSERS`].
const OURS: usize = 0;
const READ: usize = 1;
const LIBTELNET: usize = 2;
const RAW: usize = 5;

/// `--rounds N` and `--size BYTES`; cargo's own `--bench` is ignored.
fn options() -> Result<(u32, usize), String> {
    let (mut rounds, mut size) = (10, SIZE);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|&v| v > 0)
                .ok_or(format!("{name} needs a positive number"))
        };
        match arg.as_str() {
            "--rounds" => rounds = value("--rounds")?.try_into().unwrap_or(u32::MAX),
            "--size" => size = value("--size")?,
            "--bench" => {}
            other => {
                return Err(format!(
                    "unknown argument {other}; use --rounds N, --size BYTES"
                ))
            }
        }
    }
    Ok((rounds, size))
}

fn main() -> ExitCode {
    let (rounds, size) = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("ratios: {message}");
            return ExitCode::FAILURE;
        }
    };
    let corpora: Vec<(Corpus, Vec<u8>)> = Corpus::ALL
        .into_iter()
        .map(|corpus| (corpus, corpus.generate_sized(size)))
        .collect();
    // fastest[corpus][chunk][parser]
    let mut fastest = vec![[[Duration::MAX; PARSERS.len()]; CHUNKS.len()]; corpora.len()];
    let started = Instant::now();
    // The rounds of one corpus and chunk size run together: its bytes stay
    // in the caches as they do for criterion, which repeats one bench.
    for ((corpus, bytes), times) in corpora.iter().zip(&mut fastest) {
        for (&chunk, times) in CHUNKS.iter().zip(times.iter_mut()) {
            for _ in 0..rounds {
                for (p, (_, run)) in PARSERS.iter().enumerate() {
                    if p == RAW && *corpus != Corpus::NvtCrlf {
                        continue;
                    }
                    let start = Instant::now();
                    run(black_box(bytes), chunk);
                    times[p] = times[p].min(start.elapsed());
                }
            }
        }
    }
    println!(
        "{rounds} rounds of every parser in turn, {size} bytes a corpus, fastest run of each, in {:.0} s:",
        started.elapsed().as_secs_f64()
    );
    println!();
    print!("| corpus | chunk |");
    for (name, _) in &PARSERS[..RAW] {
        print!(" {name} MiB/s |");
    }
    println!(" ours / libtelnet | ours-read / libtelnet | ours-raw / libtelnet | ours 64 B / 4 KiB | ours-read 64 B / 4 KiB |");
    // Two columns, a rate for each parser before `ours-raw`, five ratios.
    println!("|---|---:|{}", "---:|".repeat(RAW + 5));
    let mib_s = |time: Duration| size as f64 / (1 << 20) as f64 / time.as_secs_f64();
    for ((corpus, _), times) in corpora.iter().zip(&fastest) {
        for (c, &chunk) in CHUNKS.iter().enumerate() {
            let t = &times[c];
            print!("| {} | {chunk} |", corpus.name());
            for &time in &t[..RAW] {
                print!(" {:.0} |", mib_s(time));
            }
            let over = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64();
            let raw = if t[RAW] == Duration::MAX {
                String::new()
            } else {
                format!("{:.2}×", over(t[RAW], t[LIBTELNET]))
            };
            // Each drive loop's 64 B rate over its own 4 KiB rate.
            let (to_4k_ours, to_4k_read) = if chunk == 64 {
                (
                    format!("{:.2}", over(t[OURS], times[0][OURS])),
                    format!("{:.2}", over(t[READ], times[0][READ])),
                )
            } else {
                (String::new(), String::new())
            };
            println!(
                " {:.2}× | {:.2}× | {raw} | {to_4k_ours} | {to_4k_read} |",
                over(t[OURS], t[LIBTELNET]),
                over(t[READ], t[LIBTELNET]),
            );
        }
    }
    ExitCode::SUCCESS
}
