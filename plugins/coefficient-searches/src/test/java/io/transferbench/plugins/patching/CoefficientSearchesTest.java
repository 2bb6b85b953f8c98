package io.transferbench.plugins.patching;

import io.transferbench.api.ComponentFactory;
import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.patching.CoefficientChoice;
import io.transferbench.api.patching.CoefficientSearch;
import io.transferbench.api.patching.CoefficientSearchFactory;
import io.transferbench.api.patching.PatchObjective;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three searches on analytic objectives whose minimum is known: where they land and how many distinct
 * coefficients they measure.
 */
class CoefficientSearchesTest {

    /** A quintic, (a - 0.37)^2 (1 + 0.5 a + 0.2 a^3), positive elsewhere on [0, 1]: minimum 0 at 0.37. */
    static final DoubleUnaryOperator QUINTIC = a -> (a - 0.37) * (a - 0.37) * (1 + 0.5 * a + 0.2 * a * a * a);
    /** Smooth, quasi-convex, not a polynomial: minimum 0 at 0.62. */
    static final DoubleUnaryOperator LOG_BOWL = a -> Math.log1p(30 * (a - 0.62) * (a - 0.62));
    /** A plateau: 1 - exp(-(a - 0.445)^2 / 0.002), quasi-convex but flat away from its narrow dip. */
    static final DoubleUnaryOperator NARROW_DIP = a -> 1 - Math.exp(-(a - 0.445) * (a - 0.445) / 0.002);
    /** Nearly flat: 1 + 1e-9 (a - 0.83)^2. */
    static final DoubleUnaryOperator NEARLY_FLAT = a -> 1 + 1e-9 * (a - 0.83) * (a - 0.83);
    static final DoubleUnaryOperator MINIMUM_AT_ZERO = a -> a * a + a;
    static final DoubleUnaryOperator MINIMUM_AT_ONE = a -> (1 - a) * (1 - a) + (1 - a);

    /** Counts the distinct coefficients asked for, as the runtime does. */
    static final class Counting implements PatchObjective {
        final DoubleUnaryOperator f;
        final Set<Double> asked = new LinkedHashSet<>();

        Counting(DoubleUnaryOperator f) {
            this.f = f;
        }

        @Override
        public double at(double a) {
            assertTrue(a >= 0 && a <= 1, "asked outside [0, 1]: " + a);
            asked.add(a);
            return f.applyAsDouble(a);
        }
    }

    static CoefficientSearch create(CoefficientSearchFactory factory, Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>();
        for (ParameterSpec p : factory.parameters()) {
            p.defaultValue().ifPresent(v -> all.put(p.name(), v));
        }
        all.putAll(values);
        return factory.create(ComponentParameters.of(factory.id(), all, 1));
    }

    record Outcome(CoefficientChoice choice, int evaluations) {
        double a() {
            return choice.coefficient();
        }
    }

    static Outcome run(ComponentFactory<CoefficientSearch> factory, DoubleUnaryOperator f) {
        Counting objective = new Counting(f);
        CoefficientChoice choice = create((CoefficientSearchFactory) factory, Map.of()).search(objective);
        assertTrue(objective.asked.contains(choice.coefficient()) || factory.id().equals("quasi-convex"),
                "the choice was measured");
        return new Outcome(choice, objective.asked.size());
    }

    @Test
    void quasiConvexFindsTheQuinticsMinimumExactlyWith15Measurements() {
        Outcome o = run(new QuasiConvexSearch(), QUINTIC);
        // a degree-5 fit through 6 samples of a quintic is the quintic: its derivative's root is the minimum
        assertEquals(0.37, o.a(), 1e-6, o.choice().how());
        assertTrue(o.choice().how().startsWith("fitted minimum"), o.choice().how());
        assertEquals(11 + 3 + 1, o.evaluations());
    }

    @Test
    void quasiConvexOnASmoothNonPolynomialBowl() {
        Outcome o = run(new QuasiConvexSearch(), LOG_BOWL);
        assertEquals(0.62, o.a(), 2e-3, o.choice().how());
        assertEquals(15, o.evaluations());
    }

