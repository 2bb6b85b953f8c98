/**
 * Compression controllers: which filters to remove (or mask during a search) at each step of a
 * compression stage. Provide a {@link io.transferbench.api.compression.CompressionControllerFactory}.
 */
package io.transferbench.api.compression;
