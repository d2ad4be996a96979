/* cloudtrail.h - CloudTrail record reader (internal).
 *
 * Reads every CloudTrail input shape from a refillable window, detecting
 * the shape from the content:
 *   {"Records":[...]}                  S3 delivery files, any size (streamed)
 *   {"Events":[{"CloudTrailEvent":"..."}],"NextToken":...}   lookup-events,
 *                                      several pages concatenated allowed
 *   [ {...}, ... ]                     a bare array (items may be events or
 *                                      lookup-events items)
 *   {...} {...} / NDJSON               single events, one or many
 * and hands each event, with its verbatim bytes and flattened fields, to a
 * callback.  It never touches SQLite.
 */
#ifndef CT_CLOUDTRAIL_H
#define CT_CLOUDTRAIL_H

#include <stdint.h>

#include "ctscan.h"
#include "input.h"

enum ct_ef {
	CT_EF_EVENT_VERSION,
	CT_EF_EVENT_TIME,
	CT_EF_EVENT_ID,
	CT_EF_EVENT_SOURCE,
	CT_EF_EVENT_NAME,
	CT_EF_AWS_REGION,
	CT_EF_SOURCE_IP,
	CT_EF_USER_AGENT,
	CT_EF_ERROR_CODE,
	CT_EF_ERROR_MESSAGE,
	CT_EF_EVENT_TYPE,
	CT_EF_EVENT_CATEGORY,
	CT_EF_RECIPIENT_ACCOUNT,
	CT_EF_VPC_ENDPOINT,
	CT_EF_I_TYPE,
	CT_EF_I_ARN,
	CT_EF_I_PRINCIPAL,
	CT_EF_I_ACCOUNT,
	CT_EF_I_ACCESS_KEY,
	CT_EF_I_USER_NAME,
	CT_EF_I_INVOKED_BY,
	CT_EF_SI_TYPE,
	CT_EF_SI_ARN,
	CT_EF_SI_USER_NAME,
	CT_EF_S_CREATION_DATE,
	CT_EF_SOURCE_IDENTITY,
	CT_EF_COUNT
};

/* JSON bodies kept as spans of the verbatim record (JSON text, unparsed) */
enum ct_ej {
	CT_EJ_REQUEST,    /* requestParameters */
	CT_EJ_RESPONSE,   /* responseElements */
	CT_EJ_ADDITIONAL, /* additionalEventData */
	CT_EJ_RESOURCES,  /* resources */
	CT_EJ_COUNT
};

enum ct_eb { CT_EB_READ_ONLY, CT_EB_MANAGEMENT, CT_EB_MFA, CT_EB_CONSOLE, CT_EB_COUNT };

struct ct_str {
	const char *s; /* NULL when absent or null */
	size_t len;
};

struct ct_event {
	const char *raw; /* the verbatim record */
	size_t raw_len;
	uint64_t ordinal; /* 1-based record number in the file */
	int64_t ts;       /* eventTime in ms */
	struct ct_str f[CT_EF_COUNT];
	struct ct_str j[CT_EJ_COUNT]; /* JSON text of each body; s NULL when absent */
	signed char b[CT_EB_COUNT];   /* -1 absent, 0, 1 */
};

enum ct_shape {
	CT_SHAPE_NONE,
	CT_SHAPE_RECORDS,
	CT_SHAPE_LOOKUP,
	CT_SHAPE_ARRAY,
	CT_SHAPE_EVENT,
	CT_SHAPE_NDJSON,
};
const char *ct_shape_name(enum ct_shape s);

/* Return values of ct_cloudtrail_read. */
enum ct_read_result {
	CT_RD_OK = 0,      /* read to the end (record errors may have been reported) */
	CT_RD_NOTLOG = 1,  /* not a CloudTrail log: err->msg says why (a warning) */
	CT_RD_DIGEST = 2,  /* a CloudTrail digest file (a warning) */
	CT_RD_EMPTY = 3,   /* empty or only white space (a warning) */
	CT_RD_BROKEN = -1, /* a log, but reading stopped at an error (err) */
	CT_RD_FATAL = -2,  /* the callback failed (err) */
};

struct ct_read_stats {
	uint64_t records; /* record candidates seen */
	uint64_t bad;     /* rejected with an error */
	enum ct_shape shape;
};

typedef int (*ct_event_fn)(void *ud, const struct ct_event *ev, struct ct_err *err);

/* Reads a whole input through its window.  `file` names it in messages. */
int ct_cloudtrail_read(struct ct_rbuf *b, const char *file, ct_event_fn on_event, ct_diag_fn diag, void *ud,
		       struct ct_read_stats *ret_stats, struct ct_err *err);

/* Reads events from an in-memory buffer (tests and fuzzing). */
int ct_cloudtrail_read_mem(const char *data, size_t len, const char *file, ct_event_fn on_event, ct_diag_fn diag,
			   void *ud, struct ct_read_stats *ret_stats, struct ct_err *err);

#endif
