package io.transferbench.plugins.compression;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.compression.CompressionController;
import io.transferbench.api.compression.CompressionControllerFactory;
import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.compression.CompressionState;
import io.transferbench.api.network.ConvLayerInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code rl}: searches how many filters to mask in each conv layer with a recurrent Q-network, in
 * the spirit of R2D2 (Kapturowski et al. 2019) as the compression report uses it. docs/methods.md
 * ("The rl controller") states the state, action and reward exactly; in short:
 *
 * <ul>
 *   <li>An episode visits the conv layers in forward order. At layer t the action is a masking ratio
 *       from {@code levels} equally spaced values in [0, max-layer-ratio]; the layer's
 *       round(ratio * n) least important filters (the stage's metric, ranked once) are masked and the
 *       stage measures the masked network (a trial).</li>
 *   <li>The observation: layer position, its size, its weights per filter, the compression rate of
 *       the masks so far, the budget, the accuracy kept (measured / baseline), the previous action, and
 *       the masks as the kept fraction of every layer.</li>
 *   <li>The reward of a step is the change of accuracy kept; an episode's return (gamma = 1) is the
 *       accuracy kept at its end minus 1. The budget is a constraint, not a reward term: an action is
 *       allowed only if masking the most in all later layers can still reach the budget (as AMC does).</li>
 *   <li>Learning: episodes go to a prioritised replay (priority 0.9 max |TD| + 0.1 mean |TD| over the
 *       sequence); minibatches of whole sequences unrolled from a zero recurrent state, n-step double-DQN
 *       targets from a target network copied every {@code target-update} updates, Huber loss, Adam. The
 *       n-step sum stops early at an action that is not the current greedy one (Watkins' cut): with
 *       episodes of a dozen steps, uncorrected returns of exploring actors bias the values toward
 *       actions that leave later layers no choice.</li>
 *   <li>Actors: episodes go round-robin to {@code actors} actors with fixed exploration
 *       epsilon_i = epsilon^(1 + 7 i / (actors - 1)) (Ape-X / R2D2); they share the learner's weights,
 *       and run one after another, since the recognizer they measure is one network.</li>
 *   <li>After {@code episodes} episodes, one greedy episode; then the masks of the best episode seen
 *       (highest return among those within budget) are removed for good.</li>
 * </ul>
 */
public final class ReinforcementLearningController implements CompressionControllerFactory {

    @Override
    public String id() {
        return "rl";
    }

    @Override
    public String description() {
        return "Searches per-layer masking ratios under a compression budget with a recurrent Q-network "
                + "(R2D2-style: prioritised sequence replay, n-step double DQN, several epsilon-greedy actors).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.number("target-rate", "Compression budget: percent of the parameters to remove at least.")
                        .withDefault(50.0).withMinimum(0).withMaximum(99),
                ParameterSpec.integer("episodes", "Search episodes (each masks every conv layer once).")
                        .withDefault(60L).withMinimum(1).withMaximum(100000),
                ParameterSpec.integer("levels", "Masking ratios an action chooses from, equally spaced from 0 to max-layer-ratio.")
                        .withDefault(10L).withMinimum(2).withMaximum(100),
                ParameterSpec.number("max-layer-ratio", "Largest percent of one layer's filters an action masks.")
                        .withDefault(90.0).withMinimum(1).withMaximum(99),
                ParameterSpec.integer("actors", "Actors with their own exploration rates.").withDefault(4L)
                        .withMinimum(1).withMaximum(64),
                ParameterSpec.number("epsilon", "Base exploration rate; actor i explores with epsilon^(1 + 7i/(actors-1)).")
                        .withDefault(0.4).withMinimum(0).withMaximum(1),
                ParameterSpec.integer("hidden", "Units of the recurrent layer.").withDefault(32L).withMinimum(1).withMaximum(1024),
                ParameterSpec.number("learning-rate", "Adam learning rate of the Q-network.").withDefault(0.003)
                        .withMinimum(0).withMaximum(1),
                ParameterSpec.integer("n-step", "Steps of reward summed before bootstrapping.").withDefault(3L)
                        .withMinimum(1).withMaximum(100),
                ParameterSpec.number("gamma", "Discount per step.").withDefault(1.0).withMinimum(0).withMaximum(1),
                ParameterSpec.integer("batch-size", "Episodes per learner update.").withDefault(16L).withMinimum(1).withMaximum(4096),
                ParameterSpec.integer("updates-per-episode", "Learner updates after each episode.").withDefault(8L)
                        .withMinimum(0).withMaximum(10000),
                ParameterSpec.integer("target-update", "Learner updates between target-network copies.").withDefault(25L)
                        .withMinimum(1).withMaximum(100000),
                ParameterSpec.integer("replay-capacity", "Episodes the replay keeps.").withDefault(2000L).withMinimum(1)
                        .withMaximum(10000000),
                ParameterSpec.number("priority-exponent", "alpha: how strongly priorities skew sampling.").withDefault(0.9)
                        .withMinimum(0).withMaximum(1),
                ParameterSpec.number("importance-exponent", "beta at the start; it rises linearly to 1 over the episodes.")
                        .withDefault(0.6).withMinimum(0).withMaximum(1));
    }

    @Override
    public CompressionController create(ComponentParameters parameters) {
        return new Search(new Settings(parameters));
    }

    /** The parameters, read once. */
    record Settings(double targetRate, int episodes, int levels, double maxLayerRatio, int actors, double epsilon,
                    int hidden, double learningRate, int nStep, double gamma, int batchSize, int updatesPerEpisode,
                    int targetUpdate, int replayCapacity, double alpha, double beta0, long seed) {
        Settings(ComponentParameters p) {
            this(p.number("target-rate") / 100, (int) p.integer("episodes"), (int) p.integer("levels"),
                    p.number("max-layer-ratio") / 100, (int) p.integer("actors"), p.number("epsilon"),
                    (int) p.integer("hidden"), p.number("learning-rate"), (int) p.integer("n-step"), p.number("gamma"),
                    (int) p.integer("batch-size"), (int) p.integer("updates-per-episode"), (int) p.integer("target-update"),
                    (int) p.integer("replay-capacity"), p.number("priority-exponent"), p.number("importance-exponent"),
                    p.seed());
        }

        double actorEpsilon(int actor) {
            if (actors == 1) {
                return epsilon;
            }
            return Math.pow(epsilon, 1 + 7.0 * actor / (actors - 1));
        }

        double ratio(int level) {
            return maxLayerRatio * level / (levels - 1);
        }
    }

    /** One played episode as the learner replays it. */
    record Episode(double[][] observations, int[] actions, boolean[][] allowed, double[] rewards) {
    }

    static final class Search implements CompressionController {
        private final Settings settings;
        private final SplittableRandom random;
        private RecurrentQNetwork online;
        private RecurrentQNetwork target;
        private RecurrentQNetwork.Adam adam;
        private final PrioritizedReplay<Episode> replay;
        private int updates;

        private List<ConvLayerInfo> layers;
        private Map<String, int[]> rankedFilters; // least important first
        private int maxFilters;

        // the episode being played
        private int episode;
        private int layer;
        private double[] hidden;
        private double epsilon;
        private boolean[] layerDone;
        private double[] keptFraction;
        private Map<String, boolean[]> masks;
        private final List<double[]> observations = new ArrayList<>();
        private final List<Integer> actions = new ArrayList<>();
        private final List<boolean[]> allowedSets = new ArrayList<>();
        private final List<Double> rewards = new ArrayList<>();
        private double accuracyKept;
        private double previousRatio;

        // the best episode so far
        private double bestReturn = Double.NEGATIVE_INFINITY;
        private double bestRate;
        private Map<String, List<Integer>> bestMasked;
        private double greedyReturn = Double.NaN;

        Search(Settings settings) {
            this.settings = settings;
            this.random = new SplittableRandom(settings.seed());
            this.replay = new PrioritizedReplay<>(settings.replayCapacity(), settings.alpha());
        }

        private boolean greedyEpisode() {
            return episode == settings.episodes();
        }

        @Override
        public CompressionDecision decide(CompressionState state) {
            if (layers == null) {
                start(state);
            }
            if (episode > settings.episodes()) {
                Map<String, Double> d = new LinkedHashMap<>();
                d.put("best-return", bestReturn);
                d.put("best-rate", bestRate);
                d.put("greedy-return", greedyReturn);
                return CompressionDecision.removeAndFinish(bestMasked, d);
            }
            if (layer == 0) {
                beginEpisode(state);
            }
            ConvLayerInfo current = layers.get(layer);
            double[] observation = observe(state, current);
            double[] next = new double[settings.hidden()];
            double[] q = online.step(observation, hidden, next);
            hidden = next;
            boolean[] allowed = allowedActions(state.cost());
            int action = random.nextDouble() < epsilon ? randomAllowed(allowed) : bestAllowed(q, allowed);

            observations.add(observation);
            actions.add(action);
            allowedSets.add(allowed);
            applyAction(current, settings.ratio(action));
            previousRatio = settings.ratio(action);

            Map<String, Double> d = new LinkedHashMap<>();
            d.put("episode", (double) episode);
            d.put("actor", greedyEpisode() ? -1.0 : (double) (episode % settings.actors()));
            d.put("epsilon", epsilon);
            d.put("layer", (double) layer);
            d.put("layer-ratio", settings.ratio(action));
            return CompressionDecision.trial(maskedFilters(), d);
        }

        @Override
        public void observe(CompressionState before, CompressionDecision decision, CompressionState after) {
            if (decision.action() != CompressionDecision.Action.TRY) {
                return;
            }
            double kept = after.accuracy() / after.baselineAccuracy();
            rewards.add(kept - accuracyKept);
            accuracyKept = kept;
            layer++;
            if (layer == layers.size()) {
                endEpisode(after.compressionRate());
            }
        }

        private void start(CompressionState state) {
            layers = state.network().convLayers();
            rankedFilters = new LinkedHashMap<>();
            for (ConvLayerInfo l : layers) {
                double[] scores = state.importance().get(l.name());
                rankedFilters.put(l.name(), LayerRatios.leastImportantFirst(scores));
                maxFilters = Math.max(maxFilters, l.filters());
            }
            int inputs = 7 + layers.size();
            online = new RecurrentQNetwork(inputs, settings.hidden(), settings.levels(), settings.seed() ^ 0x5DEECE66DL);
            target = online.copy();
            adam = new RecurrentQNetwork.Adam(online.parameters.length, settings.learningRate(), 10.0);
        }

        private void beginEpisode(CompressionState state) {
            hidden = new double[settings.hidden()];
            epsilon = greedyEpisode() ? 0 : settings.actorEpsilon(episode % settings.actors());
            masks = new LinkedHashMap<>();
            keptFraction = new double[layers.size()];
            java.util.Arrays.fill(keptFraction, 1.0);
            for (ConvLayerInfo l : layers) {
                boolean[] all = new boolean[l.filters()];
                java.util.Arrays.fill(all, true);
                masks.put(l.name(), all);
            }
            observations.clear();
            actions.clear();
            allowedSets.clear();
            rewards.clear();
            accuracyKept = 1.0;
            previousRatio = 0;
        }

        private double[] observe(CompressionState state, ConvLayerInfo current) {
            double[] x = new double[7 + layers.size()];
            x[0] = layers.size() == 1 ? 0 : (double) layer / (layers.size() - 1);
            x[1] = (double) current.filters() / maxFilters;
            x[2] = Math.log(current.weightsPerFilter()) / Math.log(4096);
            x[3] = state.cost().compressionRate(masks);
            x[4] = settings.targetRate();
            x[5] = accuracyKept;
            x[6] = previousRatio;
            System.arraycopy(keptFraction, 0, x, 7, keptFraction.length);
            return x;
        }

        /** Actions after which masking the most in every later layer still reaches the budget. */
        private boolean[] allowedActions(CompressionState.CostModel cost) {
            boolean[] allowed = new boolean[settings.levels()];
            boolean any = false;
            for (int a = 0; a < settings.levels(); a++) {
                Map<String, boolean[]> plan = new LinkedHashMap<>(masks);
                plan.put(layers.get(layer).name(), mask(layers.get(layer), settings.ratio(a)));
                for (int later = layer + 1; later < layers.size(); later++) {
                    plan.put(layers.get(later).name(), mask(layers.get(later), settings.maxLayerRatio()));
                }
                allowed[a] = cost.compressionRate(plan) >= settings.targetRate() - 1e-12;
                any |= allowed[a];
            }
            if (!any) {
                allowed[settings.levels() - 1] = true; // the budget cannot be met: come as close as possible
            }
            return allowed;
        }

        private boolean[] mask(ConvLayerInfo l, double ratio) {
            int k = LayerRatios.count(l.filters(), ratio * 100);
            boolean[] kept = new boolean[l.filters()];
            java.util.Arrays.fill(kept, true);
            int[] ranked = rankedFilters.get(l.name());
            for (int i = 0; i < k; i++) {
                kept[ranked[i]] = false;
            }
            return kept;
        }

        private void applyAction(ConvLayerInfo l, double ratio) {
            boolean[] kept = mask(l, ratio);
            masks.put(l.name(), kept);
            int count = 0;
            for (boolean k : kept) {
                count += k ? 1 : 0;
            }
            keptFraction[layer] = (double) count / l.filters();
        }

        private Map<String, List<Integer>> maskedFilters() {
            Map<String, List<Integer>> masked = new LinkedHashMap<>();
            for (Map.Entry<String, boolean[]> e : masks.entrySet()) {
                List<Integer> off = new ArrayList<>();
                for (int f = 0; f < e.getValue().length; f++) {
                    if (!e.getValue()[f]) {
                        off.add(f);
                    }
                }
                masked.put(e.getKey(), off);
            }
            return masked;
        }

        private int randomAllowed(boolean[] allowed) {
            List<Integer> choices = new ArrayList<>();
            for (int a = 0; a < allowed.length; a++) {
                if (allowed[a]) {
                    choices.add(a);
                }
            }
            return choices.get(random.nextInt(choices.size()));
        }

        private static int bestAllowed(double[] q, boolean[] allowed) {
            int best = -1;
            for (int a = 0; a < q.length; a++) {
                if (allowed[a] && (best < 0 || q[a] > q[best])) {
                    best = a;
                }
            }
            return best;
        }

        private void endEpisode(double rate) {
            double episodeReturn = accuracyKept - 1;
            if (greedyEpisode()) {
                greedyReturn = episodeReturn;
            }
            boolean withinBudget = rate >= settings.targetRate() - 1e-12;
            boolean bestWithinBudget = bestMasked != null && bestRate >= settings.targetRate() - 1e-12;
            if (bestMasked == null || (withinBudget && !bestWithinBudget)
                    || (withinBudget == bestWithinBudget && (episodeReturn > bestReturn
                    || (episodeReturn == bestReturn && rate > bestRate)))) {
                bestReturn = episodeReturn;
                bestRate = rate;
                bestMasked = maskedFilters();
            }
            if (!greedyEpisode()) {
                replay.add(new Episode(observations.toArray(double[][]::new),
                        actions.stream().mapToInt(Integer::intValue).toArray(),
                        allowedSets.toArray(boolean[][]::new),
                        rewards.stream().mapToDouble(Double::doubleValue).toArray()));
                double beta = settings.beta0() + (1 - settings.beta0()) * (episode + 1.0) / settings.episodes();
                for (int u = 0; u < settings.updatesPerEpisode(); u++) {
                    learn(Math.min(1, beta));
                }
            }
            episode++;
            layer = 0;
        }

        /** One learner update on a minibatch of replayed episodes. */
        private void learn(double beta) {
            double[] gradient = new double[online.parameters.length];
            List<PrioritizedReplay.Sample<Episode>> batch = replay.sample(settings.batchSize(), beta, random);
            for (PrioritizedReplay.Sample<Episode> sample : batch) {
                Episode e = sample.item();
                RecurrentQNetwork.Unroll onlineUnroll = online.unroll(e.observations());
                RecurrentQNetwork.Unroll targetUnroll = target.unroll(e.observations());
                int steps = e.actions().length;
                double[][] dq = new double[steps][settings.levels()];
                double maxError = 0;
                double sumError = 0;
                for (int t = 0; t < steps; t++) {
                    // n-step return, cut (Watkins) where a later action is not the current greedy one:
                    // an exploratory action's outcome says little about the greedy policy's
                    double y = e.rewards()[t];
                    double discount = settings.gamma();
                    int bootstrap = t + 1;
                    while (bootstrap < steps && bootstrap < t + settings.nStep()
                            && e.actions()[bootstrap] == bestAllowed(onlineUnroll.q()[bootstrap], e.allowed()[bootstrap])) {
                        y += discount * e.rewards()[bootstrap];
                        discount *= settings.gamma();
                        bootstrap++;
                    }
                    if (bootstrap < steps) {
                        int a = bestAllowed(onlineUnroll.q()[bootstrap], e.allowed()[bootstrap]);
                        y += discount * targetUnroll.q()[bootstrap][a];
                    }
                    double error = y - onlineUnroll.q()[t][e.actions()[t]];
                    maxError = Math.max(maxError, Math.abs(error));
                    sumError += Math.abs(error);
                    // Huber loss (delta 1): the gradient of the squared error, clipped
                    double clipped = Math.max(-1, Math.min(1, error));
                    dq[t][e.actions()[t]] = -clipped * sample.weight() / (steps * batch.size());
                }
                online.accumulateGradient(onlineUnroll, dq, gradient);
                replay.updatePriority(sample.index(), 0.9 * maxError + 0.1 * sumError / steps);
            }
            adam.apply(online.parameters, gradient);
            updates++;
            if (updates % settings.targetUpdate() == 0) {
                target.copyFrom(online);
            }
        }
    }
}
