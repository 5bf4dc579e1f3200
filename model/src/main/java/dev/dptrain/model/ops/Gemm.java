package dev.dptrain.model.ops;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Row-major single-precision matrix multiply on top of netlib's column-major BLAS.
 *
 * <p>C[m x n] = alpha * op(A) * op(B) + beta * C, all matrices row-major with leading
 * dimensions given as row strides. A row-major matrix is the transpose of the same memory read
 * column-major, so the call is forwarded as C^T = op(B)^T * op(A)^T with A and B swapped.
 */
public final class Gemm {
  private static final BLAS BLAS_IMPL = BlasInfo.blas();

  private Gemm() {}

  /** General form with offsets and row strides. */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                          float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) return;
    BLAS_IMPL.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k,
        alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
  }

  /** Dense packed form: op(A) is m x k, op(B) is k x n, C is m x n, no offsets. */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                          float alpha, float[] a, float[] b, float beta, float[] c) {
    gemm(transA, transB, m, n, k, alpha, a, 0, transA ? m : k, b, 0, transB ? k : n, beta, c, 0, n);
  }
}
