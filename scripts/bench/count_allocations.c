/* Preloaded into llmrouter by `BENCH_ONLY=rules scripts/bench.sh` (LD_PRELOAD): counts the
 * process's heap allocations and the bytes they ask for, and writes both to the file named by
 * COUNT_ALLOCATIONS_FILE on SIGUSR2. Unlike CPU time, allocations per request are the same in
 * every run, so what a change adds to the request path shows at once. glibc only (it forwards
 * to glibc's own __libc_* entry points, so no dlsym and no recursion). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static unsigned long long allocations, bytes;

static void count(size_t size) {
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&bytes, size, __ATOMIC_RELAXED);
}

void *malloc(size_t size) { count(size); return __libc_malloc(size); }
void *calloc(size_t count_, size_t size) { count(count_ * size); return __libc_calloc(count_, size); }
void *realloc(void *pointer, size_t size) { count(size); return __libc_realloc(pointer, size); }
void *aligned_alloc(size_t alignment, size_t size) { count(size); return __libc_memalign(alignment, size); }
void *memalign(size_t alignment, size_t size) { count(size); return __libc_memalign(alignment, size); }
int posix_memalign(void **result, size_t alignment, size_t size) {
    count(size);
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return 12; /* ENOMEM */
    *result = pointer;
    return 0;
}

/* Appends `value` in decimal to `out`; returns the end. snprintf is not async-signal-safe. */
static char *decimal(char *out, unsigned long long value) {
    char digits[20];
    int count = 0;
    do { digits[count++] = (char)('0' + value % 10); value /= 10; } while (value);
    while (count) *out++ = digits[--count];
    return out;
}

/* A signal handler: only open, write and close, which are async-signal-safe. */
static void write_counts(int signal_number) {
    (void)signal_number;
    const char *path = getenv("COUNT_ALLOCATIONS_FILE");
    if (!path) return;
    char line[48], *end = line;
    end = decimal(end, __atomic_load_n(&allocations, __ATOMIC_RELAXED));
    *end++ = ' ';
    end = decimal(end, __atomic_load_n(&bytes, __ATOMIC_RELAXED));
    *end++ = '\n';
    int file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file < 0) return;
    ssize_t written = write(file, line, (size_t)(end - line));
    (void)written;
    close(file);
}

__attribute__((constructor)) static void install(void) { signal(SIGUSR2, write_counts); }
