/* Context switches between two threads or two processes on one CPU (the guest has one), by
 * ping-pong: one side wakes the other and waits for the answer. Half a round trip is one
 * switch. Prints futex_switch, pipe_thread_switch, pipe_process_switch and
 * futex_process_switch (half round trips) and the matching *_roundtrip figures: the thread
 * ones compare with NexOS's ipc_roundtrip (kernel threads), the process ones with
 * user_ipc_roundtrip (two ring-3 processes). */
#include "bench.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 2000
#define WARMUP 200

static _Atomic int turn; /* 0: the measurer's turn, 1: the partner's */

static void futex_wait(_Atomic int *addr, int value)
{
    while (atomic_load(addr) == value)
        syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
}

static void futex_wake(_Atomic int *addr)
{
    syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* The same for a futex word that two processes share: FUTEX_WAIT and FUTEX_WAKE without
 * FUTEX_PRIVATE_FLAG, so the kernel keys the futex on the shared page, not on one process's
 * address space. */
static void shared_futex_wait(_Atomic int *addr, int value)
{
    while (atomic_load(addr) == value)
        syscall(SYS_futex, addr, FUTEX_WAIT, value, NULL, NULL, 0);
}

static void shared_futex_wake(_Atomic int *addr)
{
    syscall(SYS_futex, addr, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void *futex_partner(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS + WARMUP; i++) {
        futex_wait(&turn, 0);
        atomic_store(&turn, 0);
        futex_wake(&turn);
    }
    return NULL;
}

static void report(const char *switch_name, const char *rt_name, struct samples *rt)
{
    struct samples half;
    samples_init(&half, rt->n);
    for (size_t i = 0; i < rt->n; i++)
        samples_add(&half, rt->v[i] / 2);
    print_json(switch_name, &half);
    print_json(rt_name, rt);
    free(half.v);
}

static void bench_futex(void)
{
    struct samples rt;
    pthread_t t;
    samples_init(&rt, ROUNDS);
    atomic_store(&turn, 0);
    if (pthread_create(&t, NULL, futex_partner, NULL) != 0) {
        print_error("futex_switch", "pthread_create failed");
        return;
    }
    for (int i = 0; i < ROUNDS + WARMUP; i++) {
        uint64_t start = now_ns();
        atomic_store(&turn, 1);
        futex_wake(&turn);
        futex_wait(&turn, 1);
        if (i >= WARMUP)
            samples_add(&rt, now_ns() - start);
    }
    pthread_join(t, NULL);
    report("futex_switch", "futex_roundtrip", &rt);
    free(rt.v);
}

/* Futex ping-pong between two processes: the turn word lives in MAP_SHARED anonymous
 * memory, which the forked partner shares. Compares with NexOS's user_ipc_roundtrip. */
static void bench_futex_process(void)
{
    _Atomic int *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (word == MAP_FAILED) {
        print_error("futex_process_switch", "mmap failed");
        return;
    }
    atomic_store(word, 0);
    struct samples rt;
    samples_init(&rt, ROUNDS);
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < ROUNDS + WARMUP; i++) {
            shared_futex_wait(word, 0);
            atomic_store(word, 0);
            shared_futex_wake(word);
        }
        _exit(0);
    }
    if (child < 0) {
        print_error("futex_process_switch", "fork failed");
    } else {
        for (int i = 0; i < ROUNDS + WARMUP; i++) {
            uint64_t start = now_ns();
            atomic_store(word, 1);
            shared_futex_wake(word);
            shared_futex_wait(word, 1);
            if (i >= WARMUP)
                samples_add(&rt, now_ns() - start);
        }
        int status = 0;
        waitpid(child, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            report("futex_process_switch", "futex_process_roundtrip", &rt);
        else
            print_error("futex_process_switch", "partner failed");
    }
    free(rt.v);
    munmap((void *)word, 4096);
}

/* The partner's side of a pipe ping-pong: read a byte, write it back. */
static void echo(int in, int out)
{
    char c;
    for (int i = 0; i < ROUNDS + WARMUP; i++) {
        if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
            break;
    }
}

struct pipes {
    int to_partner[2];
    int to_measurer[2];
};

static void *pipe_partner(void *arg)
{
    struct pipes *p = arg;
    echo(p->to_partner[0], p->to_measurer[1]);
    return NULL;
}

static int measure_pipe(struct pipes *p, struct samples *rt)
{
    char c = 'x';
    for (int i = 0; i < ROUNDS + WARMUP; i++) {
        uint64_t start = now_ns();
        if (write(p->to_partner[1], &c, 1) != 1 || read(p->to_measurer[0], &c, 1) != 1)
            return -1;
        if (i >= WARMUP)
            samples_add(rt, now_ns() - start);
    }
    return 0;
}

static void bench_pipe(int processes)
{
    const char *sw = processes ? "pipe_process_switch" : "pipe_thread_switch";
    const char *rtn = processes ? "pipe_process_roundtrip" : "pipe_thread_roundtrip";
    struct pipes p;
    struct samples rt;
    if (pipe(p.to_partner) != 0 || pipe(p.to_measurer) != 0) {
        print_error(sw, "pipe failed");
        return;
    }
    samples_init(&rt, ROUNDS);
    int ok;
    if (processes) {
        pid_t child = fork();
        if (child == 0) {
            echo(p.to_partner[0], p.to_measurer[1]);
            _exit(0);
        }
        ok = child > 0 && measure_pipe(&p, &rt) == 0;
        if (child > 0)
            waitpid(child, NULL, 0);
    } else {
        pthread_t t;
        ok = pthread_create(&t, NULL, pipe_partner, &p) == 0 && measure_pipe(&p, &rt) == 0;
        pthread_join(t, NULL);
    }
    if (ok)
        report(sw, rtn, &rt);
    else
        print_error(sw, "ping-pong failed");
    free(rt.v);
    close(p.to_partner[0]);
    close(p.to_partner[1]);
    close(p.to_measurer[0]);
    close(p.to_measurer[1]);
}

int main(void)
{
    bench_futex();
    bench_pipe(0);
    bench_pipe(1);
    bench_futex_process();
    return 0;
}
