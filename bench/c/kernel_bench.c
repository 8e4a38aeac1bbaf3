/*
 * The C side of `npm run bench`: the same work as the TypeScript figures, written the way the
 * kernel writes it (mm/shrinker.c do_shrink_slab, mm/list_lru.c __list_lru_walk_one,
 * drivers/android/binder_alloc.c best fit on lib/rbtree.c), compiled with `cc -O2`.
 *
 * Honesty rules: callbacks are called through function pointers read from volatile storage
 * (as the kernel calls shrinker->scan_objects), every input that would let the compiler fold
 * the work comes from a volatile, and every result goes to a volatile sink.
 *
 * Usage: kernel_bench MS  -> one JSON object on stdout, each figure run for about MS ms.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))

/* CPU time of this process, as bench/lib/cpu.mjs measures the TypeScript side. */
static double now_s(void) {
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile long sink_l;
static volatile unsigned long sink_ul;

/* ------------------------------------------------------------------------------------------
 * do_shrink_slab (6.1/6.12), W1 of the spec: freeable 1e6, priority 12, seeks 2, batch 0
 * (128), nr_deferred 5000 reset before each call => 3 scan calls of 128.
 */
#define SHRINK_STOP (~0UL)
#define SHRINK_EMPTY (~0UL - 1)
#define SHRINK_BATCH 128

struct shrink_control {
	unsigned int gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
	void *memcg;
};

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *);
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *);
	long batch;
	int seeks;
	unsigned flags;
	long nr_deferred[2];
	unsigned long count;
};

static NOINLINE unsigned long bench_count(struct shrinker *s, struct shrink_control *sc) {
	(void)sc;
	return s->count;
}

/* Honest: frees what it is asked, leaves nr_scanned as set. */
static NOINLINE unsigned long bench_scan(struct shrinker *s, struct shrink_control *sc) {
	(void)s;
	return sc->nr_to_scan;
}

static long xchg_nr_deferred(struct shrinker *s, struct shrink_control *sc) {
	int nid = sc->nid & 1;
	long v = __atomic_exchange_n(&s->nr_deferred[nid], 0, __ATOMIC_SEQ_CST);
	return v;
}

static long add_nr_deferred(long nr, struct shrinker *s, struct shrink_control *sc) {
	int nid = sc->nid & 1;
	return __atomic_add_fetch(&s->nr_deferred[nid], nr, __ATOMIC_SEQ_CST);
}

#define min(a, b) ((a) < (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))

static NOINLINE unsigned long do_shrink_slab(struct shrink_control *shrinkctl, struct shrinker *shrinker,
					     int priority) {
	unsigned long freed = 0;
	unsigned long long delta;
	long total_scan;
	long freeable;
	long nr;
	long new_nr;
	long batch_size = shrinker->batch ? shrinker->batch : SHRINK_BATCH;
	long scanned = 0, next_deferred;

	freeable = shrinker->count_objects(shrinker, shrinkctl);
	if (freeable == 0 || freeable == (long)SHRINK_EMPTY)
		return freeable;

	nr = xchg_nr_deferred(shrinker, shrinkctl);

	if (shrinker->seeks) {
		delta = freeable >> priority;
		delta *= 4;
		delta /= (unsigned)shrinker->seeks;
	} else {
		delta = freeable / 2;
	}

	total_scan = nr >> priority;
	total_scan += delta;
	total_scan = min_t(long, total_scan, freeable * 2);

	/* trace_mm_shrink_slab_start: a static key, off. */
	while (total_scan >= batch_size || total_scan >= freeable) {
		unsigned long ret;
		unsigned long nr_to_scan = min_t(unsigned long, batch_size, total_scan);

		shrinkctl->nr_to_scan = nr_to_scan;
		shrinkctl->nr_scanned = nr_to_scan;
		ret = shrinker->scan_objects(shrinker, shrinkctl);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;

		total_scan -= shrinkctl->nr_scanned;
		scanned += shrinkctl->nr_scanned;
	}

	next_deferred = max_t(long, (nr + delta - scanned), 0);
	next_deferred = min(next_deferred, (2 * freeable));
	new_nr = add_nr_deferred(next_deferred, shrinker, shrinkctl);
	/* trace_mm_shrink_slab_end: off. */
	sink_l = new_nr;
	return freed;
}

static volatile unsigned long v_count = 1000000;
static volatile long v_nr = 5000;
static volatile int v_priority = 12;
static volatile int v_seeks = 2;
static volatile long v_scanned = 384;

