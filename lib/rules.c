/* rules.c - detection rule files: the metadata header and the SQL.
 *
 * A rule is one .sql file whose leading comment lines carry its metadata:
 *   -- id: ct_trail_stopped
 *   -- title: ...
 *   -- severity: info|low|medium|high|critical
 *   -- tactics: TA0005[, ...]
 *   -- techniques: T1562.008[, ...]
 *   -- description: ...
 *   -- false_positives: ...
 *   -- references: ...
 *   -- tags: a, b
 *   -- allowlist: principal, ip | none
 *   -- param: name = default | description      (repeatable)
 * A line "--   more text" continues the previous key.  The rest of the
 * file is the query, runnable in the sqlite3 shell with the defaults. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctscan.h"
#include "util.h"

#define RULE_MAX_SIZE (1u << 20)

static const char *const severities[] = {"info", "low", "medium", "high", "critical"};

int ct_severity_parse(const char *s)
{
	for (int i = 0; i < (int)CT_ARRAY_SIZE(severities); i++)
		if (strcasecmp(s, severities[i]) == 0)
			return i;
	return -1;
}

const char *ct_severity_name(int sev)
{
	return sev >= 0 && sev < (int)CT_ARRAY_SIZE(severities) ? severities[sev] : "unknown";
}

void ct_rule_free(struct ct_rule *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->title);
	free(r->tactics);
	free(r->techniques);
	free(r->description);
	free(r->false_positives);
	free(r->references);
	free(r->tags);
	free(r->allowlist);
	free(r->path);
	free(r->text);
	for (size_t i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		free(r->params[i].value);
		free(r->params[i].description);
	}
	free(r->params);
	free(r);
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return ct_strndup(s, n);
}

/* Checks a comma list of ids: TA0001 or T1234 / T1234.001. */
static bool valid_ids(const char *s, bool tactic)
{
	const char *p = s;
	int count = 0;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *q = p;
		if (tactic) {
			if (strncmp(q, "TA", 2) != 0)
				return false;
			q += 2;
			for (int i = 0; i < 4; i++, q++)
				if (!isdigit((unsigned char)*q))
					return false;
		} else {
			if (*q++ != 'T')
				return false;
			for (int i = 0; i < 4; i++, q++)
				if (!isdigit((unsigned char)*q))
					return false;
			if (*q == '.') {
				q++;
				for (int i = 0; i < 3; i++, q++)
					if (!isdigit((unsigned char)*q))
						return false;
			}
		}
		if (*q && *q != ',' && *q != ' ')
			return false;
		count++;
		p = q;
	}
	return count > 0;
}

static int append_to(char **field, const char *add)
{
	size_t a = *field ? strlen(*field) : 0, b = strlen(add);
	char *n = realloc(*field, a + b + 2);
	if (!n)
		return -1;
	if (a)
		n[a++] = ' ';
	memcpy(n + a, add, b + 1);
	*field = n;
	return 0;
}

