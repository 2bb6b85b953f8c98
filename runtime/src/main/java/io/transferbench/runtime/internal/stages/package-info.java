/**
 * The built-in stage types on the DL4J engine (pretrain, finetune, evaluate, prune, replace-filters,
 * online-transfer), each one class, registered in {@link io.transferbench.runtime.internal.stages.BuiltInStageTypes}.
 */
package io.transferbench.runtime.internal.stages;
