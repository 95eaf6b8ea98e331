/* pool.c — worker threads for the pipeline's tasks. It knows nothing about lines or stages: a
 * caller hands it a count of independent tasks and a function, and every worker (the calling
 * thread is worker 0) takes the next task until none is left. Which worker runs which task varies
 * from run to run, so a task's result must not depend on it; the pipeline makes sure of that by
 * giving each worker its own copies of every stage state.
 *
 * A run can be started and finished apart (ft_pool_start, ft_pool_finish), so that the caller does
 * work of its own meanwhile (the pipeline writes the previous run's lines) before it joins in.
 *
 * Threads are started on the first run that has more than one task and live until ft_pool_free.
 * A system that refuses a thread gets a smaller pool; worker 0 alone always finishes the work. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "internal.h"

struct ft_pool {
    unsigned workers;       /* asked for, worker 0 included */
    unsigned threads;       /* running: workers 1..threads */
    int started, quit;
    pthread_mutex_t lock;
    pthread_cond_t start, done;
    unsigned generation;    /* bumped for every run the threads take part in */
    unsigned busy;          /* threads still inside the current run */
    unsigned helping;       /* threads woken for the current run */
    pthread_t tid[FIXTEXT_MAX_JOBS];

    /* the current run */
    ft_task_fn fn;
    void *ctx;
    size_t ntasks;
    atomic_size_t next;     /* the next task to hand out */
};

typedef struct thread_start {
    ft_pool *pool;
    unsigned worker;
} thread_start;

static void take_tasks(ft_pool *p, unsigned worker)
{
    for (;;) {
        size_t task = atomic_fetch_add(&p->next, 1);
        if (task >= p->ntasks)
            return;
        p->fn(p->ctx, task, worker);
    }
}

static void *thread_main(void *arg)
{
    thread_start start = *(thread_start *)arg;
    free(arg);
    ft_pool *p = start.pool;
    unsigned seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->quit && p->generation == seen)
            pthread_cond_wait(&p->start, &p->lock);
        if (p->quit)
            break;
        seen = p->generation;
        pthread_mutex_unlock(&p->lock);
        take_tasks(p, start.worker);
        pthread_mutex_lock(&p->lock);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

ft_pool *ft_pool_new(unsigned workers)
{
    ft_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->workers = workers < 1 ? 1 : workers > FIXTEXT_MAX_JOBS ? FIXTEXT_MAX_JOBS : workers;
    return p;
}

/* Starts the threads once. */
static void start_threads(ft_pool *p)
{
    p->started = 1;
    if (pthread_mutex_init(&p->lock, NULL) || pthread_cond_init(&p->start, NULL) ||
        pthread_cond_init(&p->done, NULL)) {
        p->workers = 1;
        return;
    }
    for (unsigned k = 1; k < p->workers; k++) {
        thread_start *arg = malloc(sizeof *arg);
        if (!arg)
            break;
        *arg = (thread_start){p, k};
        if (pthread_create(&p->tid[k], NULL, thread_main, arg) != 0) {
            free(arg);
            break;
        }
        p->threads = k;
    }
}

void ft_pool_start(ft_pool *p, size_t ntasks, ft_task_fn fn, void *ctx)
{
    p->fn = fn, p->ctx = ctx, p->ntasks = ntasks;
    atomic_store(&p->next, 0);
    if (ntasks > 1 && p->workers > 1 && !p->started)
        start_threads(p);
    p->helping = ntasks > 1 ? p->threads : 0;
    if (!p->helping)
        return;
    pthread_mutex_lock(&p->lock);
    p->busy = p->helping;
    p->generation++;
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->lock);
}

void ft_pool_finish(ft_pool *p)
{
    take_tasks(p, 0);
    if (!p->helping)
        return;
    pthread_mutex_lock(&p->lock);
    while (p->busy)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
    p->helping = 0;
}

void ft_pool_free(ft_pool *p)
{
    if (!p)
        return;
    if (p->started && p->workers > 1) {
        pthread_mutex_lock(&p->lock);
        p->quit = 1;
        pthread_cond_broadcast(&p->start);
        pthread_mutex_unlock(&p->lock);
        for (unsigned k = 1; k <= p->threads; k++)
            pthread_join(p->tid[k], NULL);
    }
    if (p->started && p->workers > 1) {
        pthread_cond_destroy(&p->start);
        pthread_cond_destroy(&p->done);
        pthread_mutex_destroy(&p->lock);
    }
    free(p);
}
