package io.transferbench.runtime.internal.stages;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferbench.api.event.FiltersTransferredEvent;
import io.transferbench.api.event.ScheduleAdjustedEvent;
import io.transferbench.api.event.ScheduleInitializedEvent;
import io.transferbench.api.event.TransferPointReachedEvent;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.ScheduleParameter;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferRequest;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.Schema;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.descriptor.YamlNode;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.Dl4jNetworkView;
import io.transferbench.runtime.internal.engine.FilterSurgery;
import io.transferbench.runtime.internal.engine.Networks;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.Checkpoints;
import io.transferbench.runtime.internal.pipeline.StageComponent;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.report.Charts;
import io.transferbench.runtime.internal.report.Html;
import io.transferbench.runtime.internal.report.RunReport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.transferbench.runtime.internal.descriptor.Fields.component;
import static io.transferbench.runtime.internal.descriptor.Fields.integer;
import static io.transferbench.runtime.internal.descriptor.Fields.number;
import static io.transferbench.runtime.internal.descriptor.Fields.oneOf;
import static io.transferbench.runtime.internal.descriptor.Fields.optional;
import static io.transferbench.runtime.internal.descriptor.Fields.positive;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/**
 * {@code online-transfer} (SPEC.md section 1): networks of one architecture train side by side, an
 * epoch each in turn, each on its own task. After an epoch, every network at its transfer point
 * (in list order): is evaluated (the epoch's evaluation), has both networks' filters ranked by the
 * metric, receives the sender's filters layer by layer as the policy pairs them, then from its second
 * transfer on has e and P adjusted by the rules, and gets its next point. Senders are read as they
 * were at the end of the epoch, before any transfer of that epoch, so the order of receivers does not
 * matter. With {@code transfer: false} the networks just train: the paper's baseline.
 */
public final class OnlineTransferStage implements StageType<OnlineTransferStage.Settings> {

    /** Which network sends to a receiver when a stage has more than two. */
    public enum Sender { NEXT, BEST }

    /**
     * One schedule value's settings ({@code frequency} or {@code ratio}).
     *
     * @param max the upper bound; for the frequency, the stage's epochs when the descriptor gives none
     */
    public record ScheduleValue(double initial, StageComponent<AdjustmentRule> rule, TransferSchedule.Rounding rounding,
                                double min, double max) {
    }

    /** A network of the stage: its architecture and task. */
    public record NetworkSettings(String name, String model, double width, String task) {
    }

    public record Settings(List<NetworkSettings> networks, TrainingLoop.Training training, boolean transfer,
                           StageComponent<ImportanceMetric> importance, StageComponent<TransferPolicy> policy,
                           Sender sender, ScheduleValue frequency, ScheduleValue ratio) {
    }

