/* cloudtrail.c - the CloudTrail record reader. */
#include "cloudtrail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* ---- field tables: which keys the walker captures ---- */

enum kind { K_STR, K_BOOL, K_OBJ, K_MARK, K_ARR, K_SPAN };

enum mark {
	M_RECORDS = 1 << 0,
	M_EVENTS = 1 << 1,
	M_DIGEST = 1 << 2,
	M_CTEVENT = 1 << 3,
	M_EVENTISH = 1 << 4,
};

struct odef;
struct fdef {
	const char *key;
	unsigned char len;
	unsigned char kind;
	short id; /* field id, bool id, or mark bits */
	const struct odef *sub;
};
struct odef {
	const struct fdef *f;
	int n;
};

/* clang-format off */
#define F(k, kind, id, sub) {k, sizeof(k) - 1, kind, id, sub}
/* clang-format on */

static const struct fdef attrs_f[] = {
	F("creationDate", K_STR, CT_EF_S_CREATION_DATE, NULL),
	F("mfaAuthenticated", K_BOOL, CT_EB_MFA, NULL),
};
static const struct odef attrs_d = {attrs_f, CT_ARRAY_SIZE(attrs_f)};

static const struct fdef issuer_f[] = {
	F("type", K_STR, CT_EF_SI_TYPE, NULL),
	F("arn", K_STR, CT_EF_SI_ARN, NULL),
	F("userName", K_STR, CT_EF_SI_USER_NAME, NULL),
};
static const struct odef issuer_d = {issuer_f, CT_ARRAY_SIZE(issuer_f)};

static const struct fdef session_f[] = {
	F("sessionIssuer", K_OBJ, 0, &issuer_d),
	F("attributes", K_OBJ, 0, &attrs_d),
	F("sourceIdentity", K_STR, CT_EF_SOURCE_IDENTITY, NULL),
};
static const struct odef session_d = {session_f, CT_ARRAY_SIZE(session_f)};

static const struct fdef ident_f[] = {
	F("type", K_STR, CT_EF_I_TYPE, NULL),
	F("principalId", K_STR, CT_EF_I_PRINCIPAL, NULL),
	F("arn", K_STR, CT_EF_I_ARN, NULL),
	F("accountId", K_STR, CT_EF_I_ACCOUNT, NULL),
	F("accessKeyId", K_STR, CT_EF_I_ACCESS_KEY, NULL),
	F("userName", K_STR, CT_EF_I_USER_NAME, NULL),
	F("invokedBy", K_STR, CT_EF_I_INVOKED_BY, NULL),
	F("sessionContext", K_OBJ, 0, &session_d),
};
static const struct odef ident_d = {ident_f, CT_ARRAY_SIZE(ident_f)};

static const struct fdef event_f[] = {
	F("eventVersion", K_STR, CT_EF_EVENT_VERSION, NULL),
	F("userIdentity", K_OBJ, 0, &ident_d),
	F("eventTime", K_STR, CT_EF_EVENT_TIME, NULL),
	F("eventSource", K_STR, CT_EF_EVENT_SOURCE, NULL),
	F("eventName", K_STR, CT_EF_EVENT_NAME, NULL),
	F("awsRegion", K_STR, CT_EF_AWS_REGION, NULL),
	F("sourceIPAddress", K_STR, CT_EF_SOURCE_IP, NULL),
	F("userAgent", K_STR, CT_EF_USER_AGENT, NULL),
	F("errorCode", K_STR, CT_EF_ERROR_CODE, NULL),
	F("errorMessage", K_STR, CT_EF_ERROR_MESSAGE, NULL),
	F("eventID", K_STR, CT_EF_EVENT_ID, NULL),
	F("readOnly", K_BOOL, CT_EB_READ_ONLY, NULL),
	F("eventType", K_STR, CT_EF_EVENT_TYPE, NULL),
	F("managementEvent", K_BOOL, CT_EB_MANAGEMENT, NULL),
	F("recipientAccountId", K_STR, CT_EF_RECIPIENT_ACCOUNT, NULL),
	F("eventCategory", K_STR, CT_EF_EVENT_CATEGORY, NULL),
	F("vpcEndpointId", K_STR, CT_EF_VPC_ENDPOINT, NULL),
	F("sessionCredentialFromConsole", K_BOOL, CT_EB_CONSOLE, NULL),
	F("requestParameters", K_SPAN, CT_EJ_REQUEST, NULL),
	F("responseElements", K_SPAN, CT_EJ_RESPONSE, NULL),
	F("additionalEventData", K_SPAN, CT_EJ_ADDITIONAL, NULL),
	F("resources", K_SPAN, CT_EJ_RESOURCES, NULL),
	/* container and classification keys */
	F("Records", K_ARR, M_RECORDS, NULL),
	F("Events", K_ARR, M_EVENTS, NULL),
	F("CloudTrailEvent", K_STR, -1, NULL),
	F("digestStartTime", K_MARK, M_DIGEST, NULL),
	F("digestEndTime", K_MARK, M_DIGEST, NULL),
	F("logFiles", K_MARK, M_DIGEST, NULL),
};
static const struct odef event_d = {event_f, CT_ARRAY_SIZE(event_f)};

