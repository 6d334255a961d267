//! The `echo` example's service, driven over loopback by a raw socket that
//! sees the exact bytes on the wire.

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/echo.rs"]
mod echo_example;

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn echoes_bytes_exactly_and_refuses_options() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        echo_example::echo(stream).await
    });

    let mut client = TcpStream::connect(addr).await.unwrap();
    // 0xFF escaped, CR NUL, CR LF, and a request the server must refuse.
    client
        .write_all(b"a\xff\xffb\r\x00c\r\n\xff\xfd\x18")
        .await
        .unwrap();
    let echo: &[u8] = b"a\xff\xffb\r\x00c\r\n";
    let refusal: &[u8] = b"\xff\xfc\x18";
    let mut seen = Vec::new();
    let mut buf = [0u8; 64];
    while seen.len() < echo.len() + refusal.len() {
        let n = tokio::time::timeout(LIMIT, client.read(&mut buf))
            .await
            .expect("the echo came back in time")
            .unwrap();
        assert!(n > 0, "closed early after {seen:02x?}");
        seen.extend_from_slice(&buf[..n]);
    }
    // The refusal is written while reading, so it may come first; the
    // data comes back exactly, in one piece.
    let at = seen
        .windows(refusal.len())
        .position(|w| w == refusal)
        .expect("WONT TTYPE was sent");
    seen.drain(at..at + refusal.len());
    assert_eq!(seen, echo);

    // Closing our side ends the service cleanly, and it closes too.
    client.shutdown().await.unwrap();
    let n = tokio::time::timeout(LIMIT, client.read(&mut buf))
        .await
        .expect("the server closed in time")
        .unwrap();
    assert_eq!(n, 0);
    tokio::time::timeout(LIMIT, server)
        .await
        .expect("the service ended")
        .unwrap()
        .unwrap();
}
