package io.backbeat.connect.sink.s3;

import java.io.IOException;
import java.net.Socket;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;

import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;

/**
 * The https socket factory of our S3 clients: Apache HttpClient's TLS set-up, each connection's writes gathered
 * in a buffer of {@link #WRITE_BUFFER_BYTES} before they reach TLS.
 *
 * <p>Why: HttpClient 4 hands a request body to the socket 8 KiB at a time, and TLS makes every write a record
 * (and a send) of its own. The gateway decrypts and reads per record: Ceph RGW spent ~40 % more CPU receiving
 * our 64 MiB uploads than receiving the same objects from rclone, whose records are 16 KiB, the TLS maximum
 * (docs/benchmarks.md). Gathered, a body goes out in full-size records.
 */
final class CoalescingTlsSocketFactory extends SSLConnectionSocketFactory {

    /** Four full TLS records; one buffer per pooled TLS connection (up to {@code max.connections}, 64 by default). */
    static final int WRITE_BUFFER_BYTES = 64 * 1024;

    CoalescingTlsSocketFactory(SSLContext context, HostnameVerifier hostnameVerifier) {
        super(context, hostnameVerifier);
    }

    /** Every TLS socket is made here: direct connections (after the TCP connect) and tunnels through a proxy. */
    @Override
    public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context)
            throws IOException {
        return new CoalescingSocket(super.createLayeredSocket(socket, target, port, context), WRITE_BUFFER_BYTES);
    }
}
