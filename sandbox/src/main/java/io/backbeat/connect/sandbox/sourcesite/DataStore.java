package io.backbeat.connect.sandbox.sourcesite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Object data on disk, one file per stored piece, named by an increasing integer: the {@code key} CloudServer's
 * in-memory data backend ("mem") puts into {@code location[]} entries. Pieces are immutable once stored.
 */
final class DataStore {

    /** A stored piece: its data key, size and MD5 (hex). */
    record Stored(long key, long size, String md5Hex) {
    }

    private final Path dir;
    private final AtomicLong lastKey;

    DataStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            long max = 0;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String name = p.getFileName().toString();
                    if (name.matches("[0-9]+")) {
                        max = Math.max(max, Long.parseLong(name));
                    }
                }
            }
            this.lastKey = new AtomicLong(max);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use data directory " + dir, e);
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * Stores the stream; on any read failure (including a payload check failing at end of stream) nothing
     * is kept and the exception propagates.
     */
    Stored write(InputStream data) throws IOException {
        long key = lastKey.incrementAndGet();
        Path tmp = dir.resolve(key + ".part");
        MessageDigest md5 = md5();
        long size;
        try (InputStream in = new DigestInputStream(data, md5); OutputStream out = Files.newOutputStream(tmp)) {
            size = in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, dir.resolve(Long.toString(key)), StandardCopyOption.ATOMIC_MOVE);
        return new Stored(key, size, HexFormat.of().formatHex(md5.digest()));
    }

    /** Copies an existing piece to a new key (copy-object gets its own data, as CloudServer's data copy). */
    Stored copy(long sourceKey) throws IOException {
        try (InputStream in = Files.newInputStream(path(sourceKey))) {
            return write(in);
        }
    }

    /** Opens {@code length} bytes of a piece from {@code offset}. */
    InputStream open(long key, long offset, long length) throws IOException {
        InputStream in = Files.newInputStream(path(key));
        in.skipNBytes(offset);
        return new java.io.FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int c = super.read();
                if (c >= 0) {
                    left--;
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    void delete(long key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete data piece " + key, e);
        }
    }

    private Path path(long key) throws IOException {
        Path p = dir.resolve(Long.toString(key));
        if (!Files.exists(p)) {
            throw new java.io.FileNotFoundException("data piece " + key + " is missing from " + dir);
        }
        return p;
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
