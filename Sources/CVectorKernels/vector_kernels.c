// Runtime dispatch between the variants of vector_kernels_body.h (see CVectorKernels.h).
#include "CVectorKernels.h"

#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#define DIT_VK_X86 1
#include <cpuid.h>
#endif

#define VK_SUFFIX baseline
#define VK_TARGET
#include "vector_kernels_body.h"
#undef VK_SUFFIX
#undef VK_TARGET

#if DIT_VK_X86
#define VK_SUFFIX avx2
#define VK_TARGET __attribute__((target("avx2")))
#include "vector_kernels_body.h"
#undef VK_SUFFIX
#undef VK_TARGET

#define VK_SUFFIX avx512
#define VK_TARGET __attribute__((target("avx512f")))
#include "vector_kernels_body.h"
#undef VK_SUFFIX
#undef VK_TARGET
#endif

/// The best level this CPU and OS support: AVX needs the OS to save ymm (XCR0 bits 1–2),
/// AVX-512 also opmask and zmm state (bits 5–7).
static int supported_level(void) {
#if DIT_VK_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!((c >> 27) & 1) || !((c >> 28) & 1)) return 0;  // OSXSAVE, AVX
    unsigned xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    (void)xcr0_high;
    if ((xcr0_low & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (((b >> 16) & 1) && (xcr0_low & 0xE6) == 0xE6) return 2;  // AVX512F
    if ((b >> 5) & 1) return 1;                                    // AVX2
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
void dit_vk_widen_f16(const uint16_t *source, float *target, size_t count) {
    DISPATCH(widen_f16, source, target, count)
}
