package io.transferbench.api.compression;

import io.transferbench.api.ComponentFactory;

/** The service a plugin provides to contribute a compression controller. */
public interface CompressionControllerFactory extends ComponentFactory<CompressionController> {
}
