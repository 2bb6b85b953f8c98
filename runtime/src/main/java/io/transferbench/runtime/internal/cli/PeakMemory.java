package io.transferbench.runtime.internal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The process's peak resident memory (Linux's VmHWM), which counts ND4J's off-heap arrays and the
 * native libraries as well as the Java heap: what a researcher sizes a machine by.
 */
final class PeakMemory {

    private PeakMemory() {
    }

    /** Peak resident set in MiB, or -1 where /proc is not there to say. */
    static double peakMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static void print(PrintWriter out) {
        double mib = peakMiB();
        if (mib >= 0) {
            out.printf(Locale.ROOT, "peak_rss_mib=%.0f%n", mib);
        }
    }
}
