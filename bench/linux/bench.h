/* Shared helpers for the Linux side of `./nexos bench`: a monotonic clock in ns, sample
 * storage and the JSON line every program prints, in the same shape as the NexOS kernel's
 * benchmarks: {"bench":"...","unit":"ns","median":..,"p99":..,"mean":..,"max":..,"n":..}. */
#ifndef NEXOS_BENCH_H
#define NEXOS_BENCH_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct samples {
    uint64_t *v;
    size_t n;
    size_t cap;
};

static inline void samples_init(struct samples *s, size_t cap)
{
    s->v = calloc(cap, sizeof(uint64_t));
    s->n = 0;
    s->cap = cap;
    if (s->v == NULL) {
        perror("calloc");
        exit(1);
    }
}

static inline void samples_add(struct samples *s, uint64_t x)
{
    if (s->n < s->cap)
        s->v[s->n++] = x;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples, as the kernel's histogram reports them. */
static inline uint64_t percentile(const struct samples *s, double p)
{
    if (s->n == 0)
        return 0;
    size_t rank = (size_t)((p / 100.0) * (double)s->n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > s->n)
        rank = s->n;
    return s->v[rank - 1];
}

static inline void print_json(const char *name, struct samples *s)
{
    qsort(s->v, s->n, sizeof(uint64_t), cmp_u64);
    uint64_t sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += s->v[i];
    printf("{\"bench\":\"%s\",\"unit\":\"ns\",\"median\":%llu,\"p99\":%llu,\"mean\":%llu,\"max\":%llu,\"n\":%zu}\n",
           name, (unsigned long long)percentile(s, 50), (unsigned long long)percentile(s, 99),
           (unsigned long long)(s->n ? sum / s->n : 0), (unsigned long long)(s->n ? s->v[s->n - 1] : 0), s->n);
    fflush(stdout);
}

static inline void print_error(const char *name, const char *what)
{
    printf("{\"bench\":\"%s\",\"error\":\"%s\"}\n", name, what);
    fflush(stdout);
}

#endif
