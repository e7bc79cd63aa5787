// One variant of the vector kernels: included by vector_kernels.c once per instruction set, with
// VK_SUFFIX naming the variant and VK_TARGET its target attribute. Sixteen-lane vectors (GCC/clang
// vector extensions) lower to one zmm, two ymm or four xmm registers.
//
// Each operation below mirrors the Swift code it replaces, in the same order; contraction is off
// in the including file, so no multiply-add is fused and every variant rounds identically.

#include <string.h>

#define VK_CAT2(a, b) a##_##b
#define VK_CAT(a, b) VK_CAT2(a, b)
#define VK(name) VK_CAT(name, VK_SUFFIX)

#ifndef VK_TYPES_DEFINED
#define VK_TYPES_DEFINED
typedef float vk_f16x __attribute__((vector_size(64)));
typedef int32_t vk_i16x __attribute__((vector_size(64)));
typedef float vk_f8x __attribute__((vector_size(32)));
typedef enum { VK_TAIL_GELU, VK_TAIL_EXP } vk_tail_op;
#endif

/// `Kernels.fastExp` on sixteen lanes: clamp to [-87.33654, 88.72283], n = round(x/ln2) by the
/// 1.5·2²³ shifter, r = x − n·ln2 in two parts, a degree-6 polynomial, 2ⁿ as two exponent factors.
static inline __attribute__((always_inline)) VK_TARGET vk_f16x VK(exp16)(vk_f16x value) {
    const vk_f16x zero = {0}, low = zero + -87.33654f, high = zero + 88.72283f;
    vk_i16x below = value < low;
    vk_f16x x = (vk_f16x)((below & (vk_i16x)low) | (~below & (vk_i16x)value));
    vk_i16x above = x > high;
    x = (vk_f16x)((above & (vk_i16x)high) | (~above & (vk_i16x)x));
    const float shifter = 12582912.0f;
    vk_f16x shifted = x * 1.44269504088896341f + shifter;
    vk_f16x n = shifted - shifter;
    vk_f16x r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    vk_f16x r2 = r * r;
    vk_f16x p = zero + 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    vk_f16x er = p * r2 + r + 1.0f;
    vk_i16x shifterBits = (vk_i16x)(zero + shifter);
    vk_i16x ni = (vk_i16x)shifted - shifterBits;
    vk_i16x half = ni >> 1;
    vk_f16x scaleA = (vk_f16x)((half + 127) << 23);
    vk_f16x scaleB = (vk_f16x)((ni - half + 127) << 23);
    return er * scaleA * scaleB;
}

static inline __attribute__((always_inline)) VK_TARGET vk_f16x VK(gelu16)(vk_f16x v) {
    const float c = 0.7978845608028654f;  // √(2/π)
    vk_f16x u = c * (v + 0.044715f * v * v * v);
    return v / (1.0f + VK(exp16)(-2.0f * u));
}

/// `Kernels.sum`: eight lanes accumulated chunk by chunk, reduced lane 0 to 7 from −0, then the
/// tail one by one.
static inline __attribute__((always_inline)) VK_TARGET float VK(sum8)(const float *x, size_t n) {
    vk_f8x acc = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        vk_f8x v;
        memcpy(&v, x + j, sizeof v);
        acc = acc + v;
    }
    float total = -0.0f;
    for (int lane = 0; lane < 8; lane++) total += acc[lane];
    for (; j < n; j++) total += x[j];
    return total;
}

/// `Kernels.sumOfSquares(_:count:center:)`, in the same lanes and order as `sum8`.
static inline __attribute__((always_inline)) VK_TARGET float VK(sum_squares8)(const float *x, size_t n, float center) {
    vk_f8x acc = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        vk_f8x v;
        memcpy(&v, x + j, sizeof v);
        vk_f8x d = v - center;
        acc = acc + d * d;
    }
    float total = -0.0f;
    for (int lane = 0; lane < 8; lane++) total += acc[lane];
    for (; j < n; j++) {
        float d = x[j] - center;
        total += d * d;
    }
    return total;
}

/// The last `rest` (< 16) floats of `x` through one padded vector, lane for lane what a full vector
/// computes: GELU, or exp(x − shift) for a softmax row.
static inline __attribute__((always_inline)) VK_TARGET void VK(tail16)(float *x, size_t rest, vk_tail_op op, float shift) {
    float lanes[16] = {0};
    memcpy(lanes, x, rest * sizeof(float));
    vk_f16x v;
    memcpy(&v, lanes, sizeof v);
    v = op == VK_TAIL_GELU ? VK(gelu16)(v) : VK(exp16)(v - shift);
    memcpy(lanes, &v, sizeof v);
    memcpy(x, lanes, rest * sizeof(float));
}

