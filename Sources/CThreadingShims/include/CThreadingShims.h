// The few platform calls Swift cannot make directly: the variadic `syscall` (futex,
// gettid, pidfd_open), `prctl`, `sigaction`, and C11 atomics on a word whose address the kernel needs.
// Every function names the C call it wraps and returns its result or -errno.
#ifndef CTHREADING_SHIMS_H
#define CTHREADING_SHIMS_H

#include <stdint.h>
#include <stdbool.h>

#include "CThreadingTSan.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A 32-bit word that a futex can wait on.
/// Loads and stores go through the atomics below, so TSan sees them.
typedef struct { uint32_t value; } cthreading_word_t;

static inline uint32_t cthreading_word_load_acquire(cthreading_word_t *w) {
    return __atomic_load_n(&w->value, __ATOMIC_ACQUIRE);
}
static inline uint32_t cthreading_word_load_relaxed(cthreading_word_t *w) {
    return __atomic_load_n(&w->value, __ATOMIC_RELAXED);
}
static inline void cthreading_word_store_release(cthreading_word_t *w, uint32_t v) {
    __atomic_store_n(&w->value, v, __ATOMIC_RELEASE);
}
static inline uint32_t cthreading_word_exchange(cthreading_word_t *w, uint32_t v) {
    return __atomic_exchange_n(&w->value, v, __ATOMIC_ACQ_REL);
}
/// Acquire ordering on success; on failure `*expected` holds the value seen.
static inline bool cthreading_word_cas(cthreading_word_t *w, uint32_t *expected, uint32_t desired) {
    return __atomic_compare_exchange_n(&w->value, expected, desired, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static inline uint32_t cthreading_word_fetch_add(cthreading_word_t *w, uint32_t v) {
    return __atomic_fetch_add(&w->value, v, __ATOMIC_ACQ_REL);
}
static inline uint32_t cthreading_word_fetch_sub(cthreading_word_t *w, uint32_t v) {
    return __atomic_fetch_sub(&w->value, v, __ATOMIC_ACQ_REL);
}
/// A hint to the processor inside a bounded spin (`pause` on x86).
static inline void cthreading_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// futex(FUTEX_WAIT_PRIVATE): sleeps while `*w == expected`, at most `timeout_ns`
/// nanoseconds (negative: no limit). Returns 0, or -errno (EAGAIN: the value differed;
/// ETIMEDOUT; EINTR).
int cthreading_futex_wait(cthreading_word_t *w, uint32_t expected, int64_t timeout_ns);
/// futex(FUTEX_WAKE_PRIVATE): wakes at most `count` sleepers. Returns how many woke, or -errno.
int cthreading_futex_wake(cthreading_word_t *w, int count);

/// gettid(2): the kernel's id of the calling thread.
int64_t cthreading_gettid(void);
/// sigaction(2) for SIGINT and SIGTERM: a handler that writes the signal's number, one
/// byte, to `fd` (a pipe a thread reads), and nothing else (write is async-signal-safe).
/// A signal the process inherited as ignored stays ignored. Returns 0 or -errno.
int cthreading_forward_interrupts(int fd);
/// Puts back the default action for `sig` and raises it: the process ends by that signal,
/// as it would have without a handler.
void cthreading_reraise(int sig);
/// pidfd_open(2): a descriptor that polls readable once process `pid` has ended (a
/// zombie counts). Returns the descriptor or -errno (-ESRCH: no such process).
int cthreading_pidfd_open(int pid);
/// prctl(PR_SET_PDEATHSIG, sig): the kernel sends `sig` to the caller when its parent
/// thread exits. Returns 0 or -errno.
int cthreading_set_parent_death_signal(int sig);
/// prctl(PR_SET_NAME): the name `top` and `/proc/PID/task` show (15 bytes at most).
int cthreading_set_thread_name(const char *name);

/// flockfile(stdout) + fwrite + fflush + funlockfile: writes `count` bytes to the C
/// `stdout` stream (the one Swift's `print` uses) as one unit and flushes it. Returns 0 or
/// -errno. Swift 6 cannot name the `stdout` global itself.
int cthreading_write_stdout(const void *bytes, unsigned long count);

/// pipe2(fds, O_CLOEXEC): both ends close on exec, atomically (Glibc's Swift module does
/// not export pipe2). Returns 0 or -errno.
int cthreading_pipe_cloexec(int fds[2]);

/// sigaction(SIGTERM and SIGINT) with a handler that writes the signal's number as one
/// byte to `fd` (async-signal-safe: one write(2)), saving the previous actions, then
/// pthread_sigmask(SIG_UNBLOCK) of both for the calling thread. One installation at a
/// time in a process. Returns 0 or -errno.
int cthreading_stop_signals_install(int fd);
/// Puts back the actions `cthreading_stop_signals_install` saved. Returns 0 or -errno.
int cthreading_stop_signals_restore(void);

/// pthread_self() of the thread that loaded the program (its main thread), captured by
/// a load-time constructor.
uint64_t cthreading_main_pthread(void);
/// Whether the caller is the process's main thread: its pthread_self() is the one the
/// load-time constructor captured (`cthreading_main_pthread`).
bool cthreading_is_main_thread(void);

#ifdef __cplusplus
}
#endif
#endif
