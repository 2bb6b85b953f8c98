package io.transferbench.api.patching;

import io.transferbench.api.ComponentFactory;

/** The service a plugin provides to contribute a coefficient search. */
public interface CoefficientSearchFactory extends ComponentFactory<CoefficientSearch> {
}