    @Override
    public StageSchema schema() {
        List<String> wholeRounding = Fields.words(TransferSchedule.Rounding.class).stream()
                .filter(w -> !w.equals(Fields.word(TransferSchedule.Rounding.NONE))).toList();
        Schema.ObjectSchema frequency = Fields.object("Transfer frequency e: epochs between a network's transfers.",
                List.of(OnlineTransferStage::checkBounds),
                withDefault("initial", integer("The initial e.", 1.0, null), 25L),
                withDefault("rule", Fields.rule(ScheduleParameter.FREQUENCY), "none"),
                withDefault("rounding", oneOf("How adjusted e is rounded to whole epochs.", wholeRounding), "half-even"),
                withDefault("min", integer("Lower bound of e.", 1.0, null), 1L),
                optional("max", integer("Upper bound of e; the stage's epochs when absent.", 1.0, null)));
        Schema.ObjectSchema ratio = Fields.object("Transfer ratio P: percent of each conv layer's filters a network receives.",
                List.of(OnlineTransferStage::checkBounds),
                withDefault("initial", positive("The initial P, percent.", 100.0), 10.0),
                withDefault("rule", Fields.rule(ScheduleParameter.RATIO), "none"),
                withDefault("rounding", oneOf("How adjusted P is rounded: 'none' keeps it a real percentage (SPEC.md: "
                        + "whole percents would freeze it at small error changes); the filter count per layer is always "
                        + "rounded half-even.", TransferSchedule.Rounding.class), "none"),
                withDefault("min", number("Lower bound of P.", 0.0, 100.0), 0.5),
                withDefault("max", number("Upper bound of P.", 0.0, 100.0), 50.0));
        return new StageSchema("online-transfer", "Train networks side by side, each on its own task, trading filters at "
                + "each network's transfer points.", Fields.concat(List.of(
                required("networks", Fields.networks("The networks trained side by side.", 2)),
                withDefault("transfer", Fields.flag("Trade filters; false trains each task alone (the baseline)."), true),
                withDefault("importance", component("The filter importance metric.", ComponentKind.IMPORTANCE_METRIC), "l1"),
                withDefault("policy", component("The transfer policy.", ComponentKind.TRANSFER_POLICY), "top-to-bottom"),
                withDefault("sender", oneOf("Which network sends to a receiver when there are more than two: the next in "
                        + "the list, or the one with the lowest error rate.", Sender.class), "next"),
                optional("frequency", frequency),
                optional("ratio", ratio)), TrainingLoop.Training.fields()), List.of(OnlineTransferStage::checkFrequencyFitsEpochs));
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        Section section = stage.section();
        List<NetworkSettings> networks = new ArrayList<>();
        for (Object value : section.scalars("networks")) {
            Section n = stage.network((String) value);
            networks.add(new NetworkSettings((String) value, n.string("model"), n.number("width"), n.string("task")));
        }
        TrainingLoop.Training training = TrainingLoop.Training.of(section);
        Section e = section.section("frequency");
        Section p = section.section("ratio");
        return new Settings(networks, training, section.flag("transfer"),
                stage.component("importance", ImportanceMetric.class), stage.component("policy", TransferPolicy.class),
                Fields.constant(Sender.class, section.string("sender")),
                new ScheduleValue(e.integer("initial"), stage.component("frequency.rule", AdjustmentRule.class),
                        Fields.constant(TransferSchedule.Rounding.class, e.string("rounding")), e.number("min"),
                        e.optionalInteger("max").map(Long::doubleValue).orElse((double) training.epochs())),
                new ScheduleValue(p.number("initial"), stage.component("ratio.rule", AdjustmentRule.class),
                        Fields.constant(TransferSchedule.Rounding.class, p.string("rounding")), p.number("min"),
                        p.number("max")));
    }

    @Override
    public List<StageComponent<?>> components(Settings s) {
        return List.of(s.importance(), s.policy(), s.frequency().rule(), s.ratio().rule());
    }

    /** Rules act from a network's second transfer on; with fewer transfers than that they never fire. */
    @Override
    public List<String> warnings(Settings s) {
        if (!s.transfer()) {
            return List.of();
        }
        int e = (int) s.frequency().initial();
        int transfers = (s.training().epochs() - 1) / e; // points e, 2e, ... before the last epoch
        List<String> out = new ArrayList<>();
        for (ScheduleValue v : List.of(s.frequency(), s.ratio())) {
            if (!v.rule().id().equals("none") && transfers < 2) {
                out.add(v.rule().key() + " '" + v.rule().id() + "' can never fire: with e = " + e + " over "
                        + s.training().epochs() + " epochs each network makes " + transfers + " transfer"
                        + (transfers == 1 ? "" : "s") + ", and rules act from the second on; the stage runs as with "
                        + "'none' (lower frequency.initial or add epochs)");
            }
        }
        return out;
    }

    @Override
    public Optional<RunReport.Section> report() {
        return Optional.of(OnlineTransferStage::schedules);
    }

    /** One network of the stage with what it trains on and its schedule. */
    private static final class Member {
        final String name;
        final TaskData task;
        final Batches train;
        final Batches eval;
        final long seed;
        final TransferSchedule schedule;
        MultiLayerNetwork net;
        Evaluation last;

        Member(String name, TaskData task, Batches train, Batches eval, long seed, TransferSchedule schedule) {
            this.name = name;
            this.task = task;
            this.train = train;
            this.eval = eval;
            this.seed = seed;
            this.schedule = schedule;
        }

        Dl4jNetworkView view(MultiLayerNetwork network) {
            return new Dl4jNetworkView(name, network, new Batches(task.train(), false), eval);
        }
    }

