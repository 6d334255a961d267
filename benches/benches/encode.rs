//! The encoder (escaping 0xFF, NVT newlines) and the negotiation storm.
//!
//! `cargo bench -p telnet-benches --bench encode`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput};
use telnet_benches::rng::SplitMix64;
use telnet_benches::storm;
use telnet_proto::encode;

/// 1 MiB of text lines (LF-ended, as an application writes them) in which
/// `per_mille` bytes in 1000 are 0xFF.
fn text_with_iacs(per_mille: usize) -> Vec<u8> {
    let mut rng = SplitMix64::new(0x5eed_0000 + per_mille as u64);
    (0..1 << 20)
        .map(|_| {
            if rng.below(1000) < per_mille {
                0xff
            } else if rng.below(60) == 0 {
                b'\n'
            } else {
                b'a' + rng.below(26) as u8
            }
        })
        .collect()
}

fn encoder(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, per_mille) in [("0%", 0), ("1%", 10), ("50%", 500)] {
        let src = text_with_iacs(per_mille);
        let mut dst = vec![0u8; 3 * src.len()];
        group.throughput(Throughput::Bytes(src.len() as u64));
        group.bench_with_input(BenchmarkId::new("data", name), &src, |b, src| {
            b.iter(|| encode::data(black_box(src), &mut dst).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("text", name), &src, |b, src| {
            b.iter(|| encode::text(black_box(src), &mut dst).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("libmudtelnet", name), &src, |b, src| {
            // It takes anything `Bytes` is made from: an owned copy, made
            // outside the measurement.
            b.iter_batched(
                || src.clone(),
                libmudtelnet::Parser::escape_iac,
                BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("memcpy", name), &src, |b, src| {
            b.iter(|| dst[..src.len()].copy_from_slice(black_box(src)))
        });
    }
    group.finish();
}

fn negotiation(c: &mut Criterion) {
    let bytes = storm::bytes();
    let mut group = c.benchmark_group("negotiation");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(storm::NEGOTIATIONS as u64));
    group.bench_function("storm/ours", |b| {
        b.iter(|| storm::ours(black_box(&bytes), 4096))
    });
    group.bench_function("storm/libtelnet", |b| {
        b.iter(|| storm::libtelnet(black_box(&bytes), 4096))
    });
    group.bench_function("storm/libmudtelnet", |b| {
        b.iter(|| storm::mud(black_box(&bytes), 4096))
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    encoder(&mut criterion);
    negotiation(&mut criterion);
    criterion.final_summary();
}
