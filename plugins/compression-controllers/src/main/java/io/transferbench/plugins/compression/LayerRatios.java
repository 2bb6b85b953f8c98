package io.transferbench.plugins.compression;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The per-layer pruning targets shared by {@code one-shot} and {@code iterative}: one percentage for
 * every conv layer ({@code ratio}) or one per layer in forward order ({@code layer-ratios}).
 */
final class LayerRatios {

    static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.number("ratio", "Percent of each conv layer's filters to remove.")
                    .withDefault(50.0).withMinimum(0).withMaximum(99),
            ParameterSpec.string("layer-ratios", "Percent per conv layer in forward order, comma-separated "
                    + "(e.g. '10,20,40,40'); replaces 'ratio' when given.").withDefault(""));

    private final ComponentParameters parameters;

    LayerRatios(ComponentParameters parameters) {
        this.parameters = parameters;
        percents(0); // fail at creation on a malformed list
    }

    /** The percentage for each of {@code layers} conv layers. */
    double[] percents(int layers) {
        String list = parameters.string("layer-ratios").trim();
        if (list.isEmpty()) {
            double[] all = new double[layers];
            java.util.Arrays.fill(all, parameters.number("ratio"));
            return all;
        }
        String[] items = list.split(",");
        double[] values = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                values[i] = Double.parseDouble(items[i].trim());
            } catch (NumberFormatException e) {
                throw parameters.invalid("layer-ratios", "comma-separated percentages, e.g. '10,20,40'; '"
                        + items[i].trim() + "' is not a number");
            }
            if (!(values[i] >= 0 && values[i] < 100)) {
                throw parameters.invalid("layer-ratios", "percentages from 0 to below 100; found " + items[i].trim());
            }
        }
        if (layers > 0 && values.length != layers) {
            throw parameters.invalid("layer-ratios", "one percentage per conv layer: this network has " + layers
                    + " conv layers, the list has " + values.length);
        }
        return values;
    }

    /** Filters to remove from a layer of {@code filters} at {@code percent}: rounded half-even, at least one kept. */
    static int count(int filters, double percent) {
        int k = new BigDecimal(percent / 100.0 * filters).setScale(0, RoundingMode.HALF_EVEN).intValueExact();
        return Math.min(k, filters - 1);
    }

    /** Filter indices, least important first; ties to the lower index, so rankings repeat. */
    static int[] leastImportantFirst(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The {@code k} least important filters in ascending index order. */
    static List<Integer> leastImportant(double[] scores, int k) {
        List<Integer> chosen = new ArrayList<>(IntStream.of(leastImportantFirst(scores)).limit(k).boxed().toList());
        chosen.sort(null);
        return chosen;
    }
}
