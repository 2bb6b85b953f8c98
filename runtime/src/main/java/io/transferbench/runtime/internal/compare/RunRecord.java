package io.transferbench.runtime.internal.compare;

import io.transferbench.api.event.CoefficientChosenEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent;
import io.transferbench.api.event.PatchDiagnosticsEvent;
import io.transferbench.api.event.SelectionMeasuredEvent;
import java.util.Optional;

import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.FiltersTransferredEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.event.PruningStepCompletedEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.api.event.TransferPointReachedEvent;
import io.transferbench.runtime.internal.events.EventLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one run folder says about each of its finished stages, recounted from {@code events.jsonl} alone
 * (a stage still running, interrupted or failed is left out, its numbers not being final): each
 * network's final error rate in the stage, the transfers it received, the stage's wall time and its
 * resolved settings (from its {@code StageStarted} event).
 */
public record RunRecord(Path folder, String pipeline, int trial, List<StageRecord> stages) {

    /** One stage of one run. */
    public record StageRecord(String name, String type, double seconds, Map<String, NetworkRecord> networks,
                              Map<String, Object> settings, Map<String, CompressionRecord> compression,
                              List<SearchRecord> searches, Optional<PatchDiagnosticsEvent> diagnostics,
                              List<SelectionMeasuredEvent> selections) {
        /** A stage that is neither a patch nor a select-model stage. */
        public StageRecord(String name, String type, double seconds, Map<String, NetworkRecord> networks,
                           Map<String, Object> settings, Map<String, CompressionRecord> compression) {
            this(name, type, seconds, networks, settings, compression, List.of(), Optional.empty(), List.of());
        }
    }

    /**
     * What one coefficient search of a patch stage chose, and the test split there.
     *
     * @param objective          measured on the validation split, where it chose
     * @param testObjective      the stage's objective on the test split at the chosen coefficient
     * @param supportedAccuracy  mean test accuracy of the supported tasks there
     * @param patchAccuracy      test accuracy of the patch task there
     */
    public record SearchRecord(String search, String searchId, double coefficient, double objective, int evaluations,
                               double testObjective, double supportedAccuracy, double patchAccuracy) {
    }

    /**
     * What a compression stage did to one network, from its {@code PruningStepCompleted} events.
     *
     * @param accuracyBefore evaluation accuracy before the first removal
     * @param accuracyPruned evaluation accuracy right after the last removal, before retraining
     * @param accuracyFinal  after the stage's retraining (its last evaluation), or {@code accuracyPruned}
     */
    public record CompressionRecord(long parametersBefore, long parametersAfter, long flopsBefore, long flopsAfter,
                                    double accuracyBefore, double accuracyPruned, double accuracyFinal) {
        public double compressionRate() {
            return 1 - (double) parametersAfter / parametersBefore;
        }

        public double flopsReduction() {
            return 1 - (double) flopsAfter / flopsBefore;
        }
    }

    /**
     * One network in one stage.
     *
     * @param errorRate final error rate in percent (its last evaluation in the stage)
     * @param transfers transfer points it reached as a receiver
     * @param filtersReceived filters it received over all transfers and layers
     * @param accuracyCurve   evaluation accuracy after each epoch of the stage, in order
     */
    public record NetworkRecord(String network, double errorRate, int epochs, int transfers, long filtersReceived,
                                List<Double> accuracyCurve) {
    }

