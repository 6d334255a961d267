//! Peer processes: started in their own process group, stopped by PID.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for anything a peer does: long enough for a slow,
/// shared machine, short enough that the suite stays far below its bound.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The full path of `program`, searched in `PATH` and in `/usr/sbin`,
/// `/usr/games` (where Debian puts `telnetd` and `tt++`).
///
/// # Panics
///
/// When the program is not installed, with a message naming it and the
/// Debian package that provides it: a missing peer fails its test.
pub fn require_program(program: &str, package: &str) -> PathBuf {
    if program.contains('/') {
        let path = PathBuf::from(program);
        assert!(
            is_executable(&path),
            "interop peer missing: {program} is not an executable file (install {package})"
        );
        return path;
    }
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let extra = [PathBuf::from("/usr/sbin"), PathBuf::from("/usr/games")];
    std::env::split_paths(&path_var)
        .chain(extra)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
        .unwrap_or_else(|| {
            panic!("interop peer missing: `{program}` not found in PATH, /usr/sbin or /usr/games (install the Debian package {package})")
        })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// A running peer program. Its stdout and stderr are collected in the
/// background; dropping it kills its process group and the process itself
/// by PID, then waits for it.
#[derive(Debug)]
pub struct Peer {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Peer {
    /// Starts `command` as the peer called `name` (used in messages), with
    /// piped stdin, stdout and stderr, in a new process group.
    ///
    /// # Panics
    ///
    /// When the program cannot be started, naming the peer and the reason.
    pub fn spawn(name: &str, command: &mut Command) -> Peer {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = command.spawn().unwrap_or_else(|e| {
            panic!("interop peer {name} could not be started ({command:?}): {e}")
        });
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(pipe) = child.stdout.take() {
            collect(pipe, Arc::clone(&stdout));
        }
        if let Some(pipe) = child.stderr.take() {
            collect(pipe, Arc::clone(&stderr));
        }
        Peer {
            name: name.to_owned(),
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
        }
    }

    /// The peer's name, as given to [`Peer::spawn`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the peer wrote to stdout so far.
    pub fn stdout(&self) -> Vec<u8> {
        self.stdout.lock().unwrap().clone()
    }

    /// Everything the peer wrote to stderr so far.
    pub fn stderr(&self) -> Vec<u8> {
        self.stderr.lock().unwrap().clone()
    }

    /// Stdout and stderr, as text for a failure message.
    pub fn describe_output(&self) -> String {
        format!(
            "{} stdout:\n{}\n{} stderr:\n{}",
            self.name,
            String::from_utf8_lossy(&self.stdout()),
            self.name,
            String::from_utf8_lossy(&self.stderr())
        )
    }

    /// Waits until stdout contains `needle`, at most `timeout`; returns the
    /// stdout seen so far either way (`Err` on timeout or early exit).
    pub fn wait_for_stdout(&mut self, needle: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let out = self.stdout();
            if contains(&out, needle) {
                return Ok(out);
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // The pipes may still hold the last words.
                thread::sleep(Duration::from_millis(100));
                let out = self.stdout();
                if contains(&out, needle) {
                    return Ok(out);
                }
                return Err(format!(
                    "{} exited ({status}) before printing {:?}\n{}",
                    self.name,
                    String::from_utf8_lossy(needle),
                    self.describe_output()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} did not print {:?} within {timeout:?}\n{}",
                    self.name,
                    String::from_utf8_lossy(needle),
                    self.describe_output()
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The first complete stdout line that starts with `prefix`, without
    /// the prefix and trimmed, waiting at most `timeout` for it.
    pub fn wait_for_line(&mut self, prefix: &str, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        let mut exited = false;
        loop {
            let out = String::from_utf8_lossy(&self.stdout()).into_owned();
            let complete = out.rfind('\n').map_or("", |end| &out[..end]);
            if let Some(line) = complete.lines().find(|l| l.starts_with(prefix)) {
                return Ok(line[prefix.len()..].trim().to_owned());
            }
            if exited {
                return Err(format!(
                    "{} exited before printing a line starting {prefix:?}\n{}",
                    self.name,
                    self.describe_output()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} printed no line starting {prefix:?} within {timeout:?}\n{}",
                    self.name,
                    self.describe_output()
                ));
            }
            if let Ok(Some(_)) = self.child.try_wait() {
                // One more look once the pipes have drained.
                exited = true;
                thread::sleep(Duration::from_millis(100));
            } else {
                thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// The listening port a peer announced with a line `LISTENING <port>`.
    pub fn announced_port(&mut self) -> u16 {
        let line = self
            .wait_for_line("LISTENING", PATIENCE)
            .unwrap_or_else(|e| panic!("interop peer could not be started: {e}"));
        line.parse()
            .unwrap_or_else(|_| panic!("{}: bad LISTENING line {line:?}", self.name))
    }

    /// Writes to the peer's stdin.
    pub fn write_stdin(&mut self, bytes: &[u8]) {
        let stdin = self
            .stdin
            .as_mut()
            .unwrap_or_else(|| panic!("{}: stdin already closed", self.name));
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("{}: writing to its stdin failed: {e}", self.name));
    }

    /// Closes the peer's stdin (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to exit, at most `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) if Instant::now() >= deadline => {
                    return Err(format!(
                        "{} did not exit within {timeout:?}\n{}",
                        self.name,
                        self.describe_output()
                    ))
                }
                Ok(None) => thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(format!("{}: waiting failed: {e}", self.name)),
            }
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stdin = None;
        if let Ok(None) = self.child.try_wait() {
            // The whole process group first (socat's children, a shell's
            // program), then the process itself.
            let pid = self.child.id();
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = self.child.kill();
        }
        // Bounded: SIGKILL cannot be ignored.
        let _ = self.child.wait();
    }
}

fn collect(mut pipe: impl Read + Send + 'static, sink: Arc<Mutex<Vec<u8>>>) {
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
}

/// Whether `haystack` contains `needle` (an empty needle is always found).
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
