// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log: formatting and the replaceable sink.  The state here is written once
 * during start-up (before threads) and only read afterwards.
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

#define LOG_LINE_MAX 2048

static int log_level = LOG_WARNING;
static unsigned log_debug_mask;
static const char *log_prefix = "scfs";
static log_sink_fn log_sink;
static void *log_sink_arg;
static int log_to_syslog;

void log_setup(int level, unsigned debug_mask, const char *prefix)
{
	log_level = level;
	log_debug_mask = debug_mask;
	if (prefix)
		log_prefix = prefix;
}

void log_set_sink(log_sink_fn sink, void *arg)
{
	log_sink = sink;
	log_sink_arg = arg;
}

void log_use_syslog(void)
{
	openlog(log_prefix, LOG_PID, LOG_DAEMON);
	log_to_syslog = 1;
}

int log_enabled(int level, unsigned subsys)
{
	if (level == LOG_DEBUG)
		return (log_debug_mask & subsys) != 0 || log_level >= LOG_DEBUG;
	return level <= log_level;
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')	/* libfuse ends its lines itself */
		line[--n] = '\0';
	if (log_sink) {
		log_sink(level, line, log_sink_arg);
		return;
	}
	if (log_to_syslog) {
		syslog(level, "%s", line);
		return;
	}
	fprintf(stderr, "%s: %s\n", log_prefix, line);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

const char *log_url(const char *url, char *out, size_t size)
{
	const char *scheme_end, *at, *host, *stop;
	size_t n, pre;

	if (!url || !size)
		return "";
	stop = url + strcspn(url, "?#");
	scheme_end = strstr(url, "://");
	host = scheme_end && scheme_end < stop ? scheme_end + 3 : url;
	at = memchr(host, '@', (size_t)(stop - host));
	if (at && memchr(host, '/', (size_t)(at - host)))
		at = NULL;
	pre = (size_t)(host - url);
	if (at)
		host = at + 1;
	n = pre + (size_t)(stop - host);
	if (n >= size)
		n = size - 1;
	if (pre > n)
		pre = n;
	memcpy(out, url, pre);
	memcpy(out + pre, host, n - pre);
	out[n] = '\0';
	return out;
}
