package io.backbeat.connect.sink.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** What reaches the wrapped socket: the same bytes, in writes as large as the buffer, flushed on demand. */
class CoalescingSocketTest {

    private static final int BUFFER = 64 * 1024;

    /** A connected socket as far as the wrapper can tell, recording the size of every write it is given. */
    private static final class RecordingSocket extends java.net.Socket {
        final List<Integer> writes = new ArrayList<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int flushes;
        boolean inputShutdown;

        @Override
        public OutputStream getOutputStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    writes.add(len);
                    received.write(b, off, len);
                }

                @Override
                public void flush() {
                    flushes++;
                }
            };
        }

        @Override
        public boolean isInputShutdown() {
            return inputShutdown;
        }
    }

    @Test
    void aBodyWrittenEightKibibytesAtATimeReachesTheSocketInWritesOfTheBufferSize() throws IOException {
        RecordingSocket socket = new RecordingSocket();
        byte[] body = new byte[1024 * 1024 + 100];
        new Random(7).nextBytes(body);
        OutputStream out = new CoalescingSocket(socket, BUFFER).getOutputStream();
        for (int off = 0; off < body.length; off += 8192) {
            out.write(body, off, Math.min(8192, body.length - off)); // HttpClient's session buffer size
        }
        out.flush();

        assertArrayEquals(body, socket.received.toByteArray());
        assertEquals(17, socket.writes.size(), String.valueOf(socket.writes));
        assertTrue(socket.writes.subList(0, 16).stream().allMatch(n -> n == BUFFER), String.valueOf(socket.writes));
        assertEquals(100, socket.writes.get(16), "the flush sends the rest");
        assertEquals(1, socket.flushes);
    }

    @Test
    void aFlushSendsWhatIsBufferedAtOnce() throws IOException {
        RecordingSocket socket = new RecordingSocket();
        OutputStream out = new CoalescingSocket(socket, BUFFER).getOutputStream();
        out.write("PUT /bucket/key HTTP/1.1\r\nExpect: 100-continue\r\n\r\n".getBytes());
        assertEquals(List.of(), socket.writes, "headers wait in the buffer until HttpClient flushes them");
        out.flush();
        assertEquals(1, socket.writes.size());
        assertEquals(1, socket.flushes);
    }

    @Test
    void writingAfterTheServerClosedItsSideFailsAtOnce() throws IOException {
        RecordingSocket socket = new RecordingSocket();
        CoalescingSocket coalescing = new CoalescingSocket(socket, BUFFER);
        OutputStream out = coalescing.getOutputStream();
        socket.inputShutdown = true;
        out.write(new byte[10]);
        IOException e = assertThrows(IOException.class, out::flush);
        assertEquals("the server closed the connection", e.getMessage());
        assertEquals(List.of(), socket.writes);
        assertTrue(coalescing.isInputShutdown());
    }

    @Test
    void theOutputStreamIsOnePerSocket() throws IOException {
        CoalescingSocket coalescing = new CoalescingSocket(new RecordingSocket(), BUFFER);
        assertTrue(coalescing.getOutputStream() == coalescing.getOutputStream());
    }
}
