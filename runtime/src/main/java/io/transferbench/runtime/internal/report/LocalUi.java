package io.transferbench.runtime.internal.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.transferbench.runtime.internal.compare.RunListing;
import io.transferbench.runtime.internal.compare.RunRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * {@code transferbench ui}: a folder of runs as a local web page, on the loopback interface only. {@code /} lists
 * every run folder under the root (status, pipeline, trial, results, duration) and refreshes itself every few
 * seconds; {@code /run/<folder>} is that run's report, built from its files on each request (nothing is written
 * into the run folder), refreshing too while the run has not finished. Folders outside the root are refused.
 */
public final class LocalUi implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(LocalUi.class);
    static final int REFRESH_SECONDS = 5;

    private final Path root;
    private final Map<String, RunReport.Section> sections;
    private final HttpServer server;

    /** Serves {@code root} on 127.0.0.1 at {@code port} (0: any free port). */
    public LocalUi(Path root, Map<String, RunReport.Section> sections, int port) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.sections = sections;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "transferbench-ui");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Where it serves, e.g. {@code http://127.0.0.1:8765/}. */
    public String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "text/plain", "only GET");
            } else if (path.equals("/")) {
                send(exchange, 200, "text/html", runsPage());
            } else if (path.startsWith("/run/")) {
                Path folder = root.resolve(URLDecoder.decode(path.substring(5), StandardCharsets.UTF_8)).normalize();
                if (!folder.startsWith(root) || !RunRecord.isRunFolder(folder)) {
                    send(exchange, 404, "text/plain", "no run folder " + path.substring(5) + " under " + root);
                    return;
                }
                send(exchange, 200, "text/html", report(folder));
            } else {
                send(exchange, 404, "text/plain", "not found: " + path);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("ui request {} failed", exchange.getRequestURI(), e);
            try {
                send(exchange, 500, "text/plain", "cannot show this: " + e.getMessage());
            } catch (IOException ignored) {
                // the client went away
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String report(Path folder) throws IOException {
        String html = RunReport.html(folder, sections);
        boolean running = RunListing.under(folder).stream().anyMatch(r -> r.status() == RunListing.Status.UNFINISHED);
        String back = "<p><a href=\"/\">all runs</a>" + (running ? " · the run has not finished: this page refreshes "
                + "every " + REFRESH_SECONDS + " s" : "") + "</p>\n";
        String head = running ? "<meta http-equiv=\"refresh\" content=\"" + REFRESH_SECONDS + "\">" : "";
        return html.replaceFirst("<head>", "<head>" + head).replaceFirst("<body>\\n", "<body>\n" + back);
    }

    String runsPage() throws IOException {
        List<RunListing.Run> runs = RunListing.under(root);
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"" + REFRESH_SECONDS + "\"><title>Transferbench runs</title>"
                + "<style>").append(Html.STYLE).append("</style></head><body>\n<h1>Runs under ")
                .append(Html.escape(root.toString())).append("</h1>\n<p class=\"muted\">Refreshes every ")
                .append(REFRESH_SECONDS).append(" s. ").append(runs.size()).append(" run folder(s).</p>\n");
        if (runs.isEmpty()) {
            return b.append("<p>No run folders yet.</p></body></html>\n").toString();
        }
        b.append("<table id=\"runs\"><tr><th>status</th><th>run</th><th>pipeline</th><th>trial</th><th>results "
                + "(last accuracy)</th><th>time s</th><th></th></tr>\n");
        for (RunListing.Run r : runs) {
            String relative = root.relativize(r.folder().toAbsolutePath().normalize()).toString().replace('\\', '/');
            String link = "/run/" + URLEncoder.encode(relative, StandardCharsets.UTF_8).replace("%2F", "/")
                    .replace("+", "%20");
            StringBuilder results = new StringBuilder();
            r.accuracy().forEach((network, a) -> results.append(Html.escape(network))
                    .append(String.format(Locale.ROOT, " %.4f<br>", a)));
            b.append("<tr class=\"run\"><td>").append(r.status().name().toLowerCase(Locale.ROOT)).append("</td><td>");
            if (r.status() == RunListing.Status.DAMAGED) {
                b.append(Html.escape(relative));
            } else {
                b.append("<a href=\"").append(link).append("\">").append(Html.escape(relative)).append("</a>");
            }
            b.append("</td><td>").append(Html.escape(r.pipeline())).append(r.configuration().isEmpty() ? ""
                            : " [" + Html.escape(r.configuration()) + "]").append("</td><td class=\"n\">")
                    .append(r.trial()).append("</td><td>").append(results).append("</td><td class=\"n\">")
                    .append(String.format(Locale.ROOT, "%.0f", r.seconds())).append("</td><td>")
                    .append(Html.escape(r.why())).append(r.resumable() && r.status() != RunListing.Status.FINISHED
                            ? " resumable" : "").append("</td></tr>\n");
        }
        return b.append("</table>\n</body></html>\n").toString();
    }
}
