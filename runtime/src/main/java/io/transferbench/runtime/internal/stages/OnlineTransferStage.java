package io.transferbench.runtime.internal.stages;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferbench.api.event.FiltersTransferredEvent;
import io.transferbench.api.event.ScheduleAdjustedEvent;
import io.transferbench.api.event.TransferPointReachedEvent;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferRequest;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.ResolvedComponent;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.Dl4jNetworkView;
import io.transferbench.runtime.internal.engine.FilterSurgery;
import io.transferbench.runtime.internal.engine.Networks;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.Checkpoints;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageExecutor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code online-transfer} (SPEC.md section 1): networks of one architecture train side by side, an
 * epoch each in turn, each on its own task. After an epoch, every network at its transfer point
 * (in list order): is evaluated (the epoch's evaluation), has both networks' filters ranked by the
 * metric, receives the sender's filters layer by layer as the policy pairs them, then from its second
 * transfer on has e and P adjusted by the rules, and gets its next point. Senders are read as they
 * were at the end of the epoch, before any transfer of that epoch, so the order of receivers does not
 * matter. With {@code transfer: false} the networks just train: the paper's baseline.
 */
public final class OnlineTransferStage implements StageExecutor {

    @Override
    public String type() {
        return "online-transfer";
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
    public void run(StageContext context) throws Exception {
        Dl4jEngine.start();
        Section stage = context.stage();
        TrainingSettings settings = TrainingLoop.settings(stage);
        boolean transfer = stage.flag("transfer");
        Optional<Checkpoints.StageResume> resume = context.checkpoints().resumePoint(context.index());

        List<Member> members = new ArrayList<>();
        for (Object value : stage.scalars("networks")) {
            String name = (String) value;
            Section network = context.pipeline().networks().get(name);
            String taskName = network.string("task");
            TaskData task = context.state().task(taskName);
            Member m = new Member(name, task, new Batches(task.train(), TrainingLoop.augment(context, taskName)),
                    new Batches(task.eval(), false), TrainingLoop.networkSeed(context.seed(), name),
                    schedule(stage, settings.epochs()));
            if (resume.isPresent()) {
                m.net = Networks.layerList(Networks.restore(resume.get().networks().get(name)), name, "online transfer");
                JsonNode s = resume.get().extra().path("schedules").path(name);
                m.schedule.restore(new TransferSchedule.State(s.path("frequency").asDouble(), s.path("ratio").asDouble(),
                        s.path("nextTransfer").asInt(), s.path("transfers").asInt(),
                        s.path("transfers").asInt() > 0 ? s.path("lastErrorRate").asDouble() : Double.NaN));
            } else {
                m.net = Networks.layerList(Networks.create(network.string("model"), TrainingLoop.inputShape(task),
                        task.train().classes(), network.number("width"), m.seed, settings.updater(),
                        settings.weightDecay()), name, "online transfer");
            }
            members.add(m);
        }
        requireSameConvLayers(members);

        ImportanceMetric metric = transfer ? (ImportanceMetric) stage.component("importance").create() : null;
        TransferPolicy policy = transfer ? (TransferPolicy) stage.component("policy").create() : null;
        String senderRule = stage.string("sender");
        int every = (int) stage.integer("checkpoint-every");

        for (int epoch = resume.map(Checkpoints.StageResume::epochs).orElse(0) + 1; epoch <= settings.epochs(); epoch++) {
            for (Member m : members) {
                m.last = TrainingLoop.epoch(context, m.name, m.net, m.train, m.eval, settings, epoch, m.seed);
            }
            if (transfer) {
                transfers(context, members, epoch, metric, policy, senderRule);
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

    private static TransferSchedule schedule(Section stage, int epochs) {
        Section e = stage.section("frequency");
        Section p = stage.section("ratio");
        return new TransferSchedule(epochs, (int) e.integer("initial"), p.number("initial"),
                adjuster(e, e.optionalInteger("max").map(Long::doubleValue).orElse((double) epochs)),
                adjuster(p, p.number("max")));
    }

    private static TransferSchedule.Adjuster adjuster(Section section, double max) {
        ResolvedComponent rule = section.component("rule");
        return new TransferSchedule.Adjuster(rule.id(), (AdjustmentRule) rule.create(),
                TransferSchedule.Rounding.of(section.string("rounding")), section.number("min"), max);
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

    private static void transfers(StageContext context, List<Member> members, int epoch, ImportanceMetric metric,
                                  TransferPolicy policy, String senderRule) {
        List<Member> receivers = members.stream().filter(m -> m.schedule.isTransferPoint(epoch)).toList();
        if (receivers.isEmpty()) {
            return;
        }
        // senders as they were at the end of the epoch, before this epoch's transfers
        Map<Member, Member> senders = new LinkedHashMap<>();
        receivers.forEach(r -> senders.put(r, sender(members, r, senderRule)));
        Map<String, MultiLayerNetwork> before = new LinkedHashMap<>();
        for (Member s : senders.values()) {
            // only a sender that also receives this epoch changes before it sends: keep its state as it was
            before.computeIfAbsent(s.name, k -> receivers.contains(s) ? s.net.clone() : s.net);
        }
        for (Member receiver : receivers) {
            Member sender = senders.get(receiver);
            double errorRate = receiver.last.errorRate();
            context.publish(new TransferPointReachedEvent(context.stageName(), receiver.name, sender.name, epoch,
                    receiver.schedule.transfers() + 1, errorRate));
            MultiLayerNetwork from = before.get(sender.name);
            Dl4jNetworkView senderView = sender.view(from);
            Dl4jNetworkView receiverView = receiver.view(receiver.net);
            for (ConvLayerInfo layer : receiverView.convLayers()) {
                int k = receiver.schedule.filtersToReceive(layer.filters());
                if (k == 0) {
                    continue;
                }
                TransferRequest request = new TransferRequest(layer, metric.score(senderView, layer),
                        metric.score(receiverView, layer), k);
                List<FilterPair> pairs = checked(policy.choose(request), request);
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
    static Member sender(List<Member> members, Member receiver, String rule) {
        int index = members.indexOf(receiver);
        if (rule.equals("best")) {
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
    static List<FilterPair> checked(List<FilterPair> pairs, TransferRequest request) {
        int filters = request.layer().filters();
        if (pairs.size() != request.count()) {
            throw new IllegalStateException("transfer policy returned " + pairs.size() + " pairs for layer "
                    + request.layer().name() + ", expected " + request.count());
        }
        Set<Integer> receivers = new HashSet<>();
        for (FilterPair p : pairs) {
            if (p.senderFilter() >= filters || p.receiverFilter() >= filters || !receivers.add(p.receiverFilter())) {
                throw new IllegalStateException("transfer policy returned an invalid pair " + p + " for layer "
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
}