struct figure {
	const char *name;
	double rate;
};

static double bench_do_shrink_slab(double secs) {
	static struct shrinker s;
	struct shrink_control sc = {.gfp_mask = 0xcc0, .nid = 0};
	unsigned long (*volatile count_fn)(struct shrinker *, struct shrink_control *) = bench_count;
	unsigned long (*volatile scan_fn)(struct shrinker *, struct shrink_control *) = bench_scan;
	s.count_objects = count_fn;
	s.scan_objects = scan_fn;
	s.seeks = v_seeks;
	s.batch = 0;
	s.count = v_count;
	/* Check W1 once: 384 freed, slot 5000 -> 5104. */
	s.nr_deferred[0] = v_nr;
	if (do_shrink_slab(&sc, &s, v_priority) != 384 || s.nr_deferred[0] != 5104) {
		fprintf(stderr, "kernel_bench: do_shrink_slab W1 check failed\n");
		exit(1);
	}
	const long BATCH = 100000;
	long calls = 0;
	unsigned long freed = 0;
	double t0 = now_s(), t;
	do {
		for (long k = 0; k < BATCH; k++) {
			s.nr_deferred[0] = v_nr;
			freed += do_shrink_slab(&sc, &s, v_priority);
		}
		calls += BATCH;
		t = now_s();
	} while (t - t0 < secs);
	sink_ul = freed;
	return calls / (t - t0);
}

/* planShrink + computeNextDeferred: the arithmetic alone, inputs read from volatiles. */
static NOINLINE long plan_and_next(long freeable, long nr, int priority, int seeks, long scanned) {
	unsigned long long delta;
	long total_scan;
	if (seeks) {
		delta = freeable >> priority;
		delta *= 4;
		delta /= (unsigned)seeks;
	} else {
		delta = freeable / 2;
	}
	total_scan = nr >> priority;
	total_scan += delta;
	total_scan = min_t(long, total_scan, freeable * 2);
	sink_l = total_scan;
	long next_deferred = max_t(long, (nr + delta - scanned), 0);
	return min(next_deferred, (2 * freeable));
}

static double bench_plan(double secs) {
	const long BATCH = 1000000;
	long pairs = 0, acc = 0;
	double t0 = now_s(), t;
	do {
		for (long k = 0; k < BATCH; k++) acc += plan_and_next((long)v_count, v_nr, v_priority, v_seeks, v_scanned);
		pairs += BATCH;
		t = now_s();
	} while (t - t0 < secs);
	sink_l = acc;
	return pairs / (t - t0);
}

/* ------------------------------------------------------------------------------------------
 * list_lru: one node-level list of 1M items (struct list_head in each item), walked by
 * __list_lru_walk_one with the isolate callback called through a pointer.
 */
struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l->prev = l; }
static inline void list_add_tail(struct list_head *n, struct list_head *h) {
	struct list_head *p = h->prev;
	n->next = h;
	n->prev = p;
	p->next = n;
	h->prev = n;
}
static inline void list_del_init(struct list_head *e) {
	e->prev->next = e->next;
	e->next->prev = e->prev;
	INIT_LIST_HEAD(e);
}
static inline void list_move_tail(struct list_head *e, struct list_head *h) {
	e->prev->next = e->next;
	e->next->prev = e->prev;
	list_add_tail(e, h);
}

enum lru_status { LRU_REMOVED, LRU_REMOVED_RETRY, LRU_ROTATE, LRU_SKIP, LRU_RETRY, LRU_STOP };

struct list_lru_one {
	struct list_head list;
	long nr_items;
};
struct list_lru_node {
	int lock;
	struct list_lru_one lru;
	long nr_items;
};

typedef enum lru_status (*list_lru_walk_cb)(struct list_head *item, struct list_lru_one *list, int *lock, void *cb_arg);

static inline void list_lru_isolate(struct list_lru_one *list, struct list_head *item) {
	list_del_init(item);
	list->nr_items--;
}

