/* trace.h - following an intrusion through the index (internal).
 *
 * ct_trace_run() (ctscan.h) walks from one starting point (an access key,
 * a principal, an address, an event) along the links CloudTrail records:
 * the temporary credentials an AssumeRole or GetSessionToken returned, the
 * keys, users and passwords an identity created, the instances it
 * launched and their network interfaces, the addresses it came from.  It
 * collects the events it reaches (each once, at the first hop that reaches
 * it), the VPC flows of the instances and addresses it reaches (summarised
 * per interface, peer and service port) and the findings of the latest
 * detect run that touch any of them, as rows of a timeline grouped by hop
 * and as a graph (nodes and collapsed edges) that ct_trace_graph() writes
 * as Graphviz DOT or Mermaid.
 *
 * The helpers below are shared with the unit test.
 */
#ifndef CT_TRACE_H
#define CT_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "ctscan.h"
#include "util.h"

/* Nodes a graph shows at most unless told otherwise. */
#define CT_TRACE_MAX_NODES 40
/* Lines of one edge that collapses the calls of one actor to one target;
 * the rest are counted in a last line. */
#define CT_TRACE_EDGE_LINES 6
/* Flow groups (peer, port, direction) listed per interface or address;
 * the rest are summed into one row. */
#define CT_TRACE_FLOW_GROUPS 25
/* Events a trace collects at most; the rest are counted and dropped. */
#define CT_TRACE_MAX_ROWS 200000

/* Appends s as the body of a DOT double-quoted string ("\"" and "\\"
 * escaped, control characters dropped, "\n" kept as a DOT line break). */
int ct_trace_dot_quote(struct ct_buf *b, const char *s);
/* Appends s as the body of a Mermaid double-quoted label: '"' and the
 * characters Mermaid or its HTML labels read specially as #code; entities,
 * "\n" as <br>, control characters dropped. */
int ct_trace_mermaid_quote(struct ct_buf *b, const char *s);

/* "12 B", "4.2 kB", "5.2 MB", "1.3 GB" (powers of 1000). */
void ct_trace_bytes(uint64_t n, char buf[32]);

/* An edge label: "ListBuckets ×12, 09:01–09:15", "AssumeRole 09:02";
 * with `dated` the times carry the month and day ("03-12 09:01"). */
int ct_trace_edge_label(struct ct_buf *b, const char *what, uint64_t n, int64_t first, int64_t last, bool dated);

#endif
