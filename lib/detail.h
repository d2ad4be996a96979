/* detail.h - what ingest keeps of an event's request and response besides
 * the verbatim record (internal).
 *
 * The detail is one line about the request for common events (bucket and
 * key for S3, instance ids for EC2, the user, role, policy or key for IAM,
 * the role, session and returned key for STS, ...): the timeline's detail
 * column and the trace's.  It is computed once, at ingest, so reading it
 * costs no block inflation.
 *
 * The link facts are what `ctscan trace` follows from an event that
 * creates something (a key, a user, a password, an instance, an
 * interface, a console session): the record's requestParameters,
 * responseElements and additionalEventData, verbatim, as one small JSON
 * object.  STS calls have none when their detail already says everything
 * the trace needs unambiguously (see ct_detail_sts_parse).
 */
#ifndef CT_DETAIL_H
#define CT_DETAIL_H

#include <stdbool.h>

#include "cloudtrail.h"
#include "util.h"

/* Fills `detail` (empty when the event has none) and `link` (empty when
 * none) for one event.  Returns -1 when out of memory. */
int ct_detail_compute(const struct ct_event *ev, struct ct_buf *detail, struct ct_buf *link);

/* True for the calls whose link facts the trace follows. */
bool ct_detail_is_link(const char *event_name, size_t len);

/* True for the STS calls that return credentials. */
bool ct_detail_is_sts_creds(const char *event_name, size_t len);

/* The parts of an STS call's detail ("ROLE_ARN session=S name=N -> KEY",
 * each part optional); each out pointer is a malloc'd string or NULL.
 * Returns -1 when out of memory. */
int ct_detail_sts_parse(const char *detail, char **role_arn, char **session, char **name, char **key);

#endif