static NOINLINE unsigned long __list_lru_walk_one(struct list_lru_node *nlru, list_lru_walk_cb isolate, void *cb_arg,
						  unsigned long *nr_to_walk) {
	struct list_lru_one *l = &nlru->lru;
	struct list_head *item, *n;
	unsigned long isolated = 0;
	nlru->lock = 1;
restart:
	for (item = l->list.next, n = item->next; item != &l->list; item = n, n = item->next) {
		enum lru_status ret;
		if (!*nr_to_walk)
			break;
		--*nr_to_walk;
		ret = isolate(item, l, &nlru->lock, cb_arg);
		switch (ret) {
		case LRU_REMOVED_RETRY:
		case LRU_REMOVED:
			isolated++;
			nlru->nr_items--;
			if (ret == LRU_REMOVED_RETRY)
				goto restart;
			break;
		case LRU_ROTATE:
			list_move_tail(item, &l->list);
			break;
		case LRU_SKIP:
			break;
		case LRU_RETRY:
			goto restart;
		case LRU_STOP:
			goto out;
		default:
			abort();
		}
	}
out:
	nlru->lock = 0;
	return isolated;
}

static NOINLINE enum lru_status isolate_skip(struct list_head *item, struct list_lru_one *l, int *lock, void *arg) {
	(void)item, (void)l, (void)lock, (void)arg;
	return LRU_SKIP;
}
static NOINLINE enum lru_status isolate_remove(struct list_head *item, struct list_lru_one *l, int *lock, void *arg) {
	(void)lock, (void)arg;
	list_lru_isolate(l, item);
	return LRU_REMOVED;
}

#define LRU_N 1000000

static void lru_fill(struct list_lru_node *nlru, struct list_head *items) {
	for (long i = 0; i < LRU_N; i++) {
		list_add_tail(&items[i], &nlru->lru.list);
		nlru->lru.nr_items++;
		nlru->nr_items++;
	}
}

static double bench_walk(double secs, int remove) {
	struct list_lru_node nlru = {0};
	struct list_head *items = calloc(LRU_N, sizeof *items);
	INIT_LIST_HEAD(&nlru.lru.list);
	list_lru_walk_cb volatile cb = remove ? isolate_remove : isolate_skip;
	if (!remove) lru_fill(&nlru, items);
	double walked = 0, spent = 0;
	double t0 = now_s();
	do {
		if (remove) lru_fill(&nlru, items); /* not timed, as tinybench's beforeEach */
		unsigned long budget = LRU_N;
		double a = now_s();
		unsigned long iso = __list_lru_walk_one(&nlru, cb, NULL, &budget);
		spent += now_s() - a;
		if (iso != (remove ? LRU_N : 0)) {
			fprintf(stderr, "kernel_bench: walk isolated %lu\n", iso);
			exit(1);
		}
		walked += LRU_N;
	} while (now_s() - t0 < secs);
	free(items);
	return walked / spent;
}

/* ------------------------------------------------------------------------------------------
 * Binder transaction loop: binder_alloc's best fit on the kernel rbtree (a port of the
 * lib/rbtree.c insert/erase cases that src/binder/rbtree.ts also follows), lazy page install,
 * freed pages onto the global freelist (a list_lru), a 128-page walk every 64 transactions.
 */
#include "rbtree_min.h"

#define PAGE_SIZE 4096L
#define MAP_BYTES (4L << 20)
#define NR_PAGES (MAP_BYTES / PAGE_SIZE)
#define RING 48
#define WALK_EVERY 64
#define WALK_PAGES 128

struct binder_buffer {
	struct rb_node rb_node;
	struct binder_buffer *prev, *next; /* alloc->buffers, address order */
	long start;
	int free;
};

struct binder_lru_page {
	struct list_head lru;
	int installed;
};

struct binder_alloc {
	struct binder_buffer *head;
	struct rb_root free_buffers;
	struct binder_lru_page pages[NR_PAGES];
	long pages_high;
	unsigned long installs, reclaimed, lru_adds, lru_reuses;
};

static struct list_lru_node freelist; /* binder_freelist */
static unsigned long tally[8];         /* tracepoint tallies (the model counts every event) */

static inline long page_align(long a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }
static inline long page_down(long a) { return a & ~(PAGE_SIZE - 1); }

static inline long buffer_size(struct binder_buffer *b) { return (b->next ? b->next->start : MAP_BYTES) - b->start; }

static void insert_free_buffer(struct binder_alloc *alloc, struct binder_buffer *nb) {
	struct rb_node **p = &alloc->free_buffers.rb_node, *parent = NULL;
	long size = buffer_size(nb);
	while (*p) {
		parent = *p;
		struct binder_buffer *b = rb_entry(parent, struct binder_buffer, rb_node);
		if (size < buffer_size(b))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&nb->rb_node, parent, p);
	rb_insert_color(&nb->rb_node, &alloc->free_buffers);
}

