package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.report.RunReport;

import java.util.List;
import java.util.Optional;

/**
 * One kind of pipeline step ({@code pretrain}, {@code online-transfer}, ...): everything about it in one
 * class. It declares its descriptor keys, turns its validated section into typed settings once (its
 * components resolved, not yet created), names the components it uses, runs, and may add its own part
 * to the report. Registered in {@code BuiltInStageTypes} (or, in tests, added to a {@link StageTypes}).
 *
 * @param <S> the stage's typed settings, usually a record
 */
public interface StageType<S> {

    /** Its descriptor keys; {@code schema().type()} is the descriptor's {@code type}. */
    StageSchema schema();

    default String type() {
        return schema().type();
    }

    /** The stage's settings from its validated section: called once per stage and trial, before it runs. */
    S settings(StageDeclaration stage);

    /** The components the stage uses, for {@code validate --explain} and the run folder's components.json. */
    default List<StageComponent<?>> components(S settings) {
        return List.of();
    }

    /**
     * What in these settings cannot act as written (a rule that can never fire): printed by validate and
     * run before anything trains, and recorded for the report. None by default.
     */
    default List<String> warnings(S settings) {
        return List.of();
    }

    /**
     * What makes these settings impossible across the descriptor's sections (the schema checks each section on
     * its own): located problems, reported with the schema's and nothing run. None by default.
     */
    default List<io.transferbench.runtime.internal.descriptor.DescriptorProblem> problems(S settings,
                                                                                      StageDeclaration stage) {
        return List.of();
    }

    void run(S settings, StageContext context) throws Exception;

    /** Its own part of each stage section of the report, after the generic curves; none by default. */
    default Optional<RunReport.Section> report() {
        return Optional.empty();
    }
}
