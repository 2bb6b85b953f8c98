/**
 * The component model shared by every plugin kind: a {@link io.transferbench.api.ComponentFactory}
 * with a stable lowercase-hyphenated id declares its {@link io.transferbench.api.ParameterSpec
 * parameters} and creates a component from validated {@link io.transferbench.api.ComponentParameters}.
 *
 * <p>Factories are found with {@link java.util.ServiceLoader}; the factory interfaces to provide
 * live in the sub-packages, one per kind of component.
 */
package io.transferbench.api;