static void lru_freelist_del(struct binder_alloc *alloc, long start, long end) {
	tally[0]++;
	for (long a = start; a < end; a += PAGE_SIZE) {
		long i = a / PAGE_SIZE;
		if (alloc->pages[i].installed) {
			tally[1]++;
			list_del_init(&alloc->pages[i].lru);
			freelist.lru.nr_items--;
			freelist.nr_items--;
			alloc->lru_reuses++;
			tally[2]++;
			continue;
		}
		if (i + 1 > alloc->pages_high) alloc->pages_high = i + 1;
	}
}

static void lru_freelist_add(struct binder_alloc *alloc, long start, long end) {
	tally[0]++;
	for (long a = start; a < end; a += PAGE_SIZE) {
		long i = a / PAGE_SIZE;
		if (!alloc->pages[i].installed) continue;
		tally[3]++;
		list_add_tail(&alloc->pages[i].lru, &freelist.lru.list);
		freelist.lru.nr_items++;
		freelist.nr_items++;
		alloc->lru_adds++;
		tally[4]++;
	}
}

static NOINLINE struct binder_buffer *binder_alloc_new_buf(struct binder_alloc *alloc, long data_size) {
	long size = (data_size + 7) & ~7L;
	if (size == 0 || size > MAP_BYTES) return NULL;
	struct rb_node *n = alloc->free_buffers.rb_node;
	struct binder_buffer *buffer = NULL, *best_fit = NULL;
	long bsize = 0;
	while (n) {
		buffer = rb_entry(n, struct binder_buffer, rb_node);
		bsize = buffer_size(buffer);
		if (size < bsize) {
			best_fit = buffer;
			n = n->rb_left;
		} else if (size > bsize) {
			n = n->rb_right;
		} else {
			best_fit = buffer;
			break;
		}
	}
	if (!best_fit) return NULL;
	if (bsize != size) {
		buffer = best_fit;
		bsize = buffer_size(buffer);
		struct binder_buffer *nb = malloc(sizeof *nb);
		nb->start = buffer->start + size;
		nb->prev = buffer;
		nb->next = buffer->next;
		if (buffer->next) buffer->next->prev = nb;
		buffer->next = nb;
		nb->free = 1;
		insert_free_buffer(alloc, nb);
	}
	long next_used_page = page_down(buffer->start + bsize);
	long curr_last_page = page_align(buffer->start + size);
	lru_freelist_del(alloc, page_align(buffer->start), min(next_used_page, curr_last_page));
	rb_erase(&buffer->rb_node, &alloc->free_buffers);
	buffer->free = 0;
	/* binder_install_buffer_pages, after the lock */
	long final = page_align(buffer->start + size);
	for (long a = page_down(buffer->start); a < final; a += PAGE_SIZE) {
		long i = a / PAGE_SIZE;
		if (alloc->pages[i].installed) continue;
		tally[5]++;
		alloc->pages[i].installed = 1;
		alloc->installs++;
		tally[6]++;
	}
	return buffer;
}

static void delete_free_buffer(struct binder_alloc *alloc, struct binder_buffer *b) {
	int add_page = 1;
	if ((b->start & (PAGE_SIZE - 1)) == 0) {
		add_page = 0;
	} else {
		if (page_down(b->prev->start - 1) == page_down(b->start)) add_page = 0;
		else if (b->next && page_down(b->next->start) == page_down(b->start)) add_page = 0;
	}
	if (add_page) lru_freelist_add(alloc, page_down(b->start), page_down(b->start) + PAGE_SIZE);
	if (b->prev) b->prev->next = b->next;
	else alloc->head = b->next;
	if (b->next) b->next->prev = b->prev;
	free(b);
}

static NOINLINE void binder_free_buf(struct binder_alloc *alloc, struct binder_buffer *b) {
	long bsize = buffer_size(b);
	lru_freelist_add(alloc, page_align(b->start), page_down(b->start + bsize));
	b->free = 1;
	struct binder_buffer *next = b->next;
	if (next && next->free) {
		rb_erase(&next->rb_node, &alloc->free_buffers);
		delete_free_buffer(alloc, next);
	}
	struct binder_buffer *prev = b->prev;
	if (prev && prev->free) {
		rb_erase(&prev->rb_node, &alloc->free_buffers);
		delete_free_buffer(alloc, b);
		b = prev;
	}
	insert_free_buffer(alloc, b);
}

static struct binder_alloc *walk_alloc;