int ct_rule_parse(const char *text, size_t len, const char *path, const char *want_id, struct ct_rule **ret,
		  struct ct_err *err)
{
	if (len > RULE_MAX_SIZE)
		return ct_err_set(err, CT_E_QUERY, path, 0, "rule file larger than 1 MiB");
	if (memchr(text, 0, len))
		return ct_err_set(err, CT_E_QUERY, path, 0, "rule file holds a NUL byte");
	struct ct_rule *r = calloc(1, sizeof(*r));
	if (!r)
		return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	r->severity = -1;
	r->path = strdup(path ? path : "");
	char **last = NULL;
	size_t pos = 0, line = 0;
	while (pos < len) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos;
		size_t next = pos + ll + (nl ? 1 : 0);
		line++;
		const char *p = l;
		size_t n = ll;
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n == 0) {
			pos = next;
			last = NULL;
			continue;
		}
		if (n < 2 || p[0] != '-' || p[1] != '-')
			break; /* the query starts here */
		p += 2;
		n -= 2;
		const char *colon = memchr(p, ':', n);
		const char *k = p;
		while (k < p + n && *k == ' ')
			k++;
		size_t kl = 0;
		while (k + kl < p + n && (isalnum((unsigned char)k[kl]) || k[kl] == '_'))
			kl++;
		char *val;
		if (colon && kl && k + kl == colon) {
			val = trim_dup(colon + 1, (size_t)(p + n - colon - 1));
			char key[32];
			snprintf(key, sizeof(key), "%.*s", (int)CT_MIN(kl, (size_t)31), k);
			char **slot = NULL;
			if (!strcmp(key, "id"))
				slot = &r->id;
			else if (!strcmp(key, "title"))
				slot = &r->title;
			else if (!strcmp(key, "tactics"))
				slot = &r->tactics;
			else if (!strcmp(key, "techniques"))
				slot = &r->techniques;
			else if (!strcmp(key, "description"))
				slot = &r->description;
			else if (!strcmp(key, "false_positives"))
				slot = &r->false_positives;
			else if (!strcmp(key, "references"))
				slot = &r->references;
			else if (!strcmp(key, "tags"))
				slot = &r->tags;
			else if (!strcmp(key, "allowlist"))
				slot = &r->allowlist;
			if (slot) {
				if (*slot) {
					free(val);
					ct_err_set(err, CT_E_QUERY, path, line, "'%s' given twice", key);
					goto bad;
				}
				*slot = val;
				last = slot;
			} else if (!strcmp(key, "severity")) {
				r->severity = ct_severity_parse(val);
				if (r->severity < 0) {
					ct_err_set(err, CT_E_QUERY, path, line,
						   "severity '%s' is not info, low, medium, high or critical", val);
					free(val);
					goto bad;
				}
				free(val);
				last = NULL;
			} else if (!strcmp(key, "param")) {
				/* name = default | description */
				char *eq = strchr(val, '=');
				if (!eq) {
					free(val);
					ct_err_set(err, CT_E_QUERY, path, line, "param needs 'name = default'");
					goto bad;
				}
				char *bar = strchr(eq, '|');
				struct ct_rule_param pm = {0};
				pm.name = trim_dup(val, (size_t)(eq - val));
				pm.value = trim_dup(eq + 1, bar ? (size_t)(bar - eq - 1) : strlen(eq + 1));
				pm.description = bar ? trim_dup(bar + 1, strlen(bar + 1)) : strdup("");
				free(val);
				bool ok = pm.name && pm.name[0];
				for (const char *c = pm.name; ok && *c; c++)
					ok = isalnum((unsigned char)*c) || *c == '_';
				if (!ok || !pm.value || !pm.value[0]) {
					ct_err_set(err, CT_E_QUERY, path, line, "param '%s': bad name or no default",
						   pm.name ? pm.name : "");
					free(pm.name);
					free(pm.value);
					free(pm.description);
					goto bad;
				}
				struct ct_rule_param *np = realloc(r->params, (r->nparams + 1) * sizeof(*np));
				if (!np) {
					free(pm.name);
					free(pm.value);
					free(pm.description);
					ct_err_set(err, CT_E_NOMEM, path, line, "out of memory");
					goto bad;
				}
				r->params = np;
				r->params[r->nparams++] = pm;
				last = NULL;
			} else {
				ct_err_set(err, CT_E_QUERY, path, line, "unknown header key '%s'", key);
				free(val);
				goto bad;
			}
		} else if (last) {
			/* a continuation line */
			val = trim_dup(p, n);
			if (val && val[0])
				append_to(last, val);
			free(val);
		}
		pos = next;
	}
	r->sql_line = (int)(pos >= len ? line + 1 : line); /* at the end: the line after the header */
	r->text = ct_strndup(text, len);
	r->sql = r->text + pos;
	static const char *const req[] = {"id", "title", "tactics", "techniques", "description"};
	char *const vals[] = {r->id, r->title, r->tactics, r->techniques, r->description};
	for (size_t i = 0; i < CT_ARRAY_SIZE(req); i++)
		if (!vals[i] || !vals[i][0]) {
			ct_err_set(err, CT_E_QUERY, path, 1, "the header has no '%s'", req[i]);
			goto bad;
		}
	if (r->severity < 0) {
		ct_err_set(err, CT_E_QUERY, path, 1, "the header has no 'severity'");
		goto bad;
	}
	for (const char *c = r->id; *c; c++)
		if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_')) {
			ct_err_set(err, CT_E_QUERY, path, 1, "id '%s' is not lowercase letters, digits and '_'", r->id);
			goto bad;
		}
	if (want_id && strcmp(want_id, r->id) != 0) {
		ct_err_set(err, CT_E_QUERY, path, 1, "id '%s' differs from the file name '%s'", r->id, want_id);
		goto bad;
	}
	if (!valid_ids(r->tactics, true)) {
		ct_err_set(err, CT_E_QUERY, path, 1, "tactics '%s' are not ATT&CK tactic ids (TA0001)", r->tactics);
		goto bad;
	}
	if (!valid_ids(r->techniques, false)) {
		ct_err_set(err, CT_E_QUERY, path, 1,
			   "techniques '%s' are not ATT&CK technique ids (T1234 or T1234.001)", r->techniques);
		goto bad;
	}
	const char *q = r->sql;
	while (*q && isspace((unsigned char)*q))
		q++;
	if (!*q) {
		ct_err_set(err, CT_E_QUERY, path, r->sql_line, "no query after the header");
		goto bad;
	}
	*ret = r;
	return 0;
