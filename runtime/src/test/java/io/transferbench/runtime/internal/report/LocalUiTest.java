package io.transferbench.runtime.internal.report;

import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code transferbench ui}: the runs table and each run's report over loopback HTTP, in a client and in Chromium. */
class LocalUiTest {

    @TempDir
    Path dir;

    private record Response(int statusCode, String body) {
    }

    private static Response request(String method, String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Response get(String url) throws Exception {
        return request("GET", url);
    }

    @Test
    void servesTheRunsAndTheirReportsAndNothingElse() throws Exception {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Path run = RunReportTest.recordedRun(runs);
        try (LocalUi ui = new LocalUi(runs, BuiltInStageTypes.all().reportSections(), 0)) {
            assertTrue(ui.address().startsWith("http://127.0.0.1:"), ui.address());
            Response index = get(ui.address());
            assertEquals(200, index.statusCode());
            assertTrue(index.body().contains("<a href=\"/run/20261124-010000-demo\">") && index.body().contains("demo")
                    && index.body().contains("http-equiv=\"refresh\""), index.body());
            Response report = get(ui.address() + "run/20261124-010000-demo");
            assertEquals(200, report.statusCode());
            assertTrue(report.body().contains("class=\"tb-chart\"") && report.body().contains("<a href=\"/\">all runs"),
                    "the report, with a way back");
            assertFalse(Files.exists(run.resolve("report.html")), "serving writes nothing into the run folder");
            for (String outside : List.of("run/..%2F..%2F", "run/nothing", "etc/passwd")) {
                assertEquals(404, get(ui.address() + outside).statusCode(), outside);
            }
            Response post = request("POST", ui.address());
            assertEquals(405, post.statusCode());

            Path browser = InteractiveReportChromiumTest.chromium();
            Assumptions.assumeTrue(browser != null, "Chromium is not installed");
            String table = InteractiveReportChromiumTest.dom(browser, ui.address(), dir);
            assertTrue(table.contains("<tr class=\"run\">"), InteractiveReportChromiumTest.excerpt(table));
            String page = InteractiveReportChromiumTest.dom(browser, ui.address() + "run/20261124-010000-demo", dir);
            assertEquals(6, page.split("data-rendered=\"true\"", -1).length - 1, "every chart drawn in the browser");
        }
    }
}
