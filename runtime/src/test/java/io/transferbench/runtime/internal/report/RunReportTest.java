package io.transferbench.runtime.internal.report;

import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.html rendered from a recorded run folder: the charts and tables it must hold, nothing fetched. */
class RunReportTest {

    @TempDir
    Path dir;

    private static String epoch(String stage, String network, int epoch, double accuracy) {
        return "{\"type\":\"EpochEnded\",\"stage\":\"" + stage + "\",\"network\":\"" + network + "\",\"epoch\":" + epoch
                + ",\"totalEpochs\":4,\"trainLoss\":" + (1.5 - 0.2 * epoch) + ",\"accuracy\":" + accuracy
                + ",\"errorRate\":" + (100 * (1 - accuracy)) + ",\"evalLoss\":" + (1.4 - 0.2 * epoch) + ",\"seconds\":2}";
    }

    /** A run with an online-transfer stage (two networks, a rule-adjusted schedule) and a prune stage. */
    private Path recordedRun() throws IOException {
        Path run = Files.createDirectories(dir.resolve("20261124-010000-demo"));
        List<String> e = new ArrayList<>();
        e.add("{\"type\":\"RunStarted\",\"runId\":\"20261124-010000-demo\",\"pipeline\":\"demo\",\"seed\":7,\"trial\":1}");
        e.add("{\"type\":\"StageStarted\",\"stage\":\"transfer\",\"stageType\":\"online-transfer\",\"index\":0}");
        for (int epoch = 1; epoch <= 4; epoch++) {
            e.add(epoch("transfer", "a", epoch, 0.5 + 0.1 * epoch));
            e.add(epoch("transfer", "b", epoch, 0.4 + 0.1 * epoch));
            if (epoch % 2 == 0) {
                e.add("{\"type\":\"TransferPointReached\",\"stage\":\"transfer\",\"receiver\":\"a\",\"sender\":\"b\",\"epoch\":"
                        + epoch + ",\"transferNumber\":" + epoch / 2 + ",\"errorRate\":30}");
                e.add("{\"type\":\"FiltersTransferred\",\"stage\":\"transfer\",\"receiver\":\"a\",\"sender\":\"b\",\"epoch\":"
                        + epoch + ",\"layer\":\"conv1\",\"senderFilters\":[1,2],\"receiverFilters\":[3,4]}");
                e.add("{\"type\":\"FiltersTransferred\",\"stage\":\"transfer\",\"receiver\":\"a\",\"sender\":\"b\",\"epoch\":"
                        + epoch + ",\"layer\":\"conv2\",\"senderFilters\":[1,2,5,6],\"receiverFilters\":[3,4,7,8]}");
            }
        }
        e.add("{\"type\":\"ScheduleAdjusted\",\"stage\":\"transfer\",\"network\":\"a\",\"epoch\":4,\"parameter\":\"FREQUENCY\","
                + "\"rule\":\"rule-1\",\"oldValue\":2,\"rawValue\":3,\"newValue\":3,\"errorRateDiff\":1.5}");
        e.add("{\"type\":\"StageFinished\",\"stage\":\"transfer\",\"stageType\":\"online-transfer\",\"index\":0,\"seconds\":9}");
        e.add("{\"type\":\"StageStarted\",\"stage\":\"hrank\",\"stageType\":\"prune\",\"index\":1}");
        e.add("{\"type\":\"PruningStepCompleted\",\"stage\":\"hrank\",\"network\":\"p\",\"step\":1,\"layer\":\"conv1\","
                + "\"filtersBefore\":16,\"removedFilters\":[0,1,2,3,4,5,6,7],\"parametersBefore\":105866,\"parametersAfter\":90000,"
                + "\"flopsBefore\":1117056,\"flopsAfter\":700000,\"accuracyBefore\":0.9,\"accuracyAfter\":0.8}");
        e.add("{\"type\":\"PruningStepCompleted\",\"stage\":\"hrank\",\"network\":\"p\",\"step\":1,\"layer\":\"conv2\","
                + "\"filtersBefore\":32,\"removedFilters\":[0,1,2,3],\"parametersBefore\":90000,\"parametersAfter\":80000,"
                + "\"flopsBefore\":700000,\"flopsAfter\":600000,\"accuracyBefore\":0.8,\"accuracyAfter\":0.75}");
        e.add("{\"type\":\"CompressionStepCompleted\",\"stage\":\"hrank\",\"network\":\"p\",\"step\":0,\"controller\":\"one-shot\","
                + "\"action\":\"REMOVE\",\"filters\":12,\"compressionRate\":0.2443,\"flopsReduction\":0.4629,\"accuracy\":0.76,"
                + "\"diagnostics\":{}}");
        e.add(epoch("hrank", "p", 1, 0.86));
        e.add("{\"type\":\"StageFinished\",\"stage\":\"hrank\",\"stageType\":\"prune\",\"index\":1,\"seconds\":5}");
        e.add("{\"type\":\"RunFinished\",\"runId\":\"20261124-010000-demo\",\"succeeded\":true,\"seconds\":15}");
        Files.write(run.resolve("events.jsonl"), e);
        Files.writeString(run.resolve("descriptor.yaml"), String.join("\n",
                "name: demo",
                "stages:",
                "- name: transfer",
                "  type: online-transfer",
                "  frequency: {initial: 2, rule: rule-1}",
                "  ratio: {initial: 10, rule: none}",
                "- {name: hrank, type: prune, from: base, network: p}",
                "# <script>alert(1)</script>",
                ""));
        Files.writeString(run.resolve("components.json"), "[{\"stage\":\"transfer\",\"key\":\"frequency.rule\","
                + "\"kind\":\"adjustment rule\",\"id\":\"rule-1\",\"version\":\"0.1.0-SNAPSHOT\",\"module\":\"io.transferbench.plugins.rules\","
                + "\"source\":\"transferbench-plugin-adjustment-rules-0.1.0-SNAPSHOT.jar\",\"parameters\":{}}]");
        return run;
    }

