//! A TCP proxy a scenario can cut, as when the database server restarts under an instance:
//! [`CuttableProxy::cut`] drops every connection through it and refuses new ones,
//! [`CuttableProxy::restore`] accepts them again on the same port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A loopback TCP proxy to `target` that can be cut and restored.
#[derive(Debug)]
pub struct CuttableProxy {
    port: u16,
    target: SocketAddr,
    /// The accept loop and every connection's copy task; aborting them closes their sockets.
    tasks: Arc<Mutex<JoinSet<()>>>,
}

impl CuttableProxy {
    /// Starts forwarding a free loopback port to `target`.
    pub async fn start(target: SocketAddr) -> CuttableProxy {
        let proxy =
            CuttableProxy { port: crate::instance::free_port(), target, tasks: Arc::new(Mutex::new(JoinSet::new())) };
        proxy.restore().await;
        proxy
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Closes every connection through the proxy and its listening socket: new connections are
    /// refused until [`CuttableProxy::restore`].
    pub fn cut(&self) {
        self.tasks.lock().expect("proxy task set").abort_all();
    }

    /// Listens again (after a cut) and forwards each new connection.
    pub async fn restore(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap_or_else(|e| panic!("proxy: cannot listen on 127.0.0.1:{}: {e}", self.port));
        let (target, tasks) = (self.target, Arc::clone(&self.tasks));
        self.tasks.lock().expect("proxy task set").spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tasks.lock().expect("proxy task set").spawn(forward(client, target));
            }
        });
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.cut();
    }
}

/// Copies bytes both ways between `client` and a new connection to `target`.
async fn forward(mut client: TcpStream, target: SocketAddr) {
    if let Ok(mut server) = TcpStream::connect(target).await {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    }
}