/* ---- the walker ---- */

struct span {
	const char *s;
	size_t len;
	bool escaped;
};

struct walk {
	struct ct_json_scan s;
	struct span f[CT_EF_COUNT];
	struct span j[CT_EJ_COUNT];
	signed char b[CT_EB_COUNT];
	unsigned marks;
	struct span ctevent;
	const char *arr_start, *arr_end; /* Records/Events array in a whole object */
	const char *type_key;            /* first field of the wrong type */
	const char *type_what;
	const char *type_got;
};

static const char *type_name(char c)
{
	switch (c) {
	case '"': return "a string";
	case '{': return "an object";
	case '[': return "an array";
	case 't':
	case 'f': return "a boolean";
	case 'n': return "null";
	default: return "a number";
	}
}

static const struct fdef *lookup(const struct odef *d, const char *k, size_t len)
{
	for (int i = 0; i < d->n; i++)
		if (d->f[i].len == len && memcmp(d->f[i].key, k, len) == 0)
			return &d->f[i];
	return NULL;
}

static void type_error(struct walk *w, const struct fdef *f, const char *want)
{
	if (!w->type_key) {
		w->type_key = f->key;
		w->type_what = want;
		w->type_got = type_name(*w->s.p);
	}
}

static int walk_obj(struct walk *w, const struct odef *def, int depth)
{
	struct ct_json_scan *s = &w->s;
	const char *end = s->end;
	int rc;
	if (depth + 1 > s->max_depth) {
		s->err = "nesting deeper than 512 levels";
		s->errpos = s->p;
		s->errkind = CT_JSON_E_DEPTH;
		return CT_JSON_ERR;
	}
	s->p = ct_json_ws(s->p + 1, end);
	if (s->p >= end)
		return CT_JSON_MORE;
	if (*s->p == '}') {
		s->p++;
		return CT_JSON_OK;
	}
	for (;;) {
		if (*s->p != '"') {
			s->err = "expected a string key";
			s->errpos = s->p;
			return CT_JSON_ERR;
		}
		struct ct_json_str key;
		if ((rc = ct_json_string(s, &key)) != CT_JSON_OK)
			return rc;
		s->p = ct_json_ws(s->p, end);
		if (s->p >= end)
			return CT_JSON_MORE;
		if (*s->p != ':') {
			s->err = "expected ':'";
			s->errpos = s->p;
			return CT_JSON_ERR;
		}
		s->p = ct_json_ws(s->p + 1, end);
		if (s->p >= end)
			return CT_JSON_MORE;
		const struct fdef *f;
		if (key.escaped) {
			char kb[64];
			f = key.len <= sizeof(kb) ? lookup(def, kb, ct_json_unescape(key.s, key.len, kb)) : NULL;
		} else {
			f = lookup(def, key.s, key.len);
		}
		char c = *s->p;
		if (!f) {
			if ((rc = ct_json_skip(s, depth + 1)) != CT_JSON_OK)
				return rc;
		} else {
			switch (f->kind) {
			case K_STR:
				if (c == '"') {
					struct ct_json_str v;
					if ((rc = ct_json_string(s, &v)) != CT_JSON_OK)
						return rc;
					struct span *sp = f->id < 0 ? &w->ctevent : &w->f[f->id];
					if (!sp->s) {
						sp->s = v.s;
						sp->len = v.len;
						sp->escaped = v.escaped;
					}
					if (f->id >= 0 && def == &event_d)
						w->marks |= M_EVENTISH;
					else if (f->id < 0)
						w->marks |= M_CTEVENT;
					break;
				}
				if (c != 'n')
					type_error(w, f, "a string");
				if ((rc = ct_json_skip(s, depth + 1)) != CT_JSON_OK)
					return rc;
				break;
			case K_BOOL:
				if (c == 't' || c == 'f') {
					if ((rc = ct_json_skip(s, depth + 1)) != CT_JSON_OK)
						return rc;
					if (w->b[f->id] < 0)
						w->b[f->id] = c == 't';
					break;
				}
				if (c == '"') {
					struct ct_json_str v;
					if ((rc = ct_json_string(s, &v)) != CT_JSON_OK)
						return rc;
					if (v.len == 4 && memcmp(v.s, "true", 4) == 0) {
						if (w->b[f->id] < 0)
							w->b[f->id] = 1;
					} else if (v.len == 5 && memcmp(v.s, "false", 5) == 0) {
						if (w->b[f->id] < 0)
							w->b[f->id] = 0;
					} else if (v.len != 0) {
						type_error(w, f, "a boolean");
					}
					break;
				}
				if (c != 'n')
					type_error(w, f, "a boolean");
				if ((rc = ct_json_skip(s, depth + 1)) != CT_JSON_OK)
					return rc;
				break;
			case K_OBJ:
				if (c == '{') {
					if ((rc = walk_obj(w, f->sub, depth + 1)) != CT_JSON_OK)
						return rc;
					if (def == &event_d)
						w->marks |= M_EVENTISH;
					break;
				}
				if (c != 'n')
					type_error(w, f, "an object");
				if ((rc = ct_json_skip(s, depth + 1)) != CT_JSON_OK)
					return rc;
				break;
			case K_ARR: {
				const char *a = s->p;
				if ((rc = ct_json_skip(s, depth + 1)) != CT_JSON_OK)
					return rc;
				if (c == '[' && !w->arr_start) {
					w->arr_start = a;
					w->arr_end = s->p;
					w->marks |= (unsigned)f->id;
				}
				break;
			}
			case K_SPAN: {
				const char *a = s->p;
				if ((rc = ct_json_skip(s, depth + 1)) != CT_JSON_OK)
					return rc;
				if (def == &event_d && c != 'n' && !w->j[f->id].s) {
					w->j[f->id].s = a;
					w->j[f->id].len = (size_t)(s->p - a);
				}
				break;
			}
			case K_MARK:
				w->marks |= (unsigned)f->id;
				if ((rc = ct_json_skip(s, depth + 1)) != CT_JSON_OK)
					return rc;
				break;
			}
		}
		s->p = ct_json_ws(s->p, end);
		if (s->p >= end)
			return CT_JSON_MORE;
		if (*s->p == ',') {
			s->p = ct_json_ws(s->p + 1, end);
			if (s->p >= end)
				return CT_JSON_MORE;
			continue;
		}
		if (*s->p == '}') {
			s->p++;
			return CT_JSON_OK;
		}
		s->err = "expected ',' or '}'";
		s->errpos = s->p;
		return CT_JSON_ERR;
	}
}

