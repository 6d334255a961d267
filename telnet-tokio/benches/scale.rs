//! 10,000 concurrent sessions to the echo server over loopback: sessions
//! held, memory per session, echo throughput.
//!
//! ```text
//! cargo bench -p telnet-tokio --bench scale [-- SESSIONS]
//! ```
//!
//! The server (the `echo` example's session loop) runs in this process and
//! its memory is what is measured: resident set size (VmRSS in
//! /proc/self/status) after every session has echoed once, minus the same
//! before the first connection, divided by the number of sessions. The
//! clients run in a child process (this same binary with `--client`), so
//! their memory is not counted.
//!
//! Each process needs one file descriptor per session plus a few: with
//! 10,000 sessions the soft `RLIMIT_NOFILE` must be at least about 10,050
//! (`ulimit -n`); the bench says so and stops if it is lower. Loopback
//! needs as many ephemeral ports (the default range has 28,000).

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[allow(dead_code, reason = "only the echo loop of the example is used")]
#[path = "../examples/echo.rs"]
mod echo_example;

const DEFAULT_SESSIONS: usize = 10_000;
/// Per session in the throughput phase: this many round trips of `MESSAGE`.
const ROUNDS: usize = 16;
const MESSAGE: usize = 1024;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--client") {
        let addr = args[1].clone();
        let sessions = args[2].parse().expect("session count");
        return client(&addr, sessions);
    }
    // `cargo bench` passes `--bench`; a number is the session count.
    let sessions = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(DEFAULT_SESSIONS);
    server(sessions);
}

fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn server(sessions: usize) {
    let needed = sessions as u64 + 50;
    match open_files_limit() {
        Some(limit) if limit < needed => {
            eprintln!(
                "RLIMIT_NOFILE is {limit}; {sessions} sessions need about {needed} \
                 (raise it with `ulimit -n {needed}`)"
            );
            std::process::exit(2);
        }
        _ => {}
    }
    let rt = runtime();
    let live = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr().expect("address");
    // Warm the runtime up so that its own allocations are in the baseline.
    rt.block_on(async { tokio::time::sleep(Duration::from_millis(50)).await });
    let before = rss_kib();
    {
        let (live, peak) = (live.clone(), peak.clone());
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (live, peak) = (live.clone(), peak.clone());
                tokio::spawn(async move {
                    let now = live.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    let _ = echo_example::echo(stream).await;
                    live.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
    }
    let exe = std::env::current_exe().expect("current exe");
    let mut child = Command::new(exe)
        .args(["--client", &addr.to_string(), &sessions.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("client process");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut stdin = child.stdin.take().expect("stdin");
    let ready = lines.next().expect("client line").expect("client output");
    assert!(ready.starts_with("ready"), "client said {ready}");
    let connect_time = ready.trim_start_matches("ready ").to_string();
    let held = live.load(Ordering::SeqCst);
    let after = rss_kib();
    let per_session = (after.saturating_sub(before)) as f64 * 1024.0 / held.max(1) as f64;
    writeln!(stdin, "go").expect("to client");
    let result = lines.next().expect("client line").expect("client output");
    let status = child.wait().expect("client exit");
    assert!(status.success(), "client failed");
    println!(
        "scale: {sessions} sessions requested, {held} held at once (peak {})",
        peak.load(Ordering::SeqCst)
    );
    println!("scale: all connected and echoing once in {connect_time}");
    println!(
        "scale: server RSS {before} KiB -> {after} KiB: {per_session:.0} bytes per session \
         (Telnet<TcpStream> is {} bytes)",
        std::mem::size_of::<telnet_tokio::Telnet<TcpStream>>()
    );
    println!("scale: {result}");
    rt.shutdown_timeout(Duration::from_secs(1));
}

fn client(addr: &str, sessions: usize) {
    let rt = runtime();
    rt.block_on(async move {
        let started = Instant::now();
        let mut streams = Vec::with_capacity(sessions);
        // Connect in batches so the listen backlog never overflows.
        for batch in (0..sessions).collect::<Vec<_>>().chunks(500) {
            let mut tasks = Vec::new();
            for _ in batch {
                let addr = addr.to_string();
                tasks.push(tokio::spawn(async move {
                    let mut s = TcpStream::connect(addr).await.expect("connect");
                    s.write_all(b"ping\r\n").await.expect("write");
                    let mut echo = [0u8; 6];
                    s.read_exact(&mut echo).await.expect("echo");
                    assert_eq!(&echo, b"ping\r\n");
                    s
                }));
            }
            for t in tasks {
                streams.push(t.await.expect("client task"));
            }
        }
        println!("ready {:.2?}", started.elapsed());
        std::io::stdout().flush().expect("stdout");
        let mut go = String::new();
        std::io::stdin().read_line(&mut go).expect("stdin");
        // Throughput: every session does ROUNDS round trips at once.
        let message: Vec<u8> = (0..MESSAGE).map(|i| b'a' + (i % 26) as u8).collect();
        let message = Arc::new(message);
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(sessions);
        for mut s in streams {
            let message = message.clone();
            tasks.push(tokio::spawn(async move {
                let mut back = vec![0u8; MESSAGE];
                for _ in 0..ROUNDS {
                    s.write_all(&message).await.expect("write");
                    s.read_exact(&mut back).await.expect("read");
                    assert_eq!(back, *message);
                }
                s
            }));
        }
        let mut streams = Vec::with_capacity(sessions);
        for t in tasks {
            streams.push(t.await.expect("client task"));
        }
        let elapsed = started.elapsed();
        let bytes = (sessions * ROUNDS * MESSAGE) as f64;
        println!(
            "echo of {} x {ROUNDS} x {MESSAGE} bytes over {sessions} concurrent sessions in {elapsed:.2?}: \
             {:.1} MiB/s each way, {:.0} round trips/s",
            sessions,
            bytes / elapsed.as_secs_f64() / (1024.0 * 1024.0),
            (sessions * ROUNDS) as f64 / elapsed.as_secs_f64()
        );
        drop(streams);
    });
}
