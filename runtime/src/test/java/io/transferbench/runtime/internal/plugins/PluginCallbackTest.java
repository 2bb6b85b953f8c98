package io.transferbench.runtime.internal.plugins;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.patching.CoefficientChoice;
import io.transferbench.api.patching.CoefficientSearch;
import io.transferbench.api.patching.CoefficientSearchFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plugin that calls the runtime back (a search asking for measurements): who is blamed for what fails. */
class PluginCallbackTest {

    static final class AskingSearch implements CoefficientSearchFactory {
        @Override
        public String id() {
            return "asking";
        }

        @Override
        public String description() {
            return "asks for a = 0.5";
        }

        @Override
        public CoefficientSearch create(ComponentParameters parameters) {
            return objective -> new CoefficientChoice(objective.at(0.5) > 0 ? 0.5 : 0, "");
        }
    }

    private static CoefficientSearch guarded() {
        AskingSearch factory = new AskingSearch();
        DiscoveredComponent component = new DiscoveredComponent(ComponentKind.COEFFICIENT_SEARCH, factory,
                new PluginSource(Path.of("asking.jar"), Optional.empty(), Optional.empty(), "class path"));
        return PluginCalls.guarded(CoefficientSearch.class, factory.create(ComponentParameters.of("asking",
                java.util.Map.of(), 1)), component);
    }

    @Test
    void theRuntimesOwnFailureInsideACallbackIsNotBlamedOnThePlugin() {
        IllegalStateException measurement = new IllegalStateException("the network cannot be measured");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> guarded().search(
                a -> PluginCalls.host(() -> {
                    throw measurement;
                })));
        assertSame(measurement, thrown, "the runtime's exception, as it was thrown");
    }

    @Test
    void thePluginsOwnFailureIsNamed() {
        PluginCalls.PluginFailure f = assertThrows(PluginCalls.PluginFailure.class,
                () -> guarded().search(a -> {
                    throw new IllegalArgumentException("the coefficient must lie in [0, 1]");
                }));
        assertTrue(f.getMessage().startsWith("the coefficient search 'asking' from"), f.getMessage());
    }

    @Test
    void aCallbackRunsWithTheRuntimesContextClassLoader() {
        ClassLoader[] seen = new ClassLoader[1];
        assertEquals(0.5, guarded().search(a -> PluginCalls.host(() -> {
            seen[0] = Thread.currentThread().getContextClassLoader();
            return 1.0;
        })).coefficient());
        assertSame(PluginCalls.class.getClassLoader(), seen[0]);
    }
}