static void walk_init(struct walk *w, const char *p, const char *end, bool final)
{
	memset(w, 0, sizeof(*w));
	memset(w->b, -1, sizeof(w->b));
	w->s.p = p;
	w->s.end = end;
	w->s.final = final;
	w->s.max_depth = CT_JSON_MAX_DEPTH;
}

/* ---- the reader ---- */

struct reader {
	const char *file;
	ct_event_fn on_event;
	ct_diag_fn diag;
	void *ud;
	struct ct_read_stats st;
	struct ct_err *err;
	struct ct_buf scratch; /* unescaped strings of the current record */
	struct ct_buf inner;   /* a lookup-events CloudTrailEvent, unescaped */
	int top_values;        /* top-level values seen */
	int top_events;        /* top-level single events */
	bool saw_records, saw_events, saw_array;
};

static void rec_error(struct reader *r, uint64_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rec_error(struct reader *r, uint64_t n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->st.bad++;
	ct_diag_emit(r->diag, r->ud, CT_DIAG_ERROR, CT_AT_RECORD, r->file, n, "%s", msg);
}

static int emit_event(struct reader *r, struct walk *w, const char *raw, size_t raw_len, uint64_t n)
{
	if (w->type_key) {
		r->st.bad++;
		ct_diag_emit(r->diag, r->ud, CT_DIAG_ERROR, CT_AT_RECORD, r->file, n, "%s is %s, not %s", w->type_key,
			     w->type_got, w->type_what);
		return 0;
	}
	struct ct_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.raw = raw;
	ev.raw_len = raw_len;
	ev.ordinal = n;
	memcpy(ev.b, w->b, sizeof(ev.b));
	for (int i = 0; i < CT_EJ_COUNT; i++) {
		ev.j[i].s = w->j[i].s;
		ev.j[i].len = w->j[i].len;
	}
	/* decode escaped strings into scratch (sized first: pointers must not move) */
	size_t need = 0;
	for (int i = 0; i < CT_EF_COUNT; i++)
		if (w->f[i].s && w->f[i].escaped)
			need += w->f[i].len;
	ct_buf_reset(&r->scratch);
	if (need && ct_buf_reserve(&r->scratch, need) < 0)
		return ct_err_set(r->err, CT_E_NOMEM, r->file, n, "out of memory");
	for (int i = 0; i < CT_EF_COUNT; i++) {
		if (!w->f[i].s)
			continue;
		if (w->f[i].escaped) {
			char *o = r->scratch.p + r->scratch.len;
			size_t l = ct_json_unescape(w->f[i].s, w->f[i].len, o);
			r->scratch.len += l;
			ev.f[i].s = o;
			ev.f[i].len = l;
		} else {
			ev.f[i].s = w->f[i].s;
			ev.f[i].len = w->f[i].len;
		}
	}
	const struct ct_str *t = &ev.f[CT_EF_EVENT_TIME];
	if (!t->s) {
		rec_error(r, n, "missing eventTime");
		return 0;
	}
	if (ct_time_parse_iso(t->s, t->len, &ev.ts) < 0) {
		char q[80];
		snprintf(q, sizeof(q), "%.*s", (int)CT_MIN(t->len, (size_t)60), t->s);
		rec_error(r, n, "eventTime '%s' is not an ISO-8601 time", q);
		return 0;
	}
	if (r->on_event(r->ud, &ev, r->err) < 0)
		return -1;
	return 0;
}

static int read_mem_items(struct reader *r, const char *p, const char *end);

/* A complete, validated JSON object [p, end) at record number n. */
static int handle_object(struct reader *r, struct walk *w, const char *p, const char *end, uint64_t n, bool top,
			 int *ret_class)
{
	*ret_class = CT_RD_OK;
	if (w->marks & M_CTEVENT) {
		/* lookup-events item: the event is an escaped JSON string */
		r->saw_events = true;
		struct span *c = &w->ctevent;
		ct_buf_reset(&r->inner);
		if (ct_buf_reserve(&r->inner, c->len) < 0)
			return ct_err_set(r->err, CT_E_NOMEM, r->file, n, "out of memory");
		size_t l = c->escaped ? ct_json_unescape(c->s, c->len, r->inner.p) : c->len;
		if (!c->escaped)
			memcpy(r->inner.p, c->s, l);
		r->inner.len = l;
		struct walk iw;
		const char *ip = ct_json_ws(r->inner.p, r->inner.p + l);
		walk_init(&iw, ip, r->inner.p + l, true);
		if (ip >= iw.s.end || *ip != '{') {
			rec_error(r, n, "CloudTrailEvent is not a JSON object");
			return 0;
		}
		int rc = walk_obj(&iw, &event_d, 0);
		if (rc != CT_JSON_OK || ct_json_ws(iw.s.p, iw.s.end) != iw.s.end) {
			rec_error(r, n, "CloudTrailEvent is not valid JSON: %s",
				  rc == CT_JSON_OK ? "data after the object"
				  : iw.s.err       ? iw.s.err
						   : "truncated");
			return 0;
		}
		return emit_event(r, &iw, ip, (size_t)(iw.s.p - ip), n);
	}
	if (w->marks & (M_RECORDS | M_EVENTS)) {
		if (w->marks & M_RECORDS)
			r->saw_records = true;
		else
			r->saw_events = true;
		r->st.records--; /* the container is not a record */
		return read_mem_items(r, w->arr_start + 1, w->arr_end - 1);
	}
	if (w->marks & M_EVENTISH)
		return emit_event(r, w, p, (size_t)(end - p), n);
	if (w->marks & M_DIGEST) {
		if (top && r->top_values == 1) {
			*ret_class = CT_RD_DIGEST;
			return 0;
		}
		rec_error(r, n, "a CloudTrail digest, not an event");
		return 0;
	}
	if (top && r->top_values == 1) {
		*ret_class = CT_RD_NOTLOG;
		return 0;
	}
	rec_error(r, n, "not a CloudTrail event (no eventTime, eventName or eventSource)");
	return 0;
}

/* Items of an in-memory, already validated array body. */
static int read_mem_items(struct reader *r, const char *p, const char *end)
{
	for (;;) {
		p = ct_json_ws(p, end);
		if (p >= end)
			return 0;
		if (*p == ',')
			p = ct_json_ws(p + 1, end);
		if (p >= end)
			return 0;
		uint64_t n = ++r->st.records;
		struct walk w;
		walk_init(&w, p, end, true);
		if (*p != '{') {
			ct_json_skip(&w.s, 1);
			rec_error(r, n, "the item is %s, not an event object", type_name(*p));
			p = w.s.p;
			continue;
		}
		if (walk_obj(&w, &event_d, 1) != CT_JSON_OK)
			return ct_err_set(r->err, CT_E_INPUT, r->file, n, "invalid JSON inside a validated array");
		int cls;
		if (handle_object(r, &w, p, w.s.p, n, false, &cls) < 0)
			return -1;
		p = w.s.p;
	}
}

/* Next non-space byte in the window (refilling), or -1 at the end, -2 on error. */
static int peek(struct ct_rbuf *b)
{
	for (;;) {
		const char *p = ct_json_ws(b->data + b->pos, b->data + b->len);
		b->pos = (size_t)(p - b->data);
		if (b->pos < b->len)
			return (unsigned char)b->data[b->pos];
		int rc = ct_rbuf_fill(b, CT_MAX_RECORD);
		if (rc < 0)
			return -2;
		if (rc == 0)
			return -1;
	}
}

static int window_error(struct reader *r, struct ct_rbuf *b)
{
	r->st.bad++;
	*r->err = b->err;
	snprintf(r->err->file, sizeof(r->err->file), "%s", r->file);
	return CT_RD_BROKEN;
}

enum scan_mode { SCAN_WALK, SCAN_SKIP };

/* Scans one value at b->pos with refills.  Returns CT_JSON_OK (w->s.p is
 * its end, as a pointer into b->data), CT_JSON_ERR, or -2 for a window
 * error; a value past the record limit or cut by the end of input is an
 * error with its own message in w->s.err. */
static int scan_value(struct ct_rbuf *b, struct walk *w, enum scan_mode mode, int depth)
{
	for (;;) {
		walk_init(w, b->data + b->pos, b->data + b->len, b->eof);
		int rc = mode == SCAN_WALK ? walk_obj(w, &event_d, depth) : ct_json_skip(&w->s, depth);
		if (rc != CT_JSON_MORE)
			return rc;
		if (b->len - b->pos >= CT_MAX_RECORD) {
			w->s.err = "record larger than the 8 MiB limit";
			w->s.errpos = b->data + b->pos;
			w->s.errkind = CT_JSON_E_SIZE;
			return CT_JSON_ERR;
		}
		int f = ct_rbuf_fill(b, CT_MAX_RECORD);
		if (f < 0)
			return -2;
		if (f == 0 && !b->eof) {
			w->s.err = "record larger than the 8 MiB limit";
			w->s.errpos = b->data + b->pos;
			w->s.errkind = CT_JSON_E_SIZE;
			return CT_JSON_ERR;
		}
		if (f == 0) {
			w->s.err = "unexpected end of input inside the record";
			w->s.errpos = b->data + b->len;
			return CT_JSON_ERR;
		}
	}
}

static int syntax_error(struct reader *r, struct ct_rbuf *b, struct walk *w, uint64_t n, bool fatal)
{
	uint64_t off = b->base + (uint64_t)(w->s.errpos - b->data);
	char msg[200];
	if (w->s.errkind == CT_JSON_E_DEPTH || w->s.errkind == CT_JSON_E_SIZE)
		snprintf(msg, sizeof(msg), "%s (record starting at byte %llu)", w->s.err,
			 (unsigned long long)(b->base + b->pos));
	else
		snprintf(msg, sizeof(msg), "invalid JSON: %s at byte %llu", w->s.err ? w->s.err : "syntax error",
			 (unsigned long long)off);
	if (fatal) {
		r->st.bad++;
		ct_err_set(r->err, CT_E_INPUT, r->file, n, "%s; the rest of the file cannot be read", msg);
		return CT_RD_BROKEN;
	}
	rec_error(r, n, "%s", msg);
	return 0;
}

/* Skips to the start of the next line that begins with '{' (NDJSON resync). */
static int resync(struct ct_rbuf *b)
{
	for (;;) {
		const char *p = b->data + b->pos, *end = b->data + b->len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl)
				break;
			if (nl + 1 < end) {
				if (nl[1] == '{') {
					b->pos = (size_t)(nl + 1 - b->data);
					return 0;
				}
				p = nl + 1;
				continue;
			}
			p = nl; /* need the byte after the newline */
			break;
		}
		b->pos = (size_t)(p - b->data);
		int rc = ct_rbuf_fill(b, CT_MAX_RECORD);
		if (rc < 0)
			return -2;
		if (rc == 0) {
			b->pos = b->len;
			return -1;
		}
	}
}

