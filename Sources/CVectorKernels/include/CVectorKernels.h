#ifndef CVECTORKERNELS_H
#define CVECTORKERNELS_H
// The engine's hottest elementwise kernels, compiled once per x86 vector width (AVX-512, AVX2,
// baseline SSE2; other CPUs get the baseline) and chosen at run time from CPUID.
//
// Swift cannot compile one function for several instruction sets and pick at run time, and the
// portable build (x86-64 baseline) runs Swift's SIMD16 code as four SSE registers per vector with
// spills. Every variant performs exactly the operations of the Swift formulas it stands for
// (named below) in the same order, with
// floating-point contraction off (no FMA), so each gives bit for bit what the Swift code gives,
// on any CPU: only the speed depends on the variant.

#include <stddef.h>
#include <stdint.h>

/// GELU, tanh approximation, in place: x · sigmoid(2u), u = √(2/π)·(x + 0.044715·x³).
void dit_vk_gelu_tanh(float *x, size_t count);

/// Softmax of one row of `length` floats in place (max-subtracted, exponentials by `fastExp`,
/// the sum in eight lanes as `Kernels.sum`, then one multiplication by its inverse).
void dit_vk_softmax_row(float *row, size_t length);

/// Layer norm without affine weights, then adaLN modulation, over `rows` rows of `dimension`
/// floats: ((x − mean) · 1/√(var + eps)) · (1 + scale) + shift, the statistics summed in eight
/// lanes as `Kernels.sum` / `Kernels.sumOfSquares` (`AdaptiveModulation.layerNormModulate`).
void dit_vk_layer_norm_modulate(const float *input, size_t rows, size_t dimension, float eps,
                                const float *scale, const float *shift, float *output);

/// The gated residual of adaLN-Zero blocks: target[r][j] += gate[j] · source[r][j].
void dit_vk_add_gated(float *target, const float *source, const float *gate, size_t rows, size_t columns);

/// Float32 values of `count` IEEE binary16 bit patterns (aligned, native byte order).
void dit_vk_widen_f16(const uint16_t *source, float *target, size_t count);

/// Which variant runs: 0 baseline, 1 AVX2, 2 AVX-512 (the best this CPU and OS support).
int dit_vk_level(void);

/// Chooses the variant (clamped to what the CPU supports; for tests that compare them);
/// returns the level now in force.
int dit_vk_set_level(int level);

#endif
