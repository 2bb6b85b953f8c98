/**
 * The Deeplearning4j engine: model builders, training with lifecycle events, the network views of
 * the API, filter surgery. The only package that touches DL4J and ND4J (read as the unnamed module).
 */
package io.transferbench.runtime.internal.engine;
