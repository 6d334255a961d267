//! Parser throughput: our session, libtelnet, libmudtelnet and a memchr
//! scan for 0xFF, on the seven corpora, fed in 4096- and 64-byte chunks.
//!
//! `cargo bench -p telnet-benches --bench parser` runs it (about four
//! minutes) and ends by printing the ratios of this run as a Markdown table.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use telnet_benches::corpus::Corpus;
use telnet_benches::{floor, libtelnet, mud, ours};

/// The chunk sizes the corpora are fed in.
const CHUNKS: [usize; 2] = [4096, 64];

/// The parsers, in the order they are measured and reported. `ours` is
/// our session driven by `Feed::poll_event` (zero-copy data slices, one
/// event per negotiation); `ours-read` is the same session driven by
/// `Feed::read` (data and replies copied into buffers, escapes merged,
/// negotiations noted only when notable, without ending the call).
const PARSERS: [&str; 5] = ["ours", "libtelnet", "libmudtelnet", "memchr", "ours-read"];

/// Our session with `Newline::Raw` (`CR NUL` delivered as received, as
/// libtelnet does), measured on nvt_crlf only: the same job as libtelnet's
/// there, where the default `Newline::Nvt` also drops each NUL.
const RAW: &str = "ours-raw";

/// Measures the group; returns each corpus's length.
fn parser(c: &mut Criterion) -> Vec<(Corpus, usize)> {
    let mut lengths = Vec::new();
    let mut group = c.benchmark_group("parser");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for corpus in Corpus::ALL {
        let bytes = corpus.generate();
        lengths.push((corpus, bytes.len()));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        for chunk in CHUNKS {
            let id = |parser: &str| BenchmarkId::new(format!("{}-{chunk}", corpus.name()), parser);
            group.bench_with_input(id("ours"), &bytes, |b, bytes| {
                b.iter(|| ours::parse(black_box(bytes), chunk))
            });
            group.bench_with_input(id("libtelnet"), &bytes, |b, bytes| {
                b.iter(|| libtelnet::parse(black_box(bytes), chunk))
            });
            group.bench_with_input(id("libmudtelnet"), &bytes, |b, bytes| {
                b.iter(|| mud::parse(black_box(bytes), chunk))
            });
            group.bench_with_input(id("memchr"), &bytes, |b, bytes| {
                b.iter(|| floor::scan(black_box(bytes), chunk))
            });
            group.bench_with_input(id("ours-read"), &bytes, |b, bytes| {
                b.iter(|| ours::parse_read(black_box(bytes), chunk))
            });
            if corpus == Corpus::NvtCrlf {
                // libtelnet's job: CR NUL delivered as received.
                group.bench_with_input(id(RAW), &bytes, |b, bytes| {
                    b.iter(|| ours::parse_raw(black_box(bytes), chunk))
                });
            }
        }
    }
    group.finish();
    lengths
}

/// Where criterion keeps its results: `$CRITERION_HOME`, else
/// `criterion/` in the target directory this binary was built in.
fn criterion_home() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(home.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    // <target>/release/deps/parser-<hash>
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// The mean time of one benchmark of this run, in nanoseconds, from
/// criterion's `estimates.json` (only if written since `since`).
fn mean_ns(home: &Path, group: &str, parser: &str, since: SystemTime) -> Option<f64> {
    let path = home
        .join("parser")
        .join(group)
        .join(parser)
        .join("new/estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let json = std::fs::read_to_string(path).ok()?;
    // {"mean":{"confidence_interval":{...},"point_estimate":123.4,...
    let mean = &json[json.find("\"mean\"")?..];
    let value = &mean[mean.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// Prints this run's throughputs and ratios as a Markdown table.
fn report(since: SystemTime, lengths: &[(Corpus, usize)]) {
    let Some(home) = criterion_home() else {
        return;
    };
    println!();
    println!("| corpus | chunk | ours MiB/s | libtelnet MiB/s | libmudtelnet MiB/s | memchr MiB/s | ours / libtelnet | ours / libmudtelnet | ours / memchr | ours 64 B / 4 KiB | ours-read / libtelnet | ours-read 64 B / 4 KiB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &(corpus, len) in lengths {
        let mib_s = |ns: f64| (len as f64 / (1 << 20) as f64) / (ns / 1e9);
        let group_4k = format!("{}-4096", corpus.name());
        let ours_4k = mean_ns(&home, &group_4k, "ours", since);
        let read_4k = mean_ns(&home, &group_4k, "ours-read", since);
        for chunk in CHUNKS {
            let group = format!("{}-{chunk}", corpus.name());
            let times: Vec<Option<f64>> = PARSERS
                .iter()
                .map(|parser| mean_ns(&home, &group, parser, since))
                .collect();
            let Some(ours) = times[0] else { continue };
            let rate = |t: Option<f64>| t.map_or("–".to_string(), |t| format!("{:.0}", mib_s(t)));
            let ratio =
                |t: Option<f64>| t.map_or("–".to_string(), |t| format!("{:.2}×", t / ours));
            // Each drive loop's 64 B rate over its own 4 KiB rate.
            let vs_4k = |t4: Option<f64>, t: Option<f64>| match (chunk, t4, t) {
                (64, Some(t4), Some(t)) => format!("{:.2}", t4 / t),
                _ => String::new(),
            };
            let read_ratio = match (times[4], times[1]) {
                (Some(read), Some(libtelnet)) => format!("{:.2}×", libtelnet / read),
                _ => "–".to_string(),
            };
            println!(
                "| {} | {chunk} | {} | {} | {} | {} | {} | {} | {} | {} | {read_ratio} | {} |",
                corpus.name(),
                rate(times[0]),
                rate(times[1]),
                rate(times[2]),
                rate(times[3]),
                ratio(times[1]),
                ratio(times[2]),
                ratio(times[3]),
                vs_4k(ours_4k, Some(ours)),
                vs_4k(read_4k, times[4]),
            );
        }
    }
    report_raw(since, &home);
}

/// Prints the nvt_crlf ratios of [`RAW`] to libtelnet, if measured.
fn report_raw(since: SystemTime, home: &Path) {
    let mut lines = Vec::new();
    for chunk in CHUNKS {
        let group = format!("{}-{chunk}", Corpus::NvtCrlf.name());
        let raw = mean_ns(home, &group, RAW, since);
        let libtelnet = mean_ns(home, &group, "libtelnet", since);
        if let (Some(raw), Some(libtelnet)) = (raw, libtelnet) {
            lines.push(format!("{chunk}: {:.2}×", libtelnet / raw));
        }
    }
    if !lines.is_empty() {
        println!();
        println!(
            "nvt_crlf with Newline::Raw (CR NUL kept, as libtelnet does), ours / libtelnet: {}",
            lines.join(", ")
        );
    }
}

fn main() {
    let since = SystemTime::now();
    let mut criterion = Criterion::default().configure_from_args();
    let lengths = parser(&mut criterion);
    criterion.final_summary();
    report(since, &lengths);
}
