#include "CThreadingShims.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#else
#include <pthread.h>
#endif

#include <pthread.h>

static uint64_t main_pthread;

__attribute__((constructor)) static void cthreading_capture_main(void) {
    main_pthread = (uint64_t)(uintptr_t)pthread_self();
}

uint64_t cthreading_main_pthread(void) { return main_pthread; }

int cthreading_write_stdout(const void *bytes, unsigned long count) {
    int rc = 0;
    flockfile(stdout);
    if (fwrite(bytes, 1, count, stdout) != count || fflush(stdout) != 0) rc = -errno;
    funlockfile(stdout);
    return rc;
}

bool cthreading_is_main_thread(void) {
    return (uint64_t)(uintptr_t)pthread_self() == main_pthread;
}

#ifdef __linux__
int cthreading_futex_wait(cthreading_word_t *w, uint32_t expected, int64_t timeout_ns) {
    struct timespec ts;
    struct timespec *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000);
        ts.tv_nsec = (long)(timeout_ns % 1000000000);
        tsp = &ts;
    }
    long rc = syscall(SYS_futex, &w->value, FUTEX_WAIT_PRIVATE, expected, tsp, NULL, 0);
    return rc == -1 ? -errno : 0;
}

int cthreading_futex_wake(cthreading_word_t *w, int count) {
    long rc = syscall(SYS_futex, &w->value, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
    return rc == -1 ? -errno : (int)rc;
}

int64_t cthreading_gettid(void) { return (int64_t)syscall(SYS_gettid); }

int cthreading_set_parent_death_signal(int sig) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0) == -1 ? -errno : 0;
}

int cthreading_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0) == -1 ? -errno : 0;
}
#else
// Off Linux there is no futex: one process-wide mutex and condition variable stand in.
// Correct (every waiter re-checks its word) but slower; Linux is the supported target.
static pthread_mutex_t fallback_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fallback_cond = PTHREAD_COND_INITIALIZER;

int cthreading_futex_wait(cthreading_word_t *w, uint32_t expected, int64_t timeout_ns) {
    int rc = 0;
    pthread_mutex_lock(&fallback_mutex);
    if (__atomic_load_n(&w->value, __ATOMIC_ACQUIRE) != expected) {
        rc = -EAGAIN;
    } else if (timeout_ns < 0) {
        rc = -pthread_cond_wait(&fallback_cond, &fallback_mutex);
    } else {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int64_t ns = now.tv_nsec + timeout_ns % 1000000000;
        struct timespec until = {now.tv_sec + timeout_ns / 1000000000 + ns / 1000000000,
                                 ns % 1000000000};
        rc = -pthread_cond_timedwait(&fallback_cond, &fallback_mutex, &until);
    }
    pthread_mutex_unlock(&fallback_mutex);
    return rc;
}

int cthreading_futex_wake(cthreading_word_t *w, int count) {
    (void)w;
    (void)count;
    pthread_mutex_lock(&fallback_mutex);
    pthread_cond_broadcast(&fallback_cond);
    pthread_mutex_unlock(&fallback_mutex);
    return 0;
}

int64_t cthreading_gettid(void) {
    uint64_t tid = 0;
    pthread_threadid_np(NULL, &tid);
    return (int64_t)tid;
}

int cthreading_set_parent_death_signal(int sig) { (void)sig; return 0; }
int cthreading_set_thread_name(const char *name) { return -pthread_setname_np(name); }
#endif
