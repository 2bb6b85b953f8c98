/** The built-in task distances and model selectors of Task2Vec's stages. */
package io.transferbench.plugins.selection;
