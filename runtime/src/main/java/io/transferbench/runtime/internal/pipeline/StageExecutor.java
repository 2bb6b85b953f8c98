package io.transferbench.runtime.internal.pipeline;

/** Runs one stage type. Executors are bound by stage type in Guice. */
public interface StageExecutor {

    /** The descriptor's {@code type} this executor runs, e.g. {@code pretrain}. */
    String type();

    void run(StageContext context) throws Exception;
}