bad:
	ct_rule_free(r);
	return -1;
}

int ct_rule_load(const char *path, struct ct_rule **ret, struct ct_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ct_err_set(err, CT_E_INPUT, path, 0, "cannot open: %s", strerror(errno));
	struct ct_buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > RULE_MAX_SIZE) {
			fclose(f);
			ct_buf_free(&b);
			return ct_err_set(err, CT_E_QUERY, path, 0, "rule file larger than 1 MiB");
		}
		if (ct_buf_append(&b, chunk, n) < 0) {
			fclose(f);
			ct_buf_free(&b);
			return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
		}
	}
	fclose(f);
	/* the id is the file name without .sql */
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t bl = strlen(base);
	char want[256];
	snprintf(want, sizeof(want), "%.*s", (int)(bl > 4 && !strcmp(base + bl - 4, ".sql") ? bl - 4 : bl), base);
	int rc = ct_rule_parse(b.p ? b.p : "", b.len, path, want, ret, err);
	ct_buf_free(&b);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the .sql files under dir, sorted, into *list. */
static int collect(const char *dir, char ***list, size_t *n, size_t *cap, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, nc = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (nn == nc) {
			nc = nc ? nc * 2 : 64;
			char **x = realloc(names, nc * sizeof(*x));
			if (!x)
				break;
			names = x;
		}
		names[nn++] = strdup(de->d_name);
	}
	closedir(d);
	if (nn > 0) /* qsort(NULL, 0, ...) is undefined (UBSan: an empty directory) */
		qsort(names, nn, sizeof(*names), cmp_names);
	for (size_t i = 0; i < nn; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < 8) {
			collect(path, list, n, cap, depth + 1);
		} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && strlen(names[i]) > 4 &&
			   !strcmp(names[i] + strlen(names[i]) - 4, ".sql")) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				char **x = realloc(*list, *cap * sizeof(*x));
				if (!x)
					break;
				*list = x;
			}
			(*list)[(*n)++] = strdup(path);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

int ct_rules_load_dir(struct ct_ruleset *rs, const char *dir, ct_diag_fn diag, void *ud, struct ct_err *err)
{
	char **list = NULL;
	size_t n = 0, cap = 0;
	if (collect(dir, &list, &n, &cap, 0) < 0)
		return ct_err_set(err, CT_E_USAGE, dir, 0, "cannot read the rules directory: %s", strerror(errno));
	for (size_t i = 0; i < n; i++) {
		struct ct_rule *r = NULL;
		struct ct_err e = {0};
		if (ct_rule_load(list[i], &r, &e) < 0) {
			rs->broken++;
			if (diag) {
				struct ct_diag d = {.kind = CT_DIAG_ERROR,
						    .where = e.record ? CT_AT_LINE : CT_AT_FILE,
						    .file = list[i],
						    .n = e.record,
						    .msg = e.msg};
				diag(ud, &d);
			}
		} else {
			bool dup = false;
			for (size_t k = 0; k < rs->n; k++)
				if (!strcmp(rs->rules[k]->id, r->id))
					dup = true;
			if (dup) {
				rs->broken++;
				ct_diag_emit(diag, ud, CT_DIAG_ERROR, CT_AT_FILE, list[i], 0,
					     "rule id '%s' is already defined: skipped", r->id);
				ct_rule_free(r);
			} else {
				struct ct_rule **x = realloc(rs->rules, (rs->n + 1) * sizeof(*x));
				if (x) {
					rs->rules = x;
					rs->rules[rs->n++] = r;
				} else {
					ct_rule_free(r);
				}
			}
		}
		free(list[i]);
	}
	free(list);
	return 0;
}

void ct_ruleset_clear(struct ct_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		ct_rule_free(rs->rules[i]);
	free(rs->rules);
	rs->rules = NULL;
	rs->n = 0;
	rs->broken = 0;
}
