package io.backbeat.connect.sandbox.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder in front of a destination site whose upload direction can be slowed down, so that a copy lasts
 * long enough for a test to remove the worker doing it. Counts the bytes sent to the site.
 */
final class ThrottledProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final AtomicLong uploaded = new AtomicLong();
    /** Bytes per second towards the site; 0 = unthrottled. */
    private volatile long rate;
    private long nextFreeNanos;

    ThrottledProxy(URI target) throws IOException {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "e2e-proxy-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void throttle(long bytesPerSecond) {
        rate = bytesPerSecond;
    }

    long uploaded() {
        return uploaded.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                // closed, or the site refused: the client sees its connection end
            }
        }
    }

    private void pump(Socket from, Socket to, boolean towardsSite) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (towardsSite) {
                        pace(n);
                        uploaded.addAndGet(n);
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // one side went away: close both
            } finally {
                close(from);
                close(to);
            }
        }, "e2e-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** One rate for all connections together (parts are uploaded in parallel). */
    private void pace(int bytes) throws InterruptedException {
        long r = rate;
        if (r <= 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            nextFreeNanos = Math.max(nextFreeNanos, now) + bytes * 1_000_000_000L / r;
            wait = nextFreeNanos - now;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
