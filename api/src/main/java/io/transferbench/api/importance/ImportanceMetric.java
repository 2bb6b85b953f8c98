package io.transferbench.api.importance;

import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.NetworkView;

/** Scores the filters of one conv layer; higher means more important. */
public interface ImportanceMetric {

    /**
     * @return one score per filter of {@code layer}, in filter order ({@code layer.filters()} values)
     */
    double[] score(NetworkView network, ConvLayerInfo layer);
}