/* Moves past the value at b->pos without validating it, tracking only
 * strings and bracket depth: the way past a record that broke a limit or
 * held bad bytes in a string, so the records after it are still read.
 * Returns 0, -1 when the input ends first, -2 on a window error. */
static int skip_lenient(struct ct_rbuf *b)
{
	int64_t depth = 0;
	bool in_str = false, esc = false;
	for (;;) {
		const char *p = b->data + b->pos, *end = b->data + b->len;
		while (p < end) {
			char c = *p++;
			if (in_str) {
				if (esc)
					esc = false;
				else if (c == '\\')
					esc = true;
				else if (c == '"')
					in_str = false;
				continue;
			}
			if (c == '"') {
				in_str = true;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth <= 0) {
					b->pos = (size_t)(p - b->data);
					return 0;
				}
			}
		}
		b->pos = b->len;
		int rc = ct_rbuf_fill(b, 1u << 20);
		if (rc < 0)
			return -2;
		if (rc == 0)
			return -1;
	}
}

/* Streams the items of an array whose '[' was consumed. */
static int read_items(struct reader *r, struct ct_rbuf *b)
{
	bool first = true;
	for (;;) {
		int c = peek(b);
		if (c == -2)
			return window_error(r, b);
		if (c == -1) {
			r->st.bad++;
			return ct_err_set(r->err, CT_E_INPUT, r->file, r->st.records + 1,
					  "unexpected end of input inside the array"),
			       CT_RD_BROKEN;
		}
		if (c == ']') {
			b->pos++;
			return 0;
		}
		if (!first) {
			if (c != ',') {
				r->st.bad++;
				ct_err_set(
					r->err, CT_E_INPUT, r->file, r->st.records + 1,
					"invalid JSON: expected ',' or ']' at byte %llu; the rest of the file cannot be read",
					(unsigned long long)(b->base + b->pos));
				return CT_RD_BROKEN;
			}
			b->pos++;
			c = peek(b);
			if (c < 0)
				continue;
		}
		first = false;
		uint64_t n = ++r->st.records;
		struct walk w;
		int rc = scan_value(b, &w, c == '{' ? SCAN_WALK : SCAN_SKIP, 1);
		if (rc == -2)
			return window_error(r, b);
		if (rc != CT_JSON_OK && w.s.errkind != CT_JSON_E_SYNTAX && c == '{') {
			/* the record is lost, but not the ones after it */
			syntax_error(r, b, &w, n, false);
			int sk = skip_lenient(b);
			if (sk == -2)
				return window_error(r, b);
			if (sk == -1) {
				ct_err_set(r->err, CT_E_INPUT, r->file, n, "unexpected end of input inside the record");
				return CT_RD_BROKEN;
			}
			continue;
		}
		if (rc != CT_JSON_OK)
			return syntax_error(r, b, &w, n, true);
		const char *start = b->data + b->pos;
		if (c != '{') {
			rec_error(r, n, "the item is %s, not an event object", type_name((char)c));
		} else {
			int cls;
			if (handle_object(r, &w, start, w.s.p, n, false, &cls) < 0)
				return CT_RD_FATAL;
		}
		b->pos = (size_t)(w.s.p - b->data);
	}
}

