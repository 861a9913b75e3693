package io.backbeat.connect.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.Consumer;

/**
 * Lets the JIT catch up before a timed phase. On a saturated 2-core box the compiler threads get little CPU, so
 * methods that became hot under load wait in the compile queue long after: whichever phase ran next would pay
 * for the backlog. With the box otherwise idle the queue drains in seconds.
 */
final class Jit {

    private static final long QUIET_NANOS = 2_000_000_000L;
    private static final long MAX_NANOS = 60_000_000_000L;

    private Jit() {
    }

    /** Waits until no compilation has finished for 2 s (at most 60 s), and says how long that took. */
    static void settle(String before, Consumer<String> say) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            say.accept("JIT: this JVM does not report compilation time; not waiting before " + before);
            return;
        }
        long t0 = System.nanoTime();
        long first = jit.getTotalCompilationTime();
        long last = first;
        long lastChange = t0;
        while (System.nanoTime() - lastChange < QUIET_NANOS && System.nanoTime() - t0 < MAX_NANOS) {
            Topics.sleep(250);
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        say.accept(String.format("JIT settled before %s in %.1f s (%d ms of compilation finished meanwhile)", before,
                (System.nanoTime() - t0) / 1e9, last - first));
    }
}
