package org.lab.plugins;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.ScheduleParameter;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test your components on plain Java, as here: no network, no Transferbench runtime needed. */
class LabPluginTest {

    private final AdjustmentRule rule = new CautiousRule().create(ComponentParameters.of("cautious", Map.of("step", 20.0), 1));

    @Test
    void transfersLessWhenTheErrorRose() {
        assertEquals(30.0, rule.adjust(new AdjustmentContext(ScheduleParameter.FREQUENCY, 25, 1.5, 2, 50, 600)), 1e-9);
        assertEquals(8.0, rule.adjust(new AdjustmentContext(ScheduleParameter.RATIO, 10, 1.5, 2, 50, 600)), 1e-9);
    }

    @Test
    void keepsTheScheduleWhenTheErrorFell() {
        assertEquals(25.0, rule.adjust(new AdjustmentContext(ScheduleParameter.FREQUENCY, 25, -0.5, 3, 75, 600)), 1e-9);
    }
}
