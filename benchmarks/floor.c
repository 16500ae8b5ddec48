/* Hardware floor of the SPEC benchmark: the delayed gather-and-sum alone, in plain C.
 *
 * Per step t, for every target i and every edge (j -> i) with delay d_ij (in steps):
 *     acc_i += W_ij * x_j(t - d_ij)            (read from a ring buffer of past states)
 * then one cheap state update per node, written into the ring buffer:
 *     x_i(t + 1) = x_i + dt * (0.5 - x_i + K * acc_i)
 * (a constant drive keeps x away from zero, so no denormals slow the loop down).
 * No model dynamics, no noise, no recording: a lower bound on the time per step of any
 * simulator doing the same coupling on one core.  float32, single thread.
 *
 * Input: a binary file written by benchmarks/run.py from spec.bench_connectome(N):
 *     int32 N, int32 E, int32 L (ring length = max delay + 1),
 *     int32 row_ptr[N + 1], int32 src[E], int32 delay[E], float32 weight[E]
 * (edges grouped by target, CSR).
 *
 * Usage: floor FILE STEPS REPEATS      prints one JSON line.
 * Build: gcc -O3 -march=native -std=c11 -o floor floor.c   (done by benchmarks/envs.py)
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void *read_or_die(FILE *f, size_t size, size_t count) {
    void *p = malloc(size * (count ? count : 1));
    if (!p || fread(p, size, count, f) != count) {
        fprintf(stderr, "floor: short read\n");
        exit(2);
    }
    return p;
}

/* One run of `steps` steps; returns a checksum so the work cannot be optimised away. */
static double run(int32_t n, int32_t L, const int32_t *row_ptr, const int32_t *src,
                  const int32_t *delay, const float *weight, float *hist, long steps) {
    const float dt = 0.1f, k = 0.5f;
    for (long i = 0; i < (long)n * L; i++) hist[i] = 0.1f + 0.001f * (float)(i % 97);
    long cur = 0;                                   /* slot of x(t) */
    for (long t = 0; t < steps; t++) {
        const float *x = hist + cur * n;
        long next = cur + 1 == L ? 0 : cur + 1;     /* slot of x(t + 1), the oldest one */
        float *x_new = hist + next * n;
        for (int32_t i = 0; i < n; i++) {
            float acc = 0.0f;
            for (int32_t e = row_ptr[i]; e < row_ptr[i + 1]; e++) {
                long slot = cur - delay[e];
                if (slot < 0) slot += L;
                acc += weight[e] * hist[slot * n + src[e]];
            }
            x_new[i] = x[i] + dt * (0.5f - x[i] + k * acc);
        }
        cur = next;
    }
    double sum = 0.0;
    for (int32_t i = 0; i < n; i++) sum += hist[cur * n + i];
    return sum;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s FILE STEPS REPEATS\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    long steps = atol(argv[2]);
    int repeats = atoi(argv[3]);
    int32_t header[3];
    if (fread(header, sizeof(int32_t), 3, f) != 3) { fprintf(stderr, "floor: bad header\n"); return 2; }
    int32_t n = header[0], e = header[1], L = header[2];
    int32_t *row_ptr = read_or_die(f, sizeof(int32_t), (size_t)n + 1);
    int32_t *src = read_or_die(f, sizeof(int32_t), (size_t)e);
    int32_t *delay = read_or_die(f, sizeof(int32_t), (size_t)e);
    float *weight = read_or_die(f, sizeof(float), (size_t)e);
    fclose(f);
    float *hist = malloc(sizeof(float) * (size_t)n * L);

    double checksum = 0.0;
    printf("{\"n_regions\": %d, \"edges\": %d, \"ring_length\": %d, \"steps\": %ld, \"wall_s\": [",
           n, e, L, steps);
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        checksum += run(n, L, row_ptr, src, delay, weight, hist, steps);
        printf("%s%.6f", r ? ", " : "", now() - t0);
    }
    printf("], \"checksum\": %.6g}\n", checksum);
    return 0;
}