/* After a streamed container array: the rest of its enclosing object. */
static int read_object_rest(struct reader *r, struct ct_rbuf *b)
{
	for (;;) {
		int c = peek(b);
		if (c == -2)
			return window_error(r, b);
		if (c == '}') {
			b->pos++;
			return 0;
		}
		if (c != ',') {
			ct_err_set(r->err, CT_E_INPUT, r->file, 0,
				   "invalid JSON: expected ',' or '}' at byte %llu after the records array",
				   (unsigned long long)(b->base + b->pos));
			return CT_RD_BROKEN;
		}
		b->pos++;
		/* "key": value, skipped (bounded by the record limit) */
		c = peek(b);
		struct walk w;
		int rc = c == '"' ? scan_value(b, &w, SCAN_SKIP, 1) : CT_JSON_ERR;
		if (rc == -2)
			return window_error(r, b);
		if (rc != CT_JSON_OK)
			goto bad;
		b->pos = (size_t)(w.s.p - b->data);
		if (peek(b) != ':')
			goto bad;
		b->pos++;
		c = peek(b);
		if (c == -2)
			return window_error(r, b);
		if (c < 0)
			goto bad;
		rc = scan_value(b, &w, SCAN_SKIP, 1);
		if (rc == -2)
			return window_error(r, b);
		if (rc != CT_JSON_OK)
			goto bad;
		b->pos = (size_t)(w.s.p - b->data);
	}
bad:
	ct_err_set(r->err, CT_E_INPUT, r->file, 0, "invalid JSON after the records array at byte %llu",
		   (unsigned long long)(b->base + b->pos));
	return CT_RD_BROKEN;
}

