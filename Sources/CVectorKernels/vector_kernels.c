// Runtime dispatch between the variants of vector_kernels_body.h (see CVectorKernels.h).
#include "CVectorKernels.h"

#pragma clang fp contract(off)
// The sixteen-lane helpers are always inlined, so no vector ever crosses a call boundary whose
// ABI would depend on the instruction set.
#pragma clang diagnostic ignored "-Wpsabi"

#if defined(__x86_64__) || defined(__i386__)
#define DIT_VK_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#define VK_SUFFIX baseline
#define VK_TARGET
#include "vector_kernels_body.h"
#undef VK_SUFFIX
#undef VK_TARGET

#if DIT_VK_X86
#define VK_SUFFIX avx2
#define VK_TARGET __attribute__((target("avx2,f16c")))
#define VK_F16C_LANES 8
#include "vector_kernels_body.h"
#undef VK_SUFFIX
#undef VK_TARGET
#undef VK_F16C_LANES

#define VK_SUFFIX avx512
#define VK_TARGET __attribute__((target("avx512f")))
#define VK_F16C_LANES 16
#include "vector_kernels_body.h"
#undef VK_SUFFIX
#undef VK_TARGET
#undef VK_F16C_LANES
#endif

/// The best level this CPU and OS support: AVX needs the OS to save ymm state (XCR0 bits 1–2),
/// AVX-512 also opmask and zmm state (bits 5–7). Level 1 also needs F16C (every AVX2 CPU has it);
/// AVX-512F includes the 512-bit VCVTPH2PS.
static int supported_level(void) {
#if DIT_VK_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
    if (!osxsave || !avx) return 0;
    unsigned xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    (void)xcr0_high;
    if ((xcr0_low & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    if (avx512f && f16c && (xcr0_low & 0xE6) == 0xE6) return 2;
    if (avx2 && f16c) return 1;
#endif
    return 0;
}

/// -1 until first use; then the level in force. A race only computes the same value twice.
static int current_level = -1;

int dit_vk_level(void) {
    int level = __atomic_load_n(&current_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = supported_level();
        __atomic_store_n(&current_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

int dit_vk_set_level(int level) {
    int best = supported_level();
    int chosen = level < 0 ? 0 : (level > best ? best : level);
    __atomic_store_n(&current_level, chosen, __ATOMIC_RELAXED);
    return chosen;
}

#if DIT_VK_X86
#define DISPATCH(name, ...)                                        \
    switch (dit_vk_level()) {                                      \
    case 2: name##_avx512(__VA_ARGS__); return;                    \
    case 1: name##_avx2(__VA_ARGS__); return;                      \
    default: name##_baseline(__VA_ARGS__); return;                 \
    }
#else
#define DISPATCH(name, ...) name##_baseline(__VA_ARGS__)
#endif

void dit_vk_gelu_tanh(float *x, size_t count) { DISPATCH(gelu_tanh, x, count) }
void dit_vk_softmax_row(float *row, size_t length) { DISPATCH(softmax_row, row, length) }
void dit_vk_layer_norm_modulate(const float *input, size_t rows, size_t dimension, float eps,
                                const float *scale, const float *shift, float *output) {
    DISPATCH(layer_norm_modulate, input, rows, dimension, eps, scale, shift, output)
}
void dit_vk_add_gated(float *target, const float *source, const float *gate, size_t rows, size_t columns) {
    DISPATCH(add_gated, target, source, gate, rows, columns)
}
void dit_vk_widen_f16(const uint16_t *source, float *target, size_t count) {
    DISPATCH(widen_f16, source, target, count)
}
