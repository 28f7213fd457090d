// ThreadSanitizer hand-off annotations for locks TSan cannot see through.
//
// Swift's `Synchronization.Mutex` on Linux hands a contended lock over in the kernel
// (FUTEX_LOCK_PI / FUTEX_UNLOCK_PI): the thread that gets the lock makes no atomic
// operation TSan observes, so TSan reports the state the lock protects as racing.
// Announcing the hand-off with __tsan_release / __tsan_acquire on one address per lock
// restores the happens-before edge. Without TSan these are empty functions.
#ifndef CTHREADING_TSAN_H
#define CTHREADING_TSAN_H

#ifdef __cplusplus
extern "C" {
#endif

/// __tsan_acquire(address) under ThreadSanitizer; nothing otherwise. Call right after
/// taking the lock.
void cthreading_tsan_acquire(const void *address);
/// __tsan_release(address) under ThreadSanitizer; nothing otherwise. Call right before
/// releasing the lock.
void cthreading_tsan_release(const void *address);

#ifdef __cplusplus
}
#endif
#endif