/* At '{': is the first key "Records" or "Events" with an array value?  Then
 * consumes through the '[' and returns 1. */
static int container_start(struct ct_rbuf *b, bool *ret_events)
{
	for (;;) {
		const char *p = b->data + b->pos + 1, *end = b->data + b->len;
		p = ct_json_ws(p, end);
		if (p < end && *p != '"')
			return 0;
		if (p < end) {
			const char *k = p + 1;
			const char *q = memchr(k, '"', (size_t)(end - k));
			if (q) {
				size_t kl = (size_t)(q - k);
				bool rec = kl == 7 && memcmp(k, "Records", 7) == 0;
				bool evs = kl == 6 && memcmp(k, "Events", 6) == 0;
				if (!rec && !evs)
					return 0;
				p = ct_json_ws(q + 1, end);
				if (p < end && *p != ':')
					return 0;
				if (p < end) {
					p = ct_json_ws(p + 1, end);
					if (p < end) {
						if (*p != '[')
							return 0;
						b->pos = (size_t)(p + 1 - b->data);
						*ret_events = evs;
						return 1;
					}
				}
			} else if ((size_t)(end - k) > 64) {
				return 0; /* a long first key is not ours */
			}
		}
		int rc = ct_rbuf_fill(b, 4096);
		if (rc <= 0)
			return rc < 0 ? -2 : 0;
	}
}

