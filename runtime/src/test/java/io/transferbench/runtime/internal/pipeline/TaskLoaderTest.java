package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.data.DataFiles;
import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tasks as a descriptor declares them, read from real IDX files: splits, transformations, label noise. */
class TaskLoaderTest {

    @TempDir
    Path dir;

    private Map<String, TaskData> load(String tasks) throws Exception {
        PipelineDescriptor d = new DescriptorValidator(new ComponentRegistry(List.of(), List.of()),
                BuiltInStageTypes.all().pipelineSchema()).validate(dir.resolve("t.yaml"), String.join("\n",
                "name: variants",
                "seed: 3",
                "tasks:",
                tasks,
                "networks: {a: {model: small-cnn, task: plain}}",
                "stages: [{type: evaluate, networks: [a]}]",
                ""));
        return new TaskLoader(new DatasetLoader()).loadAll(d);
    }

    @Test
    void variantsOfOneDataSetAreReadAsTheDescriptorSays() throws Exception {
        Path data = dir.resolve("fashion");
        DataFiles.mnistFolder(data, 20, 4, true);
        Map<String, TaskData> tasks = load(String.join("\n",
                "  plain: {dataset: fashion-mnist, path: " + data + "}",
                "  turned: {dataset: fashion-mnist, path: " + data + ", transform: {rotate: 180},"
                        + " validation-per-class: 1, label-noise: 0.5}"));
        TaskData plain = tasks.get("plain");
        TaskData turned = tasks.get("turned");
        assertEquals(0, plain.validation().size(), "no validation split unless asked");
        int classes = plain.train().classes();
        assertEquals(classes, turned.validation().size(), "one per class held out");
        assertEquals(plain.train().size() - classes, turned.train().size());
        // the test split is the same images turned by 180 degrees: each image's pixels reversed
        int per = plain.eval().pixelsPerImage();
        for (int i = 0; i < plain.eval().size(); i++) {
            for (int p = 0; p < per; p++) {
                assertEquals(plain.eval().pixels()[i * per + p], turned.eval().pixels()[i * per + per - 1 - p]);
            }
        }
        assertArrayEquals(plain.eval().labels(), turned.eval().labels(), "test labels stay clean");
        int changed = 0;
        for (int i = 0; i < turned.train().size(); i++) {
            changed += turned.train().labels()[i] != trueLabel(plain, turned, i) ? 1 : 0;
        }
        assertEquals(Math.round(0.5 * turned.train().size()), changed, "half the training labels changed");
        assertTrue(load(String.join("\n", "  plain: {dataset: fashion-mnist, path: " + data + "}")).get("plain")
                .train().size() == plain.train().size());
    }

    /** The clean label of the turned task's training image {@code i}, found by its (rotated) pixels. */
    private static int trueLabel(TaskData plain, TaskData turned, int i) {
        int per = plain.train().pixelsPerImage();
        for (int j = 0; j < plain.train().size(); j++) {
            boolean same = true;
            for (int p = 0; p < per && same; p++) {
                same = plain.train().pixels()[j * per + p] == turned.train().pixels()[i * per + per - 1 - p];
            }
            if (same) {
                return plain.train().labels()[j];
            }
        }
        throw new AssertionError("image " + i + " not found");
    }
}
