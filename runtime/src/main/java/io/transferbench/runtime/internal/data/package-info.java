/**
 * Real data sets in their real formats: IDX (MNIST, Fashion-MNIST; gzip or raw) and the CIFAR-10 /
 * CIFAR-100 binary formats, and tasks cut from them (class subsets, per-class limits).
 */
package io.transferbench.runtime.internal.data;
