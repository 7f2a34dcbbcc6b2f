// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * delayline: a user-space link with a fixed one-way delay, for benchmarks
 * on a kernel without sch_netem.  It owns two TUN devices: one in the
 * current network namespace, one in another (named, under /var/run/netns),
 * and forwards every IP packet between them after DELAY_MS milliseconds,
 * in order, without loss.  Real TCP runs across it (slow start, windows,
 * the bandwidth-delay product), which a delaying TCP proxy would hide.
 *
 *     delayline NETNS HOST_DEV NS_DEV DELAY_MS
 *
 * Addresses, MTU and routes are the caller's (bench/netns.sh).  Runs until
 * killed.  Not part of scfs: a bench tool.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define PKT_MAX 65536
/* Packets in flight one way: 20 ms at 1 GB/s of 64 KiB packets is ~300;
 * small packets (ACKs) need many more slots, memory is cheap. */
#define RING 65536

struct pkt {
	struct timespec due;
	unsigned len;
	unsigned char *data;
};

struct lane {
	int in, out;
	long delay_ns;
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct pkt ring[RING];
	unsigned head, tail;	/* protected by lock */
};

static int tun_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

/* Read packets and stamp each with the time it may leave. */
static void *lane_read(void *arg)
{
	struct lane *l = arg;
	unsigned char *buf;
	ssize_t n;
	struct pkt *p;

	for (;;) {
		buf = malloc(PKT_MAX);
		if (!buf)
			return NULL;
		n = read(l->in, buf, PKT_MAX);
		if (n <= 0) {
			free(buf);
			if (n < 0 && errno == EINTR)
				continue;
			return NULL;
		}
		pthread_mutex_lock(&l->lock);
		while (l->tail - l->head == RING)
			pthread_cond_wait(&l->room, &l->lock);
		p = &l->ring[l->tail % RING];
		clock_gettime(CLOCK_MONOTONIC, &p->due);
		add_ns(&p->due, l->delay_ns);
		p->len = (unsigned)n;
		p->data = buf;
		l->tail++;
		pthread_cond_signal(&l->more);
		pthread_mutex_unlock(&l->lock);
	}
}

/* Send each packet when it is due, in order. */
static void *lane_write(void *arg)
{
	struct lane *l = arg;
	struct pkt p;

	for (;;) {
		pthread_mutex_lock(&l->lock);
		while (l->tail == l->head)
			pthread_cond_wait(&l->more, &l->lock);
		p = l->ring[l->head % RING];
		pthread_mutex_unlock(&l->lock);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &p.due, NULL) == EINTR)
			;
		if (write(l->out, p.data, p.len) < 0 && errno != EIO)
			perror("delayline: write");
		free(p.data);
		pthread_mutex_lock(&l->lock);
		l->head++;
		pthread_cond_signal(&l->room);
		pthread_mutex_unlock(&l->lock);
	}
	return NULL;
}

static int lane_start(struct lane *l, int in, int out, long delay_ns)
{
	pthread_t t;

	l->in = in;
	l->out = out;
	l->delay_ns = delay_ns;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->more, NULL);
	pthread_cond_init(&l->room, NULL);
	return pthread_create(&t, NULL, lane_read, l) ||
	       pthread_create(&t, NULL, lane_write, l);
}

int main(int argc, char **argv)
{
	static struct lane up, down;
	char path[256];
	int host, ns, nsfd;
	long delay_ns;

	if (argc != 5) {
		fprintf(stderr, "usage: delayline NETNS HOST_DEV NS_DEV DELAY_MS\n");
		return 2;
	}
	delay_ns = atol(argv[4]) * 1000000L;
	host = tun_open(argv[2]);
	snprintf(path, sizeof(path), "/var/run/netns/%s", argv[1]);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (host < 0 || nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
		perror("delayline: host device or namespace");
		return 1;
	}
	ns = tun_open(argv[3]);
	if (ns < 0) {
		perror("delayline: namespace device");
		return 1;
	}
	if (lane_start(&up, host, ns, delay_ns) || lane_start(&down, ns, host, delay_ns)) {
		fprintf(stderr, "delayline: cannot start threads\n");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	pause();
	return 0;
}
