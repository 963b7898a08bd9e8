//! Real servers on 127.0.0.1 for the tests: `git daemon` (`git://`) and an
//! unprivileged `sshd` (`ssh://`). Each is stopped when dropped.
//! (tests/sync.rs still has its own copies of these two.)

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::isolate;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Waits until `port` answers; false when `child` ended or time ran out.
fn answers(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The `git-daemon` program in git's exec path.
fn git_daemon() -> std::path::PathBuf {
    let out = Command::new("git")
        .arg("--exec-path")
        .output()
        .expect("git runs");
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Path::new(&dir).join("git-daemon")
}

/// `git daemon` serving `base`, pushes allowed.
pub struct Daemon {
    child: Child,
    pub port: u16,
}

impl Daemon {
    pub fn start(base: &Path, home: &Path) -> Daemon {
        for _ in 0..5 {
            let port = free_port();
            // `git daemon` would exec `git-daemon` as a child that outlives
            // the killed wrapper: start the daemon itself, so that killing
            // it stops the server.
            let mut cmd = Command::new(git_daemon());
            isolate(&mut cmd, home);
            cmd.args([
                "--export-all",
                "--enable=receive-pack",
                "--reuseaddr",
                "--listen=127.0.0.1",
                &format!("--port={port}"),
                &format!("--base-path={}", base.display()),
                &base.display().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
            let mut child = cmd.spawn().expect("git daemon starts");
            if answers(&mut child, port) {
                return Daemon { child, port };
            }
            stop(&mut child);
        }
        panic!("git daemon did not start");
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

const SSHD: &str = "/usr/sbin/sshd";

/// An `sshd` as the user running the tests, accepting one key, which is
/// put in `client_home/.ssh` (with the server's host key trusted there).
pub struct Sshd {
    child: Child,
    pub port: u16,
    pub user: String,
}

impl Sshd {
    /// None (said loudly, see [`super::tools`]) when sshd is not installed;
    /// in CI that fails instead.
    pub fn start(dir: &Path, client_home: &Path) -> Option<Sshd> {
        if !super::tools::available(
            "a test over ssh",
            &[SSHD, "ssh-keygen", "ssh"],
            "openssh-server openssh-client",
        ) {
            return None;
        }
        let _ = std::fs::create_dir_all("/run/sshd");
        let keygen = |path: &Path| {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(path)
                .status()
                .expect("ssh-keygen runs")
                .success();
            assert!(ok, "ssh-keygen");
        };
        let host = dir.join("hostkey");
        keygen(&host);
        let ssh = client_home.join(".ssh");
        std::fs::create_dir_all(&ssh).unwrap();
        keygen(&ssh.join("id_ed25519"));
        let authorized = dir.join("authorized_keys");
        std::fs::copy(ssh.join("id_ed25519.pub"), &authorized).unwrap();
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        for _ in 0..5 {
            let port = free_port();
            let config = dir.join("sshd_config");
            std::fs::write(
                &config,
                format!(
                    "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\n\
                     PasswordAuthentication no\nKbdInteractiveAuthentication no\n\
                     PubkeyAuthentication yes\nPermitRootLogin prohibit-password\n\
                     StrictModes no\nUsePAM no\nPidFile none\n",
                    host.display(),
                    authorized.display()
                ),
            )
            .unwrap();
            let mut child = Command::new(SSHD)
                .args(["-D", "-e", "-f"])
                .arg(&config)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("sshd starts");
            if answers(&mut child, port) {
                let host_key = std::fs::read_to_string(dir.join("hostkey.pub")).unwrap();
                std::fs::write(
                    ssh.join("known_hosts"),
                    format!("[127.0.0.1]:{port} {host_key}"),
                )
                .unwrap();
                return Some(Sshd { child, port, user });
            }
            stop(&mut child);
        }
        super::tools::skipped("a test over ssh", "sshd did not start on 127.0.0.1");
        None
    }

    /// The address of the repository at `path`.
    pub fn url(&self, path: &Path) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}{}",
            self.user,
            self.port,
            path.display()
        )
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}