    @Test
    void theReportHoldsEveryChartAndTableAndStandsAlone() throws IOException {
        Path run = recordedRun();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("report", run.toString());
        assertEquals(0, code, err.toString());
        String html = Files.readString(run.resolve("report.html"));

        // one chart per view: transfer stage accuracy, loss, e, P, filters moved; prune accuracy, loss,
        // accuracy against compression rate, filters per layer
        Matcher images = Pattern.compile("<img alt=\"([^\"]*)\" width=\"\\d+\" height=\"\\d+\" src=\"data:image/png;base64,([^\"]+)\">")
                .matcher(html);
        List<String> alts = new ArrayList<>();
        Set<Integer> distinctPixels = new HashSet<>();
        while (images.find()) {
            alts.add(images.group(1));
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(images.group(2))));
            assertEquals(Charts.WIDTH, png.getWidth());
            assertEquals(Charts.HEIGHT, png.getHeight());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < png.getHeight(); y += 7) {
                for (int x = 0; x < png.getWidth(); x += 7) {
                    colours.add(png.getRGB(x, y));
                }
            }
            assertTrue(colours.size() > 5, images.group(1) + " is blank");
            distinctPixels.add(colours.size());
        }
        assertEquals(List.of("transfer evaluation accuracy per epoch", "transfer training and evaluation loss per epoch",
                "transfer e (epochs between transfers) over the epochs", "transfer P (% of filters) over the epochs",
                "transfer filters received per conv layer", "hrank evaluation accuracy per epoch",
                "hrank training and evaluation loss per epoch", "hrank accuracy against compression rate",
                "hrank filters per conv layer before and after"), alts);

        assertTrue(html.contains("Transfer points (receiving network: epochs): a: [2, 4]"), "transfer points listed");
        assertTrue(html.contains("105,866") && html.contains("80,000") && html.contains("24.43 %"),
                "parameters before/after and the rate");
        assertTrue(html.contains("<td>rule-1</td>") && html.contains("transferbench-plugin-adjustment-rules-0.1.0-SNAPSHOT.jar"),
                "components with their JARs");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the descriptor is escaped");
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(Pattern.compile("(src|href)=\"(https?:|//)").matcher(html).find(), "nothing fetched from elsewhere");
        assertTrue(html.contains("<td>a</td><td class=\"n\">4</td><td class=\"n\">0.9000</td>"), "final results: " + html.substring(0, 1500));
    }

    @Test
    void aFolderWithoutEventsIsBadInput() {
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute("report", dir.resolve("nothing").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("events.jsonl"), err.toString());
    }
}
