//! Echo throughput through a telnet session against a raw tokio TCP echo,
//! in the same run, over loopback.
//!
//! ```text
//! cargo bench -p telnet-tokio --bench echo_throughput
//! ```
//!
//! Both servers run on the same runtime (2 worker threads) and get the
//! same load: `CONNECTIONS` clients, each streaming `PER_CONNECTION` bytes
//! of printable text (no 0xFF: the common case) while reading the echo
//! back. The servers alternate for several rounds; the median of each is
//! reported with their ratio. A last run sends binary data (every byte
//! value, 0xFF escaped, so one byte in 256 takes the session's escaping
//! path both ways) through the telnet echo.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[allow(dead_code, reason = "only the echo loop of the example is used")]
#[path = "../examples/echo.rs"]
mod echo_example;

const CONNECTIONS: usize = 8;
const PER_CONNECTION: usize = 32 * 1024 * 1024;
const CHUNK: usize = 16 * 1024;
const ROUNDS: usize = 5;

async fn raw_echo(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0u8; 8 * 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return stream.shutdown().await;
        }
        stream.write_all(&buf[..n]).await?;
    }
}

async fn listen(telnet: bool) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.expect("accept");
            if telnet {
                tokio::spawn(async move {
                    let _ = echo_example::echo(stream).await;
                });
            } else {
                tokio::spawn(raw_echo(stream));
            }
        }
    });
    addr
}

/// Streams `payload` (already telnet-encoded, so it echoes back as is)
/// over each connection until `PER_CONNECTION` bytes are sent, and reads it
/// all back; returns MiB/s echoed.
async fn load(addr: std::net::SocketAddr, payload: &'static [u8]) -> f64 {
    let writes = PER_CONNECTION.div_ceil(payload.len());
    let expected_back = writes * payload.len();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.expect("connect");
            let (mut r, mut w) = stream.into_split();
            let writer = tokio::spawn(async move {
                for _ in 0..writes {
                    w.write_all(payload).await.expect("write");
                }
                w.shutdown().await.expect("shutdown");
            });
            let mut buf = vec![0u8; 64 * 1024];
            let mut got = 0;
            loop {
                let n = r.read(&mut buf).await.expect("read");
                if n == 0 {
                    break;
                }
                got += n;
            }
            writer.await.expect("writer");
            assert_eq!(got, expected_back);
        }));
    }
    for t in tasks {
        t.await.expect("client");
    }
    let bytes = (CONNECTIONS * expected_back) as f64;
    bytes / started.elapsed().as_secs_f64() / (1024.0 * 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let text: &'static [u8] = Box::leak(
        (0..CHUNK)
            .map(|i| {
                if i % 64 == 63 {
                    b'\n'
                } else {
                    b' ' + (i % 90) as u8
                }
            })
            .collect::<Vec<u8>>()
            .into_boxed_slice(),
    );
    // Every byte value, 0xFF doubled as the client must send it.
    let binary: &'static [u8] = Box::leak(
        (0..CHUNK)
            .flat_map(|i| {
                if i % 256 == 255 {
                    vec![0xff, 0xff]
                } else {
                    vec![(i % 256) as u8]
                }
            })
            .collect::<Vec<u8>>()
            .into_boxed_slice(),
    );
    rt.block_on(async {
        let raw = listen(false).await;
        let telnet = listen(true).await;
        // One warm-up each.
        load(raw, text).await;
        load(telnet, text).await;
        let (mut raws, mut telnets) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            raws.push(load(raw, text).await);
            telnets.push(load(telnet, text).await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (r, t) = (median(raws.clone()), median(telnets.clone()));
        println!(
            "echo_throughput: {CONNECTIONS} connections x {} MiB, text, {ROUNDS} rounds",
            PER_CONNECTION >> 20
        );
        println!("  raw tokio TCP echo: {r:8.1} MiB/s (median of {raws:.0?})");
        println!("  telnet-tokio echo:  {t:8.1} MiB/s (median of {telnets:.0?})");
        println!("  ratio telnet/raw:   {:.2}", t / r);
        let b = load(telnet, binary).await;
        println!(
            "  telnet-tokio echo of binary data (every byte value, 0xFF escaped): {b:.1} MiB/s"
        );
    });
}
