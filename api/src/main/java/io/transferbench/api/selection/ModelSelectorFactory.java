package io.transferbench.api.selection;

import io.transferbench.api.ComponentFactory;

/** The service a plugin provides to contribute a model selector. */
public interface ModelSelectorFactory extends ComponentFactory<ModelSelector> {
}
