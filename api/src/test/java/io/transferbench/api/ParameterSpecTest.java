package io.transferbench.api;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterSpecTest {

    @Test
    void integerDefaultIsHeldAsLong() {
        ParameterSpec spec = ParameterSpec.integer("images", "Images ranked.").withDefault(256).withMinimum(1);
        assertEquals(256L, spec.defaultValue().orElseThrow());
        assertEquals(1.0, spec.minimum().orElseThrow());
        assertFalse(spec.required());
    }

    @Test
    void specWithoutDefaultIsRequired() {
        assertTrue(ParameterSpec.number("ratio", "Percent.").required());
    }

    @Test
    void defaultOfWrongTypeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterSpec.integer("images", "x").withDefault("many"));
        assertTrue(e.getMessage().contains("images"), e.getMessage());
    }

    @Test
    void choiceDefaultMustBeOneOfTheChoices() {
        assertThrows(IllegalArgumentException.class,
                () -> ParameterSpec.choice("mode", "x", "half-even", "half-up").withDefault("floor"));
        assertEquals("half-up", ParameterSpec.choice("mode", "x", "half-even", "half-up")
                .withDefault("half-up").defaultValue().orElseThrow());
    }

    @Test
    void namesMustBeLowercaseHyphenated() {
        assertThrows(IllegalArgumentException.class, () -> ParameterSpec.flag("maxImages", "x"));
    }

    @Test
    void rangeOnlyForNumbers() {
        assertThrows(IllegalStateException.class, () -> ParameterSpec.flag("on", "x").withMinimum(0));
    }

    @Test
    void invalidNamesTheLocationAndParameter() {
        ComponentParameters p = new ComponentParameters("hrank", Map.of("images", 0L),
                Map.of("images", "pipeline.yaml:7:15 (stages[0].importance.images)"), 1);
        InvalidParameterException e = p.invalid("images", "must be at least 1");
        assertEquals("pipeline.yaml:7:15 (stages[0].importance.images): parameter 'images' of 'hrank': must be at least 1",
                e.getMessage());
    }

    @Test
    void typedAccessRejectsUndeclaredNames() {
        ComponentParameters p = ComponentParameters.of("l1", Map.of("x", 3), 0);
        assertEquals(3L, p.integer("x"));
        assertEquals(3.0, p.number("x"));
        assertThrows(IllegalArgumentException.class, () -> p.integer("y"));
        assertThrows(IllegalArgumentException.class, () -> p.flag("x"));
    }
}
