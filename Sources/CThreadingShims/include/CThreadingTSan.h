// ThreadSanitizer hand-off annotations for locks TSan cannot see through.
//
// Swift's `Synchronization.Mutex` on Linux hands a contended lock over in the kernel
// (FUTEX_LOCK_PI / FUTEX_UNLOCK_PI): the thread that gets the lock makes no atomic
// operation TSan observes, so TSan reports the state the lock protects as racing.
// Announcing the hand-off with __tsan_release / __tsan_acquire on one address per lock
// restores the happens-before edge. Without TSan each is one test of a null symbol.
//
// Inline, with weak references resolved at load time: the symbols are present (non-null)
// exactly when the TSan runtime is linked into the process, whichever way this header's
// user was compiled. As out-of-line C functions they cost two calls per critical section
// of every future, sanitizer or not.
#ifndef CTHREADING_TSAN_H
#define CTHREADING_TSAN_H

#ifdef __cplusplus
extern "C" {
#endif

extern void __tsan_acquire(void *address) __attribute__((weak));
extern void __tsan_release(void *address) __attribute__((weak));

/// __tsan_acquire(address) under ThreadSanitizer; nothing otherwise. Call right after
/// taking the lock.
static inline __attribute__((always_inline)) void cthreading_tsan_acquire(const void *address) {
    if (__tsan_acquire) __tsan_acquire((void *)address);
}

/// __tsan_release(address) under ThreadSanitizer; nothing otherwise. Call right before
/// releasing the lock.
static inline __attribute__((always_inline)) void cthreading_tsan_release(const void *address) {
    if (__tsan_release) __tsan_release((void *)address);
}

#ifdef __cplusplus
}
#endif
#endif
