package io.transferbench.runtime.internal.stages;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatchDiagnosticsTest {

    @Test
    void backwardKnowledgeTransferIsTheLargestLossDropPerUnitOfDistance() {
        // by hand, distance 2: a = 0.25 -> 0.10 / 0.5 = 0.20; a = 0.5 -> 0.15 / 1 = 0.15; a = 1 -> -0.20 / 2 = -0.10
        PatchDiagnostics.Transfer t = PatchDiagnostics.backwardKnowledgeTransfer(
                Map.of(0.0, 1.0, 0.25, 0.9, 0.5, 0.85, 1.0, 1.2), 2.0).orElseThrow();
        assertEquals(0.20, t.value(), 1e-12);
        assertEquals(0.25, t.coefficient());
    }

    @Test
    void withoutTransferTheMaximumIsTheLeastHarmfulCoefficient() {
        // every a raises the supported loss: the value is negative, at the a that harms least per unit of a
        PatchDiagnostics.Transfer t = PatchDiagnostics.backwardKnowledgeTransfer(
                Map.of(0.0, 1.0, 0.1, 1.05, 1.0, 1.3), 1.0).orElseThrow();
        assertEquals(-0.30, t.value(), 1e-12);
        assertEquals(1.0, t.coefficient());
    }

    @Test
    void nothingButTheStartHasNoValue() {
        assertTrue(PatchDiagnostics.backwardKnowledgeTransfer(Map.of(0.0, 1.0), 1.0).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> PatchDiagnostics.backwardKnowledgeTransfer(Map.of(0.5, 1.0), 1.0));
    }
}