    @Override
    public void run(Settings s, StageContext context) throws Exception {
        Dl4jEngine.start();
        TrainingSettings settings = s.training().settings();
        Optional<Checkpoints.StageResume> resume = context.checkpoints().resumePoint(context.index());

        List<Member> members = new ArrayList<>();
        for (NetworkSettings n : s.networks()) {
            TaskData task = context.state().task(n.task());
            Member m = new Member(n.name(), task, new Batches(task.train(), TrainingLoop.augment(context, n.task())),
                    new Batches(task.eval(), false), TrainingLoop.networkSeed(context.seed(), n.name()),
                    schedule(s, n.name(), settings.epochs()));
            if (resume.isPresent()) {
                m.net = Networks.layerList(Networks.restore(resume.get().networks().get(n.name())), n.name(), "online transfer");
                JsonNode state = resume.get().extra().path("schedules").path(n.name());
                m.schedule.restore(new TransferSchedule.State(state.path("frequency").asDouble(),
                        state.path("ratio").asDouble(), state.path("nextTransfer").asInt(), state.path("transfers").asInt(),
                        state.path("transfers").asInt() > 0 ? state.path("lastErrorRate").asDouble() : Double.NaN));
            } else {
                m.net = Networks.layerList(Networks.create(n.model(), TrainingLoop.inputShape(task),
                        task.train().classes(), n.width(), m.seed, settings.updater(),
                        settings.weightDecay()), n.name(), "online transfer");
                if (s.transfer()) {
                    context.publish(new ScheduleInitializedEvent(context.stageName(), n.name(), m.schedule.frequency(),
                            m.schedule.ratio(), s.frequency().rule().id(), s.ratio().rule().id(), s.frequency().min(),
                            s.frequency().max(), s.ratio().min(), s.ratio().max()));
                }
            }
            members.add(m);
        }
        requireSameConvLayers(members);

        int every = s.training().checkpointEvery();
        for (int epoch = resume.map(Checkpoints.StageResume::epochs).orElse(0) + 1; epoch <= settings.epochs(); epoch++) {
            for (Member m : members) {
                m.last = TrainingLoop.epoch(context, m.name, m.net, m.train, m.eval, settings, epoch, m.seed);
            }
            if (s.transfer()) {
                transfers(context, members, epoch, s);
            }
            if (every > 0 && epoch % every == 0 && epoch < settings.epochs()) {
                checkpoint(context, members, epoch);
            }
        }
        for (Member m : members) {
            context.state().putNetwork(m.name, m.net);
            TrainingLoop.save(context, m.name, m.net);
        }
    }

    private static TransferSchedule schedule(Settings s, String network, int epochs) {
        return new TransferSchedule(epochs, (int) s.frequency().initial(), s.ratio().initial(),
                adjuster(s.frequency(), network), adjuster(s.ratio(), network));
    }

    private static TransferSchedule.Adjuster adjuster(ScheduleValue value, String network) {
        java.util.function.IntFunction<AdjustmentRule> ruleAt = epoch -> value.rule().createFor(network, epoch);
        return new TransferSchedule.Adjuster(value.rule().id(), ruleAt, value.rounding(), value.min(), value.max());
    }

    private static void requireSameConvLayers(List<Member> members) {
        List<ConvLayerInfo> first = members.get(0).view(members.get(0).net).convLayers();
        for (Member m : members.subList(1, members.size())) {
            List<ConvLayerInfo> other = m.view(m.net).convLayers();
            if (!other.equals(first)) {
                throw new IllegalStateException("networks " + members.get(0).name + " and " + m.name
                        + " differ in their conv layers, so filters cannot move between them; give them the same "
                        + "model and width (" + first + " vs " + other + ")");
            }
        }
    }

    private static void transfers(StageContext context, List<Member> members, int epoch, Settings s) {
        Sender senderRule = s.sender();
        List<Member> receivers = members.stream().filter(m -> m.schedule.isTransferPoint(epoch)).toList();
        if (receivers.isEmpty()) {
            return;
        }
        // senders as they were at the end of the epoch, before this epoch's transfers
        Map<Member, Member> senders = new LinkedHashMap<>();
        receivers.forEach(r -> senders.put(r, sender(members, r, senderRule)));
        Map<String, MultiLayerNetwork> before = new LinkedHashMap<>();
        for (Member m : senders.values()) {
            // only a sender that also receives this epoch changes before it sends: keep its state as it was
            before.computeIfAbsent(m.name, k -> receivers.contains(m) ? m.net.clone() : m.net);
        }
        for (Member receiver : receivers) {
            Member sender = senders.get(receiver);
            double errorRate = receiver.last.errorRate();
            context.publish(new TransferPointReachedEvent(context.stageName(), receiver.name, sender.name, epoch,
                    receiver.schedule.transfers() + 1, errorRate));
            MultiLayerNetwork from = before.get(sender.name);
            // instances for this receiver and transfer point: their randomness depends on nothing else, so a
            // resumed run draws the same numbers
            ImportanceMetric metric = s.importance().createFor(receiver.name, epoch);
            TransferPolicy policy = s.policy().createFor(receiver.name, epoch);
            Dl4jNetworkView senderView = sender.view(from);
            Dl4jNetworkView receiverView = receiver.view(receiver.net);
            for (ConvLayerInfo layer : receiverView.convLayers()) {
                int k = receiver.schedule.filtersToReceive(layer.filters());
                if (k == 0) {
                    continue;
                }
                String metricId = s.importance().id();
                TransferRequest request = new TransferRequest(layer,
                        CompressionSupport.checkedScores(metricId, layer, metric.score(senderView, layer)),
                        CompressionSupport.checkedScores(metricId, layer, metric.score(receiverView, layer)), k);
                List<FilterPair> pairs = checked(s.policy().id(), policy.choose(request), request);
                FilterSurgery.copyFilters(from, receiver.net, layer.name(), pairs);
                context.publish(new FiltersTransferredEvent(context.stageName(), receiver.name, sender.name, epoch,
                        layer.name(), pairs.stream().map(FilterPair::senderFilter).toList(),
                        pairs.stream().map(FilterPair::receiverFilter).toList()));
            }
            for (TransferSchedule.Adjustment a : receiver.schedule.transferred(epoch, errorRate)) {
                context.publish(new ScheduleAdjustedEvent(context.stageName(), receiver.name, epoch, a.parameter(),
                        a.rule(), a.oldValue(), a.rawValue(), a.newValue(), a.errorRateDiff()));
            }
        }
    }

