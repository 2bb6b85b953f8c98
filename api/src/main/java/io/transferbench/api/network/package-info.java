/**
 * Engine-neutral views of a network under training: its convolutional layers, their filter banks
 * as plain float arrays with shapes, feature maps and their loss gradients on demand, and evaluation.
 *
 * <p>Arrays handed out are copies: a plugin may keep or change them without touching the network.
 * Changing a network is the runtime's job; plugins return decisions (which filters, where).
 */
package io.transferbench.api.network;