static int read_top(struct reader *r, struct ct_rbuf *b)
{
	/* a UTF-8 byte order mark */
	if (b->len - b->pos < 3)
		ct_rbuf_fill(b, 3);
	if (b->len - b->pos >= 3 && memcmp(b->data + b->pos, "\xEF\xBB\xBF", 3) == 0)
		b->pos += 3;
	int result = CT_RD_OK;
	for (;;) {
		int c = peek(b);
		if (c == -2)
			return window_error(r, b);
		if (c == -1)
			break;
		r->top_values++;
		if (c == '[') {
			r->saw_array = true;
			b->pos++;
			int rc = read_items(r, b);
			if (rc != 0)
				return rc;
			continue;
		}
		if (c != '{') {
			if (r->top_values == 1) {
				ct_err_set(r->err, CT_E_INPUT, r->file, 0, "not JSON: not a CloudTrail log");
				return CT_RD_NOTLOG;
			}
			ct_err_set(r->err, CT_E_INPUT, r->file, r->st.records + 1,
				   "invalid JSON: unexpected data at byte %llu after a complete value",
				   (unsigned long long)(b->base + b->pos));
			r->st.bad++;
			return CT_RD_BROKEN;
		}
		bool events = false;
		int cs = container_start(b, &events);
		if (cs == -2)
			return window_error(r, b);
		if (cs == 1) {
			if (events)
				r->saw_events = true;
			else
				r->saw_records = true;
			int rc = read_items(r, b);
			if (rc == 0)
				rc = read_object_rest(r, b);
			if (rc != 0)
				return rc;
			continue;
		}
		uint64_t n = ++r->st.records;
		struct walk w;
		int rc = scan_value(b, &w, SCAN_WALK, 0);
		if (rc == -2)
			return window_error(r, b);
		if (rc != CT_JSON_OK) {
			syntax_error(r, b, &w, n, false);
			int rs = resync(b);
			if (rs == -2)
				return window_error(r, b);
			continue;
		}
		int cls;
		bool before = r->saw_records || r->saw_events;
		if (handle_object(r, &w, b->data + b->pos, w.s.p, n, true, &cls) < 0)
			return CT_RD_FATAL;
		if (!before && !(r->saw_records || r->saw_events) && cls == CT_RD_OK && (w.marks & M_EVENTISH))
			r->top_events++;
		b->pos = (size_t)(w.s.p - b->data);
		if (cls == CT_RD_DIGEST) {
			ct_err_set(r->err, CT_E_INPUT, r->file, 0,
				   "a CloudTrail digest file: skipped (check it with 'ctscan verify')");
			return CT_RD_DIGEST;
		}
		if (cls == CT_RD_NOTLOG) {
			ct_err_set(r->err, CT_E_INPUT, r->file, 0,
				   "JSON but not a CloudTrail log (no Records, Events or event fields): skipped");
			return CT_RD_NOTLOG;
		}
	}
	if (r->top_values == 0) {
		ct_err_set(r->err, CT_E_INPUT, r->file, 0, "empty file: skipped");
		return CT_RD_EMPTY;
	}
	return result;
}