    /**
     * The network that sends to {@code receiver}: {@code next} is the following network in the stage's
     * list (wrapping around; with two networks, the other one); {@code best} the other network with the
     * lowest error rate this epoch, the earlier in the list on a tie.
     */
    static Member sender(List<Member> members, Member receiver, Sender rule) {
        int index = members.indexOf(receiver);
        if (rule == Sender.BEST) {
            Member best = null;
            for (Member m : members) {
                if (m != receiver && (best == null || m.last.errorRate() < best.last.errorRate())) {
                    best = m;
                }
            }
            return best;
        }
        return members.get((index + 1) % members.size());
    }

    /** A policy's answer, checked against the API's contract so a faulty plugin fails loudly. */
    static List<FilterPair> checked(String policyId, List<FilterPair> pairs, TransferRequest request) {
        int filters = request.layer().filters();
        if (pairs == null) {
            throw new IllegalStateException("transfer policy '" + policyId + "' returned no list of pairs for layer "
                    + request.layer().name() + ", expected " + request.count());
        }
        if (pairs.size() != request.count()) {
            throw new IllegalStateException("transfer policy '" + policyId + "' returned " + pairs.size() + " pairs for layer "
                    + request.layer().name() + ", expected " + request.count());
        }
        Set<Integer> receivers = new HashSet<>();
        for (FilterPair p : pairs) {
            if (p.senderFilter() >= filters || p.receiverFilter() >= filters || !receivers.add(p.receiverFilter())) {
                throw new IllegalStateException("transfer policy '" + policyId + "' returned an invalid pair " + p + " for layer "
                        + request.layer().name() + " of " + filters + " filters (indices must be below " + filters
                        + ", each receiver filter once)");
            }
        }
        return pairs;
    }

    private static void checkpoint(StageContext context, List<Member> members, int epoch) throws IOException {
        Map<String, Checkpoints.NetworkWriter> writers = new LinkedHashMap<>();
        Map<String, Object> schedules = new LinkedHashMap<>();
        for (Member m : members) {
            MultiLayerNetwork net = m.net;
            writers.put(m.name, file -> ModelSerializer.writeModel(net, file.toFile(), true));
            TransferSchedule.State s = m.schedule.state();
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("frequency", s.frequency());
            state.put("ratio", s.ratio());
            state.put("nextTransfer", s.nextTransfer());
            state.put("transfers", s.transfers());
            if (s.transfers() > 0) {
                state.put("lastErrorRate", s.lastErrorRate());
            }
            schedules.put(m.name, state);
        }
        context.checkpoints().write(context, epoch, writers, Map.of("schedules", schedules));
    }

