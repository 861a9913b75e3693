package io.backbeat.connect.sandbox.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;

/**
 * Keeps every log line of this JVM (message, arguments formatted, and stack traces) so that a test can look for
 * secrets in them. Connect's and our loggers are raised to INFO (where config dumps are written) and routed to
 * this appender only, so the console stays quiet.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> {

    private static final List<String> LOUD = List.of("org.apache.kafka.connect", "org.apache.kafka.common.config",
            "io.backbeat.connect");

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    static LogCapture attach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture capture = new LogCapture();
        capture.setContext(context);
        capture.setName("secret-scan");
        capture.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        for (String name : LOUD) {
            Logger logger = context.getLogger(name);
            logger.setLevel(Level.INFO);
            logger.setAdditive(false);
            logger.addAppender(capture);
        }
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(event.getLevel().toString()).append(' ')
                .append(java.time.Instant.ofEpochMilli(event.getTimeStamp())).append(" [").append(event.getThreadName())
                .append("] ").append(event.getLoggerName())
                .append(" - ").append(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        lines.add(line.toString());
    }

    int size() {
        return lines.size();
    }

    /** Lines that contain the text. */
    List<String> containing(String text) {
        List<String> hits = new ArrayList<>();
        for (String line : lines) {
            if (line.contains(text)) {
                hits.add(line.length() > 400 ? line.substring(0, 400) + "..." : line);
            }
        }
        return hits;
    }

    /** The last lines at WARN or above that contain the text (shown when a scenario fails). */
    List<String> warnings(String containing, int max) {
        List<String> all = lines.stream().filter(l -> (l.startsWith("WARN") || l.startsWith("ERROR"))
                && l.contains(containing)).map(l -> l.length() > 800 ? l.substring(0, 800) + "..." : l).toList();
        return all.subList(Math.max(0, all.size() - max), all.size());
    }

    /** Writes every line kept so far to {@code file}: what a failed or surprising run is read from. */
    void writeTo(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    void detach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        for (String name : LOUD) {
            Logger logger = context.getLogger(name);
            logger.detachAppender(this);
            logger.setAdditive(true);
            logger.setLevel(null);
        }
        stop();
    }
}