const char *ct_shape_name(enum ct_shape s)
{
	switch (s) {
	case CT_SHAPE_RECORDS: return "records";
	case CT_SHAPE_LOOKUP: return "lookup-events";
	case CT_SHAPE_ARRAY: return "array";
	case CT_SHAPE_EVENT: return "event";
	case CT_SHAPE_NDJSON: return "ndjson";
	default: return "none";
	}
}

int ct_cloudtrail_read(struct ct_rbuf *b, const char *file, ct_event_fn on_event, ct_diag_fn diag, void *ud,
		       struct ct_read_stats *ret_stats, struct ct_err *err)
{
	struct reader r;
	memset(&r, 0, sizeof(r));
	r.file = file;
	r.on_event = on_event;
	r.diag = diag;
	r.ud = ud;
	r.err = err;
	int rc = read_top(&r, b);
	if (r.saw_events)
		r.st.shape = CT_SHAPE_LOOKUP;
	else if (r.saw_records)
		r.st.shape = CT_SHAPE_RECORDS;
	else if (r.saw_array)
		r.st.shape = CT_SHAPE_ARRAY;
	else if (r.top_events > 1 || (r.top_values > 1 && r.top_events >= 1))
		r.st.shape = CT_SHAPE_NDJSON;
	else if (r.top_events == 1)
		r.st.shape = CT_SHAPE_EVENT;
	ct_buf_free(&r.scratch);
	ct_buf_free(&r.inner);
	if (ret_stats)
		*ret_stats = r.st;
	return rc;
}

int ct_cloudtrail_read_mem(const char *data, size_t len, const char *file, ct_event_fn on_event, ct_diag_fn diag,
			   void *ud, struct ct_read_stats *ret_stats, struct ct_err *err)
{
	struct ct_rbuf b;
	memset(&b, 0, sizeof(b));
	b.data = malloc(len + 1);
	if (!b.data)
		return ct_err_set(err, CT_E_NOMEM, file, 0, "out of memory");
	memcpy(b.data, data, len);
	b.data[len] = 0;
	b.len = b.cap = len;
	b.eof = true;
	int rc = ct_cloudtrail_read(&b, file, on_event, diag, ud, ret_stats, err);
	free(b.data);
	return rc;
}
