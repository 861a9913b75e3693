package io.backbeat.connect.testbed.ceph;

import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalPorts;
import io.backbeat.connect.testbed.LocalProcesses;
import io.backbeat.connect.testbed.s3.S3Endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real S3 server: a one-host Ceph cluster (one monitor, one OSD on a sparse 10 GB file, no manager) with the
 * RADOS Gateway on loopback, from Debian's packages {@code radosgw ceph-mon ceph-osd}. All state lives in one
 * temporary directory; authentication between daemons is off, S3 requests are signed with SigV4 as usual.
 *
 * <p>Starting takes about 16 s, so tests share one instance per JVM: {@link #shared()} starts it on first use
 * and stops it (gateway, OSD, monitor, in that order) when the JVM exits. Each test creates its own user or
 * buckets with unique names.
 *
 * <p>Clients must compute checksums only "when required": Ceph Pacific rejects the streaming checksum trailer
 * the AWS SDK sends by default ({@link S3Endpoint#newClient()} does this).
 */
public final class CephRgw implements AutoCloseable {

    /** Keys of the user {@link #shared()} creates; any test may use them. */
    public static final String DEFAULT_UID = "backbeat-test";
    public static final String DEFAULT_ACCESS_KEY = "BACKBEATTESTACCESSKEY";
    public static final String DEFAULT_SECRET_KEY = "backbeat-test-secret-key-0123456789abcdef";
    public static final String REGION = "us-east-1";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DAEMON_TIMEOUT = Duration.ofSeconds(90);
    private static final String RGW_NAME = "client.rgw.x";
    private static final List<String> PROGRAMS = List.of("monmaptool", "ceph-mon", "ceph-osd", "ceph", "radosgw",
            "radosgw-admin");

    private static CephRgw shared;
    private static RuntimeException sharedFailure;

    private final Path directory;
    private final Path conf;
    private final int rgwPort;
    /** Port of the TLS listener (self-signed certificate for 127.0.0.1), 0 when the gateway has none. */
    private final int httpsPort;
    private final List<String> started = new ArrayList<>();
    /** Stops the daemons of a JVM that ends without {@link #close()} (a killed benchmark left them running). */
    private final Thread stopOnExit = new Thread(this::close, "ceph-rgw-stop");
    private String osdId;

    private CephRgw(Path directory, int rgwPort, int httpsPort) {
        this.directory = directory;
        this.conf = directory.resolve("ceph.conf");
        this.rgwPort = rgwPort;
        this.httpsPort = httpsPort;
    }

    /**
     * The JVM's shared gateway with the default user, started on first call; it listens on http
     * ({@link #endpoint()}) and on https ({@link #httpsEndpoint()}).
     *
     * @throws IllegalStateException when the Ceph packages are missing (the message says what to install) or a
     *     daemon does not come up (the message shows the end of its log)
     */
    public static synchronized CephRgw shared() {
        if (sharedFailure != null) {
            // one failed start is enough: every later test would otherwise wait for the same failure again
            throw new IllegalStateException("The shared Ceph RADOS Gateway failed to start earlier in this JVM: "
                    + sharedFailure.getMessage(), sharedFailure);
        }
        if (shared == null) {
            try {
                CephRgw rgw = start(true);
                try {
                    rgw.createUser(DEFAULT_UID, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
                } catch (RuntimeException e) {
                    rgw.close();
                    throw e;
                }
                shared = rgw;
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
        return shared;
    }

    /** Starts a cluster of its own; the caller closes it. Prefer {@link #shared()}. */
    public static CephRgw start() {
        return start(false);
    }

    /**
     * Like {@link #start()}, with a second, TLS listener when {@code https} (a self-signed certificate for
     * 127.0.0.1 made with Debian's {@code openssl}; clients of {@link #httpsEndpointUri()} must trust it or all).
     */
    public static CephRgw start(boolean https) {
        List<String> missing = PROGRAMS.stream().filter(p -> LocalProcesses.onPath(p).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Ceph RADOS Gateway cannot start: " + missing + " not on the PATH. Install "
                    + "with 'apt-get update && apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd' "
                    + "(what .ci/run does)");
        }
        Path directory;
        try {
            directory = Files.createTempDirectory("testbed-ceph");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the Ceph directory", e);
        }
        CephRgw rgw = new CephRgw(directory, LocalPorts.free(), https ? LocalPorts.free() : 0);
        Runtime.getRuntime().addShutdownHook(rgw.stopOnExit);
        try {
            rgw.boot(LocalPorts.free());
            return rgw;
        } catch (RuntimeException | AssertionError e) {
            rgw.close();
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("Ceph RADOS Gateway did not start: " + e.getMessage(), e);
        }
    }

    private void boot(int monPort) {
        String fsid = UUID.randomUUID().toString();
        for (String sub : List.of("run", "log", "crash", "mon/ceph-a")) {
            mkdirs(directory.resolve(sub));
        }
        if (httpsPort != 0) {
            // beast reads PEM files; the key is unencrypted, it only guards a loopback test gateway
            ceph("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", directory.resolve("rgw.key").toString(),
                    "-out", directory.resolve("rgw.crt").toString());
        }
        writeConf(fsid, monPort);
        Path monmap = directory.resolve("monmap");
        ceph("monmaptool", "--create", "--fsid", fsid, "--addv", "a", "[v2:127.0.0.1:" + monPort + "]",
                monmap.toString());
        ceph("ceph-mon", "-c", conf.toString(), "--mkfs", "-i", "a", "--monmap", monmap.toString());
        ceph("ceph-mon", "-c", conf.toString(), "-i", "a");
        started.add("mon.a");

        String osdUuid = UUID.randomUUID().toString();
        osdId = ceph("ceph", "-c", conf.toString(), "--connect-timeout", "30", "osd", "new", osdUuid).trim();
        if (!osdId.matches("\\d+")) {
            throw new IllegalStateException("'ceph osd new' printed no OSD id: " + osdId);
        }
        mkdirs(directory.resolve("osd/ceph-" + osdId));
        ceph("ceph-osd", "-c", conf.toString(), "-i", osdId, "--mkfs", "--osd-uuid", osdUuid);
        ceph("ceph-osd", "-c", conf.toString(), "-i", osdId);
        started.add("osd." + osdId);
        awaitDaemon("the OSD to be up", () -> ceph("ceph", "-c", conf.toString(), "--connect-timeout", "10",
                "osd", "stat").contains("1 up"), "osd." + osdId);

        ceph("radosgw", "-c", conf.toString(), "-n", RGW_NAME);
        started.add(RGW_NAME);
        awaitDaemon("the gateway to answer HTTP on port " + rgwPort, () -> LocalPorts.accepting(rgwPort), RGW_NAME);
        if (httpsPort != 0) {
            awaitDaemon("the gateway to answer HTTPS on port " + httpsPort, () -> LocalPorts.accepting(httpsPort),
                    RGW_NAME);
        }
    }

    private void awaitDaemon(String what, java.util.concurrent.Callable<Boolean> condition, String daemon) {
        try {
            Await.until(DAEMON_TIMEOUT, what, condition);
        } catch (AssertionError e) {
            throw new IllegalStateException(e.getMessage() + "\n--- end of " + daemon + ".log ---\n"
                    + LocalProcesses.tail(directory.resolve("log/" + daemon + ".log")), e);
        }
    }

    private void writeConf(String fsid, int monPort) {
        String d = directory.toString();
        String text = String.join("\n",
                "[global]",
                "fsid = " + fsid,
                "mon host = v2:127.0.0.1:" + monPort,
                "mon initial members = a",
                "public addr = 127.0.0.1",
                "auth cluster required = none",
                "auth service required = none",
                "auth client required = none",
                // without it radosgw hangs at start (get_initial_auth_request returned -13)
                "ms mon client mode = crc",
                "ms bind ipv6 = false",
                "osd pool default size = 1",
                "osd pool default min size = 1",
                "mon allow pool size one = true",
                "osd pool default pg num = 8",
                "osd pool default pgp num = 8",
                "osd pool default pg autoscale mode = off",
                "mon max pg per osd = 1000",
                "osd crush chooseleaf type = 0",
                "run dir = " + d + "/run",
                "admin socket = " + d + "/run/$name.asok",
                "pid file = " + d + "/run/$name.pid",
                "log file = " + d + "/log/$name.log",
                "crash dir = " + d + "/crash",
                "",
                "[mon]",
                "mon data = " + d + "/mon/$cluster-$id",
                "",
                "[osd]",
                "osd data = " + d + "/osd/$cluster-$id",
                "osd objectstore = bluestore",
                "bluestore block create = true",
                // sparse: takes no real space until written; do not set 'bluestore block path' (mkfs then fails).
                // 40G: a large-object benchmark of 3 rounds writes ~11 GiB (10G filled the OSD in round 3)
                "bluestore block size = 40G",
                "bluestore cache autotune = false",
                "bluestore cache size = 256M",
                "osd memory target = 896M",
                "",
                "[" + RGW_NAME + "]",
                "rgw frontends = beast endpoint=127.0.0.1:" + rgwPort + (httpsPort == 0 ? ""
                        : " ssl_endpoint=127.0.0.1:" + httpsPort + " ssl_certificate=" + d + "/rgw.crt"
                        + " ssl_private_key=" + d + "/rgw.key"),
                "rgw init timeout = 120",
                // a lifecycle "day" lasts 10 s, so lifecycle rules can be tested
                "rgw lc debug interval = 10",
                "");
        try {
            Files.writeString(conf, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + conf, e);
        }
    }

    /** Creates an S3 user with the given keys and returns the endpoint signed with them. */
    public S3Endpoint createUser(String uid, String accessKey, String secretKey) {
        ceph("radosgw-admin", "-c", conf.toString(), "user", "create", "--uid=" + uid, "--display-name=" + uid,
                "--access-key=" + accessKey, "--secret-key=" + secretKey);
        return new S3Endpoint(endpointUri(), REGION, accessKey, secretKey);
    }

    /** The endpoint signed with the default user's keys (created by {@link #shared()}). */
    public S3Endpoint endpoint() {
        return new S3Endpoint(endpointUri(), REGION, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    }

    public URI endpointUri() {
        return URI.create("http://127.0.0.1:" + rgwPort);
    }

    /** The TLS listener signed with the default user's keys (created by {@link #shared()}). */
    public S3Endpoint httpsEndpoint() {
        return new S3Endpoint(httpsEndpointUri(), REGION, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    }

    /** The TLS listener of a gateway started with {@code start(true)}. */
    public URI httpsEndpointUri() {
        requireTls();
        return URI.create("https://127.0.0.1:" + httpsPort);
    }

    /** The TLS listener's self-signed certificate (PEM, subject alternative name IP 127.0.0.1), for a trust store. */
    public Path certificate() {
        requireTls();
        return directory.resolve("rgw.crt");
    }

    private void requireTls() {
        if (httpsPort == 0) {
            throw new IllegalStateException("this gateway was started without a TLS listener: use CephRgw.start(true)");
        }
    }

    /** The ceph.conf of this cluster, for running {@code ceph}/{@code radosgw-admin} by hand in a test. */
    public Path configFile() {
        return conf;
    }

    /** Stops the gateway, the OSD and the monitor (SIGTERM by pid file, in that order) and deletes all state. */
    @Override
    public synchronized void close() {
        if (Thread.currentThread() != stopOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway; closing twice is harmless
            }
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            stopDaemon(started.get(i));
        }
        started.clear();
        LocalProcesses.deleteTree(directory);
    }

    private void stopDaemon(String name) {
        Optional<ProcessHandle> process = pid(name).flatMap(ProcessHandle::of);
        if (process.isEmpty()) {
            return;
        }
        ProcessHandle handle = process.get();
        handle.destroy();
        try {
            handle.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
    }

    private Optional<Long> pid(String name) {
        Path file = directory.resolve("run/" + name + ".pid");
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            Matcher m = Pattern.compile("\\d+").matcher(Files.readString(file));
            return m.find() ? Optional.of(Long.parseLong(m.group())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String ceph(String... command) {
        return LocalProcesses.run(COMMAND_TIMEOUT, List.of(command));
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "CephRgw[" + endpointUri() + ", dir=" + directory + "]";
    }
}
