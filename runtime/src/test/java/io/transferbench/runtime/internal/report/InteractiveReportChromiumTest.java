package io.transferbench.runtime.internal.report;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * report.html in a real browser: Debian's headless Chromium loads the page from disk with the network off, runs
 * its inlined scripts, and the DOM it ends with holds a drawn uPlot chart (a canvas and a legend with every
 * series) for each interactive chart. .ci/run installs Chromium; without it (a developer's machine) the test is
 * skipped, and docs/report.md gives the same check by hand.
 */
class InteractiveReportChromiumTest {

    @TempDir
    Path dir;

    static Path chromium() {
        for (String name : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(name))) {
                return Path.of(name);
            }
        }
        return null;
    }

    @Test
    void chartsRenderInHeadlessChromiumWithNothingFetched() throws Exception {
        Path browser = chromium();
        Assumptions.assumeTrue(browser != null, "Chromium is not installed");
        Path run = RunReportTest.recordedRun(dir);
        RunReportTest.report(run);
        Path page = run.resolve("report.html");
        String dom = dom(browser, page.toUri().toString(), dir);
        Matcher rendered = Pattern.compile("<div class=\"tb-chart\"[^>]*data-rendered=\"true\"").matcher(dom);
        int charts = 0;
        while (rendered.find()) {
            charts++;
        }
        assertEquals(6, charts, "every interactive chart drawn: " + excerpt(dom));
        assertTrue(Pattern.compile("<canvas").matcher(dom).results().count() >= 6, "a canvas per chart");
        assertTrue(dom.contains("class=\"u-legend") && dom.contains("transfer points"),
                "legends list the series, transfer points included");
    }

    /** The DOM headless Chromium ends with after running the page's scripts, the network at a dead proxy. */
    static String dom(Path browser, String url, Path dir) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("profile"));
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--proxy-server=127.0.0.1:9", // loopback stays direct: Chromium bypasses it
                "--virtual-time-budget=3000", "--dump-dom", url) // under the ui pages' 5 s refresh
                .redirectError(dir.resolve("chromium.log").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "Chromium did not finish");
        return dom;
    }

    static String excerpt(String dom) throws IOException {
        return dom.length() > 2000 ? dom.substring(0, 2000) : dom;
    }
}
