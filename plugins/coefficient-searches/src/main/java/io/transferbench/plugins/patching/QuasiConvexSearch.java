package io.transferbench.plugins.patching;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.patching.CoefficientChoice;
import io.transferbench.api.patching.CoefficientSearch;
import io.transferbench.api.patching.CoefficientSearchFactory;
import io.transferbench.api.patching.PatchObjective;
import org.apache.commons.math3.analysis.polynomials.PolynomialFunction;
import org.apache.commons.math3.analysis.solvers.LaguerreSolver;
import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.fitting.PolynomialCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code quasi-convex}, the seed's method: assuming the objective is quasi-convex in a, measure it at evenly
 * spaced coefficients, bracket the minimum by the best sample's neighbours, fill the bracket with samples until
 * it holds {@code degree + 1}, fit a polynomial of that degree by least squares, and take the real root of its
 * derivative inside the bracket with a positive second derivative and the lowest fitted value. The root is
 * measured; the choice is the root, or the best sample when
 * <ul>
 *   <li>the fitted polynomial has no such root (the minimum lies on the bracket's edge, the fit is flat, or the
 *       root finder fails), or</li>
 *   <li>the root measures worse than the best sample (the fit misled).</li>
 * </ul>
 * Cost with the defaults: 11 samples, 3 to fill the bracket (4 when the best sample is an end), 1 for the root.
 */
public final class QuasiConvexSearch implements CoefficientSearchFactory {

    @Override
    public String id() {
        return "quasi-convex";
    }

    @Override
    public String description() {
        return "Brackets the best of evenly spaced samples, fits a degree-5 polynomial there and takes its "
                + "minimum from the roots of its derivative (Matsushita and Furukawa).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.integer("samples", "Evenly spaced coefficients measured first, both ends included.")
                        .withDefault(11).withMinimum(3).withMaximum(1001),
                ParameterSpec.integer("degree", "Degree of the polynomial fitted in the bracket; the bracket is "
                        + "filled to degree + 1 samples.").withDefault(5).withMinimum(2).withMaximum(10));
    }

    @Override
    public CoefficientSearch create(ComponentParameters parameters) {
        int samples = (int) parameters.integer("samples");
        int degree = (int) parameters.integer("degree");
        return objective -> search(objective, samples, degree);
    }

    static CoefficientChoice search(PatchObjective objective, int samples, int degree) {
        Measured m = new Measured(objective);
        for (int i = 0; i < samples; i++) {
            m.at((double) i / (samples - 1));
        }
        double best = m.best();
        List<Double> grid = new ArrayList<>(m.all().keySet());
        int at = grid.indexOf(best);
        double lo = grid.get(Math.max(0, at - 1));
        double hi = grid.get(Math.min(grid.size() - 1, at + 1));
        fill(m, lo, hi, degree + 1);
        best = m.best();
        Fit fit = fit(m, lo, hi, degree);
        if (fit.root().isEmpty()) {
            return new CoefficientChoice(best, "best sample: " + fit.why());
        }
        double root = fit.root().get();
        double measured = m.at(root);
        if (measured > m.valueAt(best)) {
            return new CoefficientChoice(best, String.format(Locale.ROOT,
                    "best sample: the fitted minimum at %.4f measured worse", root));
        }
        return new CoefficientChoice(root, String.format(Locale.ROOT, "fitted minimum in [%.4f, %.4f]", lo, hi));
    }

    /** Bisects the widest gap between the bracket's samples until it holds {@code points}. */
    private static void fill(Measured m, double lo, double hi, int points) {
        while (m.all().subMap(lo, true, hi, true).size() < points) {
            List<Double> inside = new ArrayList<>(m.all().subMap(lo, true, hi, true).keySet());
            int widest = 0;
            for (int i = 1; i < inside.size() - 1; i++) {
                if (inside.get(i + 1) - inside.get(i) > inside.get(widest + 1) - inside.get(widest) + 1e-15) {
                    widest = i;
                }
            }
            m.at((inside.get(widest) + inside.get(widest + 1)) / 2);
        }
    }

    /** The fitted minimum inside the bracket, or why there is none. */
    record Fit(java.util.Optional<Double> root, String why) {
    }

    static Fit fit(Measured m, double lo, double hi, int degree) {
        // fit in t = (a - lo) / (hi - lo) in [0, 1]: the normal equations stay well conditioned
        WeightedObservedPoints points = new WeightedObservedPoints();
        for (Map.Entry<Double, Double> e : m.all().subMap(lo, true, hi, true).entrySet()) {
            points.add((e.getKey() - lo) / (hi - lo), e.getValue());
        }
        PolynomialFunction p = new PolynomialFunction(PolynomialCurveFitter.create(degree).fit(points.toList()));
        PolynomialFunction slope = p.polynomialDerivative();
        PolynomialFunction curvature = slope.polynomialDerivative();
        double[] c = slope.getCoefficients();
        if (c.length < 2) {
            return new Fit(java.util.Optional.empty(), "the fitted polynomial is flat");
        }
        Complex[] roots;
        try {
            roots = new LaguerreSolver().solveAllComplex(c, 0.5);
        } catch (RuntimeException e) {
            return new Fit(java.util.Optional.empty(), "no root of the fit's derivative found (" + e.getMessage() + ")");
        }
        Double bestT = null;
        for (Complex r : roots) {
            double t = r.getReal();
            boolean real = Math.abs(r.getImaginary()) <= 1e-7 * Math.max(1, Math.abs(t));
            if (real && t >= 0 && t <= 1 && curvature.value(t) > 0 && (bestT == null || p.value(t) < p.value(bestT))) {
                bestT = t;
            }
        }
        if (bestT == null) {
            return new Fit(java.util.Optional.empty(), "the fit has no minimum inside the bracket");
        }
        return new Fit(java.util.Optional.of(Math.min(hi, Math.max(lo, lo + bestT * (hi - lo)))), "");
    }
}