/* binder_alloc_free_page with every trylock succeeding: uninstall, isolate, REMOVED_RETRY. */
static NOINLINE enum lru_status binder_free_page(struct list_head *item, struct list_lru_one *l, int *lock, void *arg) {
	(void)arg;
	struct binder_lru_page *page = (struct binder_lru_page *)item;
	struct binder_alloc *alloc = walk_alloc;
	tally[7]++;
	page->installed = 0;
	alloc->reclaimed++;
	list_lru_isolate(l, item);
	*lock = 0; /* spin_unlock: zap may sleep */
	*lock = 1;
	return LRU_REMOVED_RETRY;
}

/* mulberry32: the same 32-bit generator as bench/binderTx.bench.mjs. */
static uint32_t rng_state;
static inline uint32_t mulberry32(void) {
	uint32_t z = (rng_state += 0x6D2B79F5u);
	z = (z ^ (z >> 15)) * (z | 1u);
	z ^= z + (z ^ (z >> 7)) * (z | 61u);
	return z ^ (z >> 14);
}
/* Log-uniform on octaves: 16 << k for k uniform in 0..13, then uniform within the octave. */
static inline long tx_size(void) {
	long base = 16L << (mulberry32() % 14);
	return base + (long)(mulberry32() % (uint32_t)base);
}

struct tx_result {
	unsigned long ok, failed, offset_sum, installs, reclaimed;
};

static void binder_tx_loop(long ntx, uint32_t seed, struct tx_result *r) {
	struct binder_alloc *alloc = calloc(1, sizeof *alloc);
	INIT_LIST_HEAD(&freelist.lru.list);
	freelist.lru.nr_items = freelist.nr_items = 0;
	for (long i = 0; i < NR_PAGES; i++) INIT_LIST_HEAD(&alloc->pages[i].lru);
	struct binder_buffer *head = calloc(1, sizeof *head);
	head->free = 1;
	alloc->head = head;
	insert_free_buffer(alloc, head);
	walk_alloc = alloc;
	list_lru_walk_cb volatile cb = binder_free_page;
	struct binder_buffer *ring[RING] = {0};
	rng_state = seed;
	memset(r, 0, sizeof *r);
	for (long t = 0; t < ntx; t++) {
		int slot = (int)(t % RING);
		if (ring[slot]) binder_free_buf(alloc, ring[slot]);
		struct binder_buffer *b = binder_alloc_new_buf(alloc, tx_size());
		ring[slot] = b;
		if (b) {
			r->ok++;
			r->offset_sum += (unsigned long)b->start;
		} else {
			r->failed++;
		}
		if (t % WALK_EVERY == WALK_EVERY - 1) {
			unsigned long budget = WALK_PAGES;
			__list_lru_walk_one(&freelist, cb, NULL, &budget);
		}
	}
	r->installs = alloc->installs;
	r->reclaimed = alloc->reclaimed;
	/* teardown, untimed work would skew little; keep it simple and free the buffers */
	for (struct binder_buffer *b = alloc->head, *nx; b; b = nx) {
		nx = b->next;
		free(b);
	}
	free(alloc);
}

#define TX_PER_RUN 100000L

static double bench_binder(double secs, struct tx_result *check) {
	binder_tx_loop(TX_PER_RUN, 12345u, check);
	double tx = 0;
	struct tx_result r;
	double t0 = now_s(), t;
	do {
		binder_tx_loop(TX_PER_RUN, 12345u, &r);
		tx += TX_PER_RUN;
		t = now_s();
	} while (t - t0 < secs);
	sink_ul = r.offset_sum + tally[0];
	return tx / (t - t0);
}

int main(int argc, char **argv) {
	double secs = (argc > 1 ? atof(argv[1]) : 1000) / 1000.0;
	struct tx_result chk;
	double dss = bench_do_shrink_slab(secs);
	double plan = bench_plan(secs);
	double skip = bench_walk(secs, 0);
	double removed = bench_walk(secs, 1);
	double tx = bench_binder(secs, &chk);
	printf("{\"doShrinkSlab\":%.0f,\"plan\":%.0f,\"walkSkip\":%.0f,\"walkRemoved\":%.0f,\"binderTx\":%.0f,"
	       "\"binderCheck\":{\"tx\":%ld,\"ok\":%lu,\"failed\":%lu,\"offsetSum\":%lu,\"installs\":%lu,\"reclaimed\":%lu}}\n",
	       dss, plan, skip, removed, tx, TX_PER_RUN, chk.ok, chk.failed, chk.offset_sum, chk.installs, chk.reclaimed);
	return 0;
}
