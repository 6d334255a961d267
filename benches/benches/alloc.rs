//! Heap allocations while parsing, counted by a global allocator.
//!
//! `cargo bench -p telnet-benches --bench alloc` prints, for each corpus
//! and chunk size, how many allocations each Rust parser made, and exits
//! with an error if the core (`telnet-proto`) made any. The adapters are
//! measured too: telnet-tokio's `TelnetCodec` decoding through a reused
//! `BytesMut`, and the `Telnet` sessions of telnet-std and telnet-tokio
//! reading with `read_some` from an in-memory stream (each call returns a
//! new `Vec`, as telnetlib's `read_some` returns a new `bytes`). libtelnet allocates through C's
//! `malloc`, which this allocator does not see.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::BytesMut;
use telnet_benches::corpus::Corpus;
use telnet_benches::{mud, ours, storm, Tally};
use telnet_proto::encode;
use tokio_util::codec::Decoder;

/// The system allocator, counting allocations and bytes.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded to `System` unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and allocated bytes during `f`.
fn count<T>(f: impl FnOnce() -> T) -> (u64, u64, T) {
    let (a, b) = (
        ALLOCATIONS.load(Ordering::SeqCst),
        BYTES.load(Ordering::SeqCst),
    );
    let out = std::hint::black_box(f());
    let (a2, b2) = (
        ALLOCATIONS.load(Ordering::SeqCst),
        BYTES.load(Ordering::SeqCst),
    );
    (a2 - a, b2 - b, out)
}

/// Decodes `input` with telnet-tokio's codec, `chunk` bytes at a time
/// through one reused buffer, as a `FramedRead` would; returns the number
/// of items.
fn tokio_codec(input: &[u8], chunk: usize) -> u64 {
    let mut codec = telnet_tokio::TelnetCodec::with_config(ours::session_config());
    let mut buf = BytesMut::with_capacity(8192);
    let mut items = 0;
    for piece in input.chunks(chunk) {
        buf.extend_from_slice(piece);
        while let Some(item) = codec.decode(&mut buf).expect("the corpora decode") {
            std::hint::black_box(item);
            items += 1;
        }
    }
    items
}

/// An in-memory connection: reads hand out `input` `chunk` bytes at a
/// time, writes are dropped.
struct Replay<'a> {
    input: &'a [u8],
    chunk: usize,
}

impl std::io::Read for Replay<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.input.len());
        buf[..n].copy_from_slice(&self.input[..n]);
        self.input = &self.input[n..];
        Ok(n)
    }
}

impl std::io::Write for Replay<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl tokio::io::AsyncRead for Replay<'_> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let n = self.chunk.min(buf.remaining()).min(self.input.len());
        buf.put_slice(&self.input[..n]);
        self.input = &self.input[n..];
        std::task::Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncWrite for Replay<'_> {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

/// Reads `input` through telnet-tokio's `Telnet::read_some`, as
/// [`std_reads`] does; returns allocations, bytes and calls. The runtime
/// and the session are built before counting starts.
fn tokio_reads(input: &[u8], chunk: usize) -> (u64, u64, u64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let config = ours::session_config();
    let mut telnet = telnet_tokio::Telnet::with_config(Replay { input, chunk }, config);
    count(|| {
        runtime.block_on(async {
            let mut reads = 0;
            while !telnet
                .read_some()
                .await
                .expect("the corpora read")
                .is_empty()
            {
                reads += 1;
            }
            reads
        })
    })
}

/// Reads `input` through telnet-std's `Telnet::read_some`, the stream
/// giving `chunk` bytes per read; returns the number of calls. Only the
/// reading is counted: the session is built before.
fn std_reads(input: &[u8], chunk: usize) -> (u64, u64, u64) {
    let stream = telnet_std::AssumeReady(Replay { input, chunk });
    let mut telnet = telnet_std::Builder::new()
        .policy(telnet_benches::policy())
        .build(stream)
        .expect("nothing to send at the start");
    count(|| {
        let mut reads = 0;
        while !telnet.read_some().expect("the corpora read").is_empty() {
            reads += 1;
        }
        reads
    })
}

fn main() -> ExitCode {
    let mut core_allocations = 0;
    println!("| corpus | chunk | telnet-proto allocations | telnet-tokio codec allocations (per item) | telnet-std `read_some` allocations (per call) | telnet-tokio `read_some` allocations (per call) | libmudtelnet allocations (bytes) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for corpus in Corpus::ALL {
        let bytes = corpus.generate();
        for chunk in [4096, 64] {
            // The session and its tally live on the stack; `parse` makes both.
            // Both drive loops count: `poll_event` and `read`.
            let (ours_n, _, tally): (_, _, Tally) = count(|| ours::parse(&bytes, chunk));
            assert_eq!(tally.anomalies, 0);
            let (read_n, _, _) = count(|| ours::parse_read(&bytes, chunk));
            let ours_n = ours_n + read_n;
            let (mud_n, mud_bytes, _) = count(|| mud::parse(&bytes, chunk));
            let (tokio_n, _, items) = count(|| tokio_codec(&bytes, chunk));
            let (std_n, _, reads) = std_reads(&bytes, chunk);
            let (async_n, _, async_reads) = tokio_reads(&bytes, chunk);
            core_allocations += ours_n;
            println!(
                "| {} | {chunk} | {ours_n} | {tokio_n} ({:.2}) | {std_n} ({:.2}) | {async_n} ({:.2}) | {mud_n} ({:.1} MiB) |",
                corpus.name(),
                tokio_n as f64 / items.max(1) as f64,
                std_n as f64 / reads.max(1) as f64,
                async_n as f64 / async_reads.max(1) as f64,
                mud_bytes as f64 / f64::from(1 << 20)
            );
        }
    }

    let storm_bytes = storm::bytes();
    let (storm_n, _, _) = count(|| storm::ours(&storm_bytes, 4096));
    core_allocations += storm_n;
    let (storm_mud, _, _) = count(|| storm::mud(&storm_bytes, 4096));
    println!("| negotiation storm (1M) | 4096 | {storm_n} | – | – | – | {storm_mud} |");

    let src = Corpus::Binary.generate_sized(1 << 20);
    let mut dst = vec![0u8; 2 * src.len()];
    let (encode_n, _, _) =
        count(|| encode::data(&src, &mut dst).unwrap() + encode::text(&src, &mut dst).unwrap());
    core_allocations += encode_n;
    println!("| encode 1 MiB (data + text) | – | {encode_n} | – | – | – | – |");

    println!();
    if core_allocations == 0 {
        println!("telnet-proto: 0 heap allocations");
        ExitCode::SUCCESS
    } else {
        println!("telnet-proto: {core_allocations} heap allocations, expected none");
        ExitCode::FAILURE
    }
}