    @Test
    void quasiConvexOnANarrowDipIsNoWorseThanTheGridWithFewerMeasurements() {
        // the degree-5 fit of a narrow Gaussian dip overshoots (measured here: its minimum at 0.462 measures
        // worse than the sample at 0.45); the fallback keeps the best sample
        Outcome q = run(new QuasiConvexSearch(), NARROW_DIP);
        Outcome grid = run(new GridSearch(), NARROW_DIP);
        assertTrue(NARROW_DIP.applyAsDouble(q.a()) <= NARROW_DIP.applyAsDouble(grid.a()),
                "quasi-convex " + q.a() + " against grid " + grid.a());
        assertEquals(0.445, q.a(), 0.01, q.choice().how());
        assertTrue(q.evaluations() < grid.evaluations());
    }

    @Test
    void quasiConvexOnANearlyFlatObjectiveStaysNearTheMinimum() {
        Outcome o = run(new QuasiConvexSearch(), NEARLY_FLAT);
        // the values differ by 1e-11: the fit may not resolve them, but the bracket holds the minimum
        assertEquals(0.83, o.a(), 0.05, o.choice().how());
        assertTrue(NEARLY_FLAT.applyAsDouble(o.a()) - 1 <= 1e-11);
        assertTrue(o.evaluations() <= 15);
    }

    @Test
    void quasiConvexAtEitherEndFallsBackToTheBestSample() {
        Outcome zero = run(new QuasiConvexSearch(), MINIMUM_AT_ZERO);
        assertEquals(0.0, zero.a());
        assertTrue(zero.choice().how().startsWith("best sample"), zero.choice().how());
        // the bracket [0, 0.1] holds two samples: four more fill it; no root to measure
        assertEquals(11 + 4, zero.evaluations());
        Outcome one = run(new QuasiConvexSearch(), MINIMUM_AT_ONE);
        assertEquals(1.0, one.a());
        assertEquals(11 + 4, one.evaluations());
    }

    @Test
    void quasiConvexKeepsTheBestSampleWhenTheFittedMinimumMeasuresWorse() {
        // a quintic bowl with a spike just where the fit predicts its minimum: the measured root loses
        DoubleUnaryOperator spiked = a -> Math.abs(a - 0.37) < 1e-4 ? 10 : QUINTIC.applyAsDouble(a);
        Outcome o = run(new QuasiConvexSearch(), spiked);
        assertTrue(o.choice().how().contains("measured worse"), o.choice().how());
        assertTrue(Math.abs(o.a() - 0.37) > 1e-4 && Math.abs(o.a() - 0.37) <= 0.05, "a = " + o.a());
    }

    @Test
    void gridMeasuresEveryPointAndKeepsTheBest() {
        Outcome o = run(new GridSearch(), QUINTIC);
        assertEquals(21, o.evaluations());
        assertEquals(0.35, o.a(), 1e-12);
        assertEquals(java.util.List.of(0.0, 0.25, 0.5, 0.75, 1.0), GridSearch.points(0.25));
        assertEquals(1.0, GridSearch.points(0.3).get(GridSearch.points(0.3).size() - 1));
        assertEquals(5, GridSearch.points(0.3).size());
        assertEquals(0.0, run(new GridSearch(), MINIMUM_AT_ZERO).a());
        assertEquals(1.0, run(new GridSearch(), MINIMUM_AT_ONE).a());
    }

    @Test
    void goldenSectionSpendsItsBudgetAndConverges() {
        Outcome o = run(new GoldenSectionSearch(), QUINTIC);
        assertEquals(15, o.evaluations());
        // 13 interior measurements shrink [0, 1] to 0.618^12 = 0.003
        assertEquals(0.37, o.a(), 3e-3);
        assertEquals(0.62, run(new GoldenSectionSearch(), LOG_BOWL).a(), 3e-3);
        assertEquals(0.0, run(new GoldenSectionSearch(), MINIMUM_AT_ZERO).a());
        assertEquals(1.0, run(new GoldenSectionSearch(), MINIMUM_AT_ONE).a());
    }
}
