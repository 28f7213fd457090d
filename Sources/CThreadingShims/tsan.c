#include "CThreadingTSan.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CTHREADING_UNDER_TSAN 1
#endif
#endif

#ifdef CTHREADING_UNDER_TSAN
void __tsan_acquire(void *address);
void __tsan_release(void *address);

void cthreading_tsan_acquire(const void *address) { __tsan_acquire((void *)address); }
void cthreading_tsan_release(const void *address) { __tsan_release((void *)address); }
#else
void cthreading_tsan_acquire(const void *address) { (void)address; }
void cthreading_tsan_release(const void *address) { (void)address; }
#endif
