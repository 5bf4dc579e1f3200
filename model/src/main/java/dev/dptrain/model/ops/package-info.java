/**
 * Kernels the layers call in one line: gemm through the BLAS in use, im2col, weight
 * normalisation, and what BLAS is in use.
 */
package dev.dptrain.model.ops;