    /** Whether {@code folder} looks like a run folder. */
    public static boolean isRunFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(EventLog.FILE));
    }

    public static RunRecord read(Path folder) throws IOException {
        String pipeline = folder.getFileName().toString();
        int trial = 1;
        Map<String, StageStartedEvent> started = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Map<String, double[]>> last = new LinkedHashMap<>(); // stage -> network -> {error, epoch}
        Map<String, Map<String, int[]>> transfers = new LinkedHashMap<>();
        Map<String, Map<String, long[]>> filters = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> curves = new LinkedHashMap<>();
        Map<String, Map<String, double[]>> pruning = new LinkedHashMap<>(); // stage -> network -> first/last values
        Map<String, List<CoefficientChosenEvent>> chosen = new LinkedHashMap<>();
        Map<String, Map<Double, CoefficientEvaluatedEvent>> tested = new LinkedHashMap<>();
        Map<String, PatchDiagnosticsEvent> diagnostics = new LinkedHashMap<>();
        Map<String, List<SelectionMeasuredEvent>> selections = new LinkedHashMap<>();
        Set<String> succeeded = new LinkedHashSet<>();
        for (LifecycleEvent event : EventLog.events(folder.resolve(EventLog.FILE))) {
            if (event instanceof RunStartedEvent e) {
                // a sweep's combinations are configurations of their own
                pipeline = e.configuration().isEmpty() ? e.pipeline() : e.pipeline() + " [" + e.configuration() + "]";
                trial = e.trial();
            } else if (event instanceof StageStartedEvent e) {
                started.putIfAbsent(e.stage(), e);
            } else if (event instanceof StageFinishedEvent e) {
                seconds.merge(e.stage(), e.seconds(), Double::sum);
                if (e.succeeded()) {
                    succeeded.add(e.stage());
                }
            } else if (event instanceof EpochEndedEvent e) {
                last.computeIfAbsent(e.stage(), k -> new LinkedHashMap<>()).put(e.network(),
                        new double[] {e.errorRate(), e.epoch()});
                curves.computeIfAbsent(e.stage(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(e.network(), k -> new ArrayList<>()).add(e.accuracy());
            } else if (event instanceof NetworkEvaluatedEvent e) {
                Map<String, double[]> m = last.computeIfAbsent(e.stage(), k -> new LinkedHashMap<>());
                double[] previous = m.get(e.network());
                m.put(e.network(), new double[] {e.errorRate(), previous == null ? 0 : previous[1]});
            } else if (event instanceof TransferPointReachedEvent e) {
                transfers.computeIfAbsent(e.stage(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(e.receiver(), k -> new int[1])[0]++;
            } else if (event instanceof FiltersTransferredEvent e) {
                filters.computeIfAbsent(e.stage(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(e.receiver(), k -> new long[1])[0] += e.receiverFilters().size();
            } else if (event instanceof CoefficientChosenEvent e) {
                chosen.computeIfAbsent(e.stage(), k -> new ArrayList<>()).add(e);
            } else if (event instanceof CoefficientEvaluatedEvent e && e.split().equals("test")) {
                tested.computeIfAbsent(e.stage(), k -> new LinkedHashMap<>()).put(e.coefficient(), e);
            } else if (event instanceof SelectionMeasuredEvent e) {
                selections.computeIfAbsent(e.stage(), k -> new ArrayList<>()).add(e);
            } else if (event instanceof PatchDiagnosticsEvent e) {
                diagnostics.put(e.stage(), e);
            } else if (event instanceof PruningStepCompletedEvent e) {
                double[] p = pruning.computeIfAbsent(e.stage(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(e.network(), k -> new double[] {e.parametersBefore(), 0, e.flopsBefore(), 0,
                                e.accuracyBefore(), 0});
                p[1] = e.parametersAfter();
                p[3] = e.flopsAfter();
                p[5] = e.accuracyAfter();
            }
        }
        List<StageRecord> stages = new ArrayList<>();
        for (StageStartedEvent s : started.values()) {
            String stage = s.stage();
            if (!succeeded.contains(stage)) {
                continue; // still running, interrupted or failed: its numbers are not final
            }
            Map<String, NetworkRecord> networks = new LinkedHashMap<>();
            last.getOrDefault(stage, Map.of()).forEach((network, v) -> networks.put(network, new NetworkRecord(network,
                    v[0], (int) v[1], transfers.getOrDefault(stage, Map.of()).getOrDefault(network, new int[1])[0],
                    filters.getOrDefault(stage, Map.of()).getOrDefault(network, new long[1])[0],
                    List.copyOf(curves.getOrDefault(stage, Map.of()).getOrDefault(network, List.of())))));
            Map<String, CompressionRecord> compression = new LinkedHashMap<>();
            pruning.getOrDefault(stage, Map.of()).forEach((network, p) -> {
                NetworkRecord trained = networks.get(network);
                compression.put(network, new CompressionRecord((long) p[0], (long) p[1], (long) p[2], (long) p[3], p[4], p[5],
                        trained == null ? p[5] : 1 - trained.errorRate() / 100));
            });
            List<SearchRecord> searches = new ArrayList<>();
            for (CoefficientChosenEvent c : chosen.getOrDefault(stage, List.of())) {
                CoefficientEvaluatedEvent t = tested.getOrDefault(stage, Map.of()).get(c.coefficient());
                if (t == null) {
                    continue;
                }
                searches.add(new SearchRecord(c.search(), c.searchId(), c.coefficient(), c.objective(), c.evaluations(),
                        t.objective(), t.tasks().stream().filter(x -> x.role().equals("supported"))
                        .mapToDouble(CoefficientEvaluatedEvent.TaskScore::accuracy).average().orElse(Double.NaN),
                        t.tasks().stream().filter(x -> x.role().equals("patch"))
                                .mapToDouble(CoefficientEvaluatedEvent.TaskScore::accuracy).average().orElse(Double.NaN)));
            }
            stages.add(new StageRecord(stage, s.stageType(), seconds.getOrDefault(stage, 0.0), networks,
                    s.settings(), compression, searches, Optional.ofNullable(diagnostics.get(stage)),
                    List.copyOf(selections.getOrDefault(stage, List.of()))));
        }
        return new RunRecord(folder, pipeline, trial, stages);
    }
}
