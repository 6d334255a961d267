//! Loopback echo throughput through telnet-std's echo service next to a
//! raw `std::net` TCP echo, in the same run.
//!
//! `cargo bench -p telnet-benches --bench echo_std`
//!
//! Both servers use a thread per connection. Each round opens
//! [`CONNECTIONS`] clients per server; each client writes
//! [`PER_CONNECTION`] bytes of printable text (no 0xFF, no newline: what
//! is echoed is byte for byte what was sent) in [`CHUNK`]-byte writes from
//! one thread while another reads the echo, then half-closes and reads to
//! the end. The servers alternate for [`ROUNDS`] rounds; the median
//! throughput of each (bytes sent over wall time) and their ratio are
//! printed. The telnet server also sends its option offers first, which
//! the client reads and does not answer.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Instant;

const CONNECTIONS: usize = 4;
const PER_CONNECTION: usize = 32 * 1024 * 1024;
const CHUNK: usize = 16 * 1024;
const ROUNDS: usize = 5;

/// The raw echo: read, write back, until the client half-closes.
fn raw_echo(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}

fn spawn_raw() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || raw_echo(stream));
        }
    });
    addr
}

/// One client: sends `PER_CONNECTION` bytes and reads everything back;
/// returns how many bytes it received.
fn client(addr: SocketAddr, payload: &'static [u8]) -> usize {
    let stream = TcpStream::connect(addr).expect("connect to the echo server");
    stream.set_nodelay(true).expect("nodelay");
    let mut writer = stream.try_clone().expect("clone the stream");
    let sender = thread::spawn(move || {
        let mut sent = 0;
        while sent < PER_CONNECTION {
            let n = CHUNK.min(PER_CONNECTION - sent);
            writer
                .write_all(&payload[..n])
                .expect("write to the echo server");
            sent += n;
        }
        writer.shutdown(Shutdown::Write).expect("half-close");
    });
    let mut reader = stream;
    let mut buf = vec![0u8; 64 * 1024];
    let mut received = 0;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(e) => panic!("reading the echo: {e}"),
        }
    }
    sender.join().expect("sender thread");
    received
}

/// MiB/s of `CONNECTIONS` clients against `addr`.
fn round(addr: SocketAddr, payload: &'static [u8]) -> f64 {
    let start = Instant::now();
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|_| thread::spawn(move || client(addr, payload)))
        .collect();
    for c in clients {
        let received = c.join().expect("client thread");
        assert!(
            received >= PER_CONNECTION,
            "echo lost bytes: {received} of {PER_CONNECTION}"
        );
    }
    let bytes = (CONNECTIONS * PER_CONNECTION) as f64;
    bytes / start.elapsed().as_secs_f64() / (1024.0 * 1024.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter or `--list` asks for nothing
    // to be measured here.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let payload: &'static [u8] = Box::leak(
        (0..CHUNK)
            .map(|i| b'a' + (i % 26) as u8)
            .collect::<Vec<u8>>()
            .into_boxed_slice(),
    );
    let raw = spawn_raw();
    let telnet = telnet_std::echo::spawn("127.0.0.1:0").expect("start telnet-std's echo");
    let (mut raw_rates, mut telnet_rates) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        raw_rates.push(round(raw, payload));
        telnet_rates.push(round(telnet, payload));
    }
    let (raw, telnet) = (median(raw_rates), median(telnet_rates));
    println!(
        "echo over loopback, {CONNECTIONS} connections x {} MiB, median of {ROUNDS} rounds:",
        PER_CONNECTION >> 20
    );
    println!("| server | MiB/s | / raw |");
    println!("|---|---:|---:|");
    println!("| raw std TCP echo | {raw:.0} | 1.00 |");
    println!("| telnet-std echo | {telnet:.0} | {:.2} |", telnet / raw);
}
