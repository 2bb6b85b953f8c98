/** The built-in stage types on the DL4J engine: pretrain, finetune, evaluate. */
package io.transferbench.runtime.internal.stages;
