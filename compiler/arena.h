/*
 * arena.h - a bump allocator for everything one compilation builds.
 *
 * Allocation never fails: on exhaustion of memory the process reports it
 * and exits with status 3 (an internal error), as no phase can recover
 * from it.  arena_free() releases every block at once.
 */
#ifndef KQLC_ARENA_H
#define KQLC_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t used;   /* bytes used in head */
    size_t cap;    /* bytes available in head */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);

/* 'n' zeroed bytes aligned for any object. */
void *arena_alloc(struct arena *a, size_t n);

/* A copy of 'n' bytes of 's' with a NUL after them. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A growable array of pointers in the arena: push copies the array when
 * full (the old one is left to the arena).
 */
struct ptrvec {
    void **items;
    size_t n;
    size_t cap;
};

void ptrvec_push(struct arena *a, struct ptrvec *v, void *item);

/* Abort with an out-of-memory message; for allocations outside arenas. */
_Noreturn void arena_oom(void);

/* malloc/realloc that never return NULL (they call arena_oom). */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