VK_TARGET static void VK(gelu_tanh)(float *x, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        vk_f16x v;
        memcpy(&v, x + i, sizeof v);
        v = VK(gelu16)(v);
        memcpy(x + i, &v, sizeof v);
    }
    if (i < count) VK(tail16)(x + i, count - i, VK_TAIL_GELU, 0);
}

VK_TARGET static void VK(softmax_row)(float *r, size_t n) {
    if (n == 0) return;
    // The maximum (the same in any order), sixteen lanes at a time, then across the lanes.
    size_t j = 0;
    float maximum = r[0];
    if (n >= 16) {
        vk_f16x lanes;
        memcpy(&lanes, r, sizeof lanes);
        for (j = 16; j + 16 <= n; j += 16) {
            vk_f16x v;
            memcpy(&v, r + j, sizeof v);
            vk_i16x greater = v > lanes;
            lanes = (vk_f16x)((greater & (vk_i16x)v) | (~greater & (vk_i16x)lanes));
        }
        maximum = lanes[0];
        for (int lane = 1; lane < 16; lane++) maximum = lanes[lane] > maximum ? lanes[lane] : maximum;
    }
    for (; j < n; j++) maximum = r[j] > maximum ? r[j] : maximum;
    j = 0;
    for (; j + 16 <= n; j += 16) {
        vk_f16x v;
        memcpy(&v, r + j, sizeof v);
        v = VK(exp16)(v - maximum);
        memcpy(r + j, &v, sizeof v);
    }
    if (j < n) VK(tail16)(r + j, n - j, VK_TAIL_EXP, maximum);
    float inverse = 1.0f / VK(sum8)(r, n);
    for (j = 0; j < n; j++) r[j] *= inverse;
}

/// `AdaptiveModulation.layerNormModulate`: per row, mean = sum / n, inverse = 1 / √(Σ(x − mean)² / n
/// + eps), then ((x − mean) · inverse) · (1 + scale) + shift.
VK_TARGET static void VK(layer_norm_modulate)(const float *input, size_t rows, size_t dimension, float eps,
                                              const float *scale, const float *shift, float *output) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = input + row * dimension;
        float *y = output + row * dimension;
        float mean = VK(sum8)(x, dimension) / (float)dimension;
        float squares = VK(sum_squares8)(x, dimension, mean);
        float inverse = 1.0f / __builtin_sqrtf(squares / (float)dimension + eps);
        for (size_t j = 0; j < dimension; j++) y[j] = (x[j] - mean) * inverse * (1.0f + scale[j]) + shift[j];
    }
}

/// `Kernels.addGated`: target[r][j] += gate[j] · source[r][j].
VK_TARGET static void VK(add_gated)(float *target, const float *source, const float *gate, size_t rows,
                                    size_t columns) {
    for (size_t row = 0; row < rows; row++) {
        float *t = target + row * columns;
        const float *s = source + row * columns;
        for (size_t j = 0; j < columns; j++) t[j] += gate[j] * s[j];
    }
}

/// `FloatConversion.float(fromFloat16Bits:)`: the magnitude moved into a Float's place and
/// scaled by 2¹¹² (normals and subnormals exactly), infinities and NaNs given the all-ones
/// exponent (NaNs quieted, payload kept) — what F16C's VCVTPH2PS does in hardware.
static inline __attribute__((always_inline)) VK_TARGET float VK(widen_one)(uint16_t half) {
    uint32_t bits = half;
    uint32_t magnitude = bits & 0x7FFF, sign = (bits & 0x8000) << 16;
    float moved;
    uint32_t shifted = magnitude << 13;
    memcpy(&moved, &shifted, 4);
    float scaledValue = moved * 0x1p112f;
    uint32_t scaled;
    memcpy(&scaled, &scaledValue, 4);
    uint32_t special = shifted | 0x7F800000u | (magnitude > 0x7C00 ? 0x00400000u : 0);
    uint32_t result = (magnitude >= 0x7C00 ? special : scaled) | sign;
    float value;
    memcpy(&value, &result, 4);
    return value;
}

VK_TARGET static void VK(widen_f16)(const uint16_t *source, float *target, size_t count) {
    size_t i = 0;
#if defined(VK_F16C_LANES) && VK_F16C_LANES == 16
    for (; i + 16 <= count; i += 16) {
        _mm512_storeu_ps(target + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(source + i))));
    }
#elif defined(VK_F16C_LANES) && VK_F16C_LANES == 8
    for (; i + 8 <= count; i += 8) {
        _mm256_storeu_ps(target + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(source + i))));
    }
#endif
    for (; i < count; i++) target[i] = VK(widen_one)(source[i]);
}
