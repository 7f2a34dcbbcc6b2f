/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log: one sink for scfs, sc2s3 and libfuse's own messages (libfuse's
 * fuse_log pattern).  Levels are syslog's.  The macros test the level before
 * evaluating their arguments.  The sink and its level are the one piece of
 * process-wide state outside main(): they are set once at start-up.
 *
 * Never pass a secret or a signed URL to these functions: log_url() strips
 * query strings, and http.c never logs headers.
 */
#ifndef SCFS_LOG_H
#define SCFS_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <syslog.h>

/* Debug subsystems, switched on one by one (-o debug_http, ...). */
enum log_subsys {
	LOG_SUB_MAIN = 1 << 0,
	LOG_SUB_HTTP = 1 << 1,
	LOG_SUB_API = 1 << 2,
	LOG_SUB_CATALOG = 1 << 3,
	LOG_SUB_READER = 1 << 4,
	LOG_SUB_S3 = 1 << 5,
	LOG_SUB_UPLOAD = 1 << 6,
	LOG_SUB_ALL = 0xffff,
};

typedef void (*log_sink_fn)(int level, const char *msg, void *arg);

/* Start-up only, before any thread exists. */
void log_setup(int level, unsigned debug_mask, const char *prefix);
void log_set_sink(log_sink_fn sink, void *arg);
void log_use_syslog(void);

int log_enabled(int level, unsigned subsys);
void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Copy url into out without its query string or userinfo, for logging. */
const char *log_url(const char *url, char *out, size_t size);

#define log_err(...) \
	do { if (log_enabled(LOG_ERR, 0)) log_msg(LOG_ERR, __VA_ARGS__); } while (0)
#define log_warn(...) \
	do { if (log_enabled(LOG_WARNING, 0)) log_msg(LOG_WARNING, __VA_ARGS__); } while (0)
#define log_info(...) \
	do { if (log_enabled(LOG_INFO, 0)) log_msg(LOG_INFO, __VA_ARGS__); } while (0)
#define log_debug(sub, ...) \
	do { if (log_enabled(LOG_DEBUG, (sub))) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
