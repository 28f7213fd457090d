#define _GNU_SOURCE  // pipe2
#include "CThreadingShims.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
// Linux only (futex, prctl, gettid): the package declares Linux as its one platform.
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <pthread.h>
#include <signal.h>

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

static int interrupt_pipe = -1;

static void forward_interrupt(int sig) {
    int saved = errno;
    unsigned char byte = (unsigned char)sig;
    ssize_t ignored = write(interrupt_pipe, &byte, 1);
    (void)ignored;
    errno = saved;
}

int cthreading_forward_interrupts(int fd) {
    interrupt_pipe = fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward_interrupt;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    int signals[] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        struct sigaction old;
        if (sigaction(signals[i], NULL, &old) != 0) return -errno;
        // Ignored by whoever started us (a background job of a shell without job
        // control): it stays ignored, as a careful program leaves it.
        if (old.sa_handler == SIG_IGN) continue;
        if (sigaction(signals[i], &action, NULL) != 0) return -errno;
    }
    return 0;
}

void cthreading_reraise(int sig) {
    signal(sig, SIG_DFL);
    // The calling thread may block the signal (it inherited its creator's mask); the
    // process only gets here because some thread did not.
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    pthread_sigmask(SIG_UNBLOCK, &only, NULL);
    raise(sig);
    _exit(128 + sig);  // not reached: the default action of SIGINT and SIGTERM ends us
}

int cthreading_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    long rc = syscall(SYS_pidfd_open, pid, 0);
#else
    long rc = syscall(434, pid, 0);  // pidfd_open's number on x86-64 and arm64
#endif
    return rc < 0 ? -errno : (int)rc;
}

int cthreading_set_parent_death_signal(int sig) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0) == -1 ? -errno : 0;
}

int cthreading_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0) == -1 ? -errno : 0;
}

int cthreading_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC) == -1 ? -errno : 0; }

// The descriptor the stop-signal handler writes to; -1 when none is installed.
static volatile sig_atomic_t stop_signal_fd = -1;
static struct sigaction saved_term_action, saved_int_action;

static void stop_signal_handler(int sig) {
    int saved_errno = errno;
    int fd = stop_signal_fd;
    if (fd >= 0) {
        unsigned char byte = (unsigned char)sig;
        (void)!write(fd, &byte, 1);
    }
    errno = saved_errno;
}

int cthreading_stop_signals_install(int fd) {
    struct sigaction action;
    action.sa_handler = stop_signal_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    stop_signal_fd = fd;
    if (sigaction(SIGTERM, &action, &saved_term_action) != 0) return -errno;
    if (sigaction(SIGINT, &action, &saved_int_action) != 0) {
        int error = errno;
        sigaction(SIGTERM, &saved_term_action, NULL);
        return -error;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int result = pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return result == 0 ? 0 : -result;
}

int cthreading_stop_signals_restore(void) {
    int result = 0;
    if (sigaction(SIGTERM, &saved_term_action, NULL) != 0) result = -errno;
    if (sigaction(SIGINT, &saved_int_action, NULL) != 0) result = -errno;
    stop_signal_fd = -1;
    return result;
}
