/* A null system call: getppid through syscall(SYS_getppid), so every call enters the kernel
 * whatever libc caches, timed in batches of 100 as the kernel times short operations.
 * Compares with NexOS's user_null_syscall (a null system call from a ring-3 process). */
#include "bench.h"

#include <sys/syscall.h>
#include <unistd.h>

#define BATCHES 1000
#define PER_BATCH 100
#define WARMUP 1000

int main(void)
{
    struct samples s;
    samples_init(&s, BATCHES);
    volatile long sink = 0;
    for (int i = 0; i < WARMUP; i++)
        sink = syscall(SYS_getppid);
    for (int b = 0; b < BATCHES; b++) {
        uint64_t start = now_ns();
        for (int i = 0; i < PER_BATCH; i++)
            sink = syscall(SYS_getppid);
        samples_add(&s, (now_ns() - start) / PER_BATCH);
    }
    if (sink < 0)
        print_error("getppid_syscall", "getppid failed");
    else
        print_json("getppid_syscall", &s);
    free(s.v);
    return 0;
}