    /** e and P of each network over the stage, from its ScheduleInitialized and ScheduleAdjusted events. */
    static void schedules(RunReport.StageEvents stage, StringBuilder b) {
        roundedAway(stage, b);
        List<ScheduleInitializedEvent> initial = stage.of(ScheduleInitializedEvent.class);
        if (initial.isEmpty() || stage.of(TransferPointReachedEvent.class).isEmpty()) {
            return;
        }
        int lastEpoch = stage.lastEpoch();
        for (ScheduleParameter p : ScheduleParameter.values()) {
            String title = p == ScheduleParameter.FREQUENCY ? "e (epochs between transfers)" : "P (% of filters)";
            XYChart chart = Charts.xy(stage.name() + ": " + title, "epoch", p == ScheduleParameter.FREQUENCY ? "e" : "P %");
            List<io.transferbench.runtime.internal.report.InteractiveChart.Series> series = new ArrayList<>();
            for (ScheduleInitializedEvent start : initial) {
                List<Double> x = new ArrayList<>(List.of(0.0));
                List<Double> y = new ArrayList<>(List.of(p == ScheduleParameter.FREQUENCY ? start.frequency() : start.ratio()));
                stage.of(ScheduleAdjustedEvent.class).stream()
                        .filter(e -> e.parameter() == p && e.network().equals(start.network())).forEach(e -> {
                            x.add((double) e.epoch());
                            y.add(e.newValue());
                        });
                x.add((double) lastEpoch);
                y.add(y.get(y.size() - 1));
                int colour = stage.colour(start.network());
                Charts.steps(chart, start.network(), x, y)
                        .setLineColor(io.transferbench.runtime.internal.report.InteractiveChart.awtColour(colour));
                series.add(new io.transferbench.runtime.internal.report.InteractiveChart.Series(start.network(), x, y,
                        io.transferbench.runtime.internal.report.InteractiveChart.colour(colour),
                        io.transferbench.runtime.internal.report.InteractiveChart.Style.STEPS));
            }
            b.append(io.transferbench.runtime.internal.report.InteractiveChart.html(stage.name() + ": " + title, "epoch",
                    p == ScheduleParameter.FREQUENCY ? "e" : "P %", series,
                    Charts.img(chart, stage.name() + " " + title + " over the epochs")));
        }
    }

    /**
     * A rule that changed a value at every opportunity, only for rounding (or the bounds) to put it back
     * each time, left the schedule as fixed as 'none': said, so identical numbers are not a mystery.
     */
    private static void roundedAway(RunReport.StageEvents stage, StringBuilder b) {
        Map<String, List<ScheduleAdjustedEvent>> byRule = new LinkedHashMap<>();
        stage.of(ScheduleAdjustedEvent.class).stream().filter(e -> !e.rule().equals("none"))
                .forEach(e -> byRule.computeIfAbsent(e.network() + " " + e.parameter().key() + " " + e.rule(),
                        k -> new ArrayList<>()).add(e));
        byRule.forEach((key, adjustments) -> {
            boolean tried = adjustments.stream().anyMatch(a -> a.rawValue() != a.oldValue());
            boolean kept = adjustments.stream().allMatch(a -> a.newValue() == a.oldValue());
            if (tried && kept) {
                ScheduleAdjustedEvent first = adjustments.get(0);
                b.append("<p><b>Warning:</b> rule '").append(Html.escape(first.rule())).append("' on ")
                        .append(first.parameter() == ScheduleParameter.FREQUENCY ? "e" : "P").append(" of network ")
                        .append(Html.escape(first.network())).append(" changed it ").append(adjustments.size())
                        .append(" time(s) (raw values ").append(adjustments.stream()
                                .map(a -> String.format(java.util.Locale.ROOT, "%.3g", a.rawValue())).toList())
                        .append("), and rounding or the bounds put it back every time: the stage ran as with a fixed ")
                        .append(first.parameter().key()).append(".</p>\n");
            }
        });
    }

    private static void checkBounds(YamlNode.Mapping section, Schema.CheckContext c) {
        YamlNode.Entry min = section.entries().get("min");
        YamlNode.Entry max = section.entries().get("max");
        if (min != null && max != null) {
            double lo = Fields.numberAt(min);
            double hi = Fields.numberAt(max);
            if (lo > hi) {
                c.problem(max.value().location(), "max", "must be at least min (" + Schema.trim(lo) + "), found "
                        + Schema.trim(hi));
            }
        }
    }

    private static void checkFrequencyFitsEpochs(YamlNode.Mapping stage, Schema.CheckContext c) {
        YamlNode.Entry frequency = stage.entries().get("frequency");
        if (frequency == null) {
            return;
        }
        long epochs = (long) Fields.numberAt(stage.entries().get("epochs"));
        YamlNode.Entry initial = ((YamlNode.Mapping) frequency.value()).entries().get("initial");
        if (initial != null && (long) Fields.numberAt(initial) > epochs) {
            c.problem(initial.value().location(), "frequency.initial", "is larger than the stage's " + epochs
                    + " epochs, so no transfer would happen; use at most " + epochs);
        }
    }
}
