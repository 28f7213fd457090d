#include "CThreadingTSan.h"

// Weak references, resolved at load time: present (non-null) exactly when the TSan
// runtime is linked into the process. So the annotations work whether or not this file
// itself was compiled with -fsanitize=thread: CI's TSan build instruments the Swift code
// only (-Xswiftc -sanitize=thread) and reuses the plain build's C objects.
extern void __tsan_acquire(void *address) __attribute__((weak));
extern void __tsan_release(void *address) __attribute__((weak));

void cthreading_tsan_acquire(const void *address) {
    if (__tsan_acquire) __tsan_acquire((void *)address);
}

void cthreading_tsan_release(const void *address) {
    if (__tsan_release) __tsan_release((void *)address);
}
