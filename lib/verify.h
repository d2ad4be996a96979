/* verify.h - offline CloudTrail log file integrity validation (internal).
 *
 * CloudTrail delivers, roughly every hour per trail and region, a digest
 * file that lists the log files delivered in its window with the SHA-256 of
 * their inflated content, and names the previous digest with its SHA-256
 * and RSA signature.  A digest's own signature lives in its S3 object
 * metadata, which copies of the bucket do not keep, but it is repeated in
 * the next digest: every digest but the newest of a chain can be checked
 * from the files alone (and the newest too, given a signature file).
 *
 * Use: ct_verify_new; ct_verify_add_keys (output of `aws cloudtrail
 * list-public-keys`), ct_verify_add_signatures (optional), ct_verify_add_path
 * and/or ct_verify_add_known_log for the files; then ct_verify_run once,
 * which calls `row` for every digest, log file, missing file and gap, and
 * fills a summary.  Problems with single files go to opts->diag and are
 * counted in the summary (inputs_failed); they never stop a run.
 *
 * Matching: S3 keys are compared by their "AWSLogs/..." suffix, so files
 * may sit under any prefix or folder; a log file also matches by its file
 * name alone when its folder does not follow the S3 layout.  A log file
 * counts by the SHA-256 of its inflated content, so a gunzipped copy (the
 * key without ".gz") or a recompressed one is still valid.  A digest is
 * identified by the key written inside it (digestS3Object), so a moved
 * digest is still valid; the row tells where it was found.
 */
#ifndef CT_VERIFY_H
#define CT_VERIFY_H

#include "ctscan.h"

enum ct_verify_kind {
	CT_VK_DIGEST,
	CT_VK_LOG,
	CT_VK_GAP,
};

enum ct_verify_status {
	CT_VS_VALID,             /* hash and signature check out */
	CT_VS_CHANGED,           /* content differs from the hash a digest gives */
	CT_VS_MISSING,           /* listed or linked, but not among the files */
	CT_VS_UNLISTED,          /* log file inside digest windows, listed in none */
	CT_VS_SIGNATURE_INVALID, /* digest whose RSA signature does not verify */
	CT_VS_KEY_UNKNOWN,       /* digest signed with a key not in the key list */
	CT_VS_NO_SIGNATURE,      /* newest digest of a chain, no signature given */
	CT_VS_UNVERIFIED,        /* nothing to check it against (see detail) */
	CT_VS_GAP,               /* a chain ends and a new one starts later */
};

/* "digest", "log", "gap" and "valid", "changed", "missing", "unlisted",
 * "signature_invalid", "key_unknown", "no_signature", "unverified", "gap". */
const char *ct_verify_kind_name(enum ct_verify_kind k);
const char *ct_verify_status_name(enum ct_verify_status s);
/* True for the statuses that point to tampering: changed, missing,
 * unlisted, signature_invalid. */
bool ct_verify_status_is_finding(enum ct_verify_status s);

/* One result.  Strings are valid during the callback only; NULL when not
 * known or not applicable.  Times are ms since the epoch, 0 when unknown. */
struct ct_verify_row {
	enum ct_verify_kind kind;
	enum ct_verify_status status;
	/* The S3 key as a digest names it (prefix included); for a file no
	 * digest names, the "AWSLogs/..." suffix of its path.  NULL for a
	 * counted range of missing digests whose names are not known. */
	const char *object;
	const char *bucket; /* S3 bucket a digest names */
	const char *path;   /* where the file was found */
	const char *org;    /* organization id (o-...) of an organization trail */
	const char *account;
	const char *region;
	const char *trail; /* digests, gaps, and log files a digest lists */
	/* digest: digestStartTime .. digestEndTime (a missing one: estimated);
	 * log: oldest .. newest event time the digest gives, else the delivery
	 * minute from the file name; gap and missing range: the hours without
	 * a digest. */
	int64_t time_from, time_to;
	uint64_t count;       /* digests in a counted missing range, else 1 */
	const char *sha256;   /* hex SHA-256 of the content as found */
	const char *expected; /* hex SHA-256 a digest gives for it */
	const char *digest;   /* log: key of the digest that lists it;
				  * digest: key of the digest that names it next */
	const char *detail;   /* lowercase text, no full stop */
};

/* Return 0 to go on; a negative return stops ct_verify_run, which then
 * returns -1 with err->code CT_E_SYSTEM. */
typedef int (*ct_verify_row_fn)(void *ud, const struct ct_verify_row *r);

struct ct_verify_summary {
	/* digest rows by status ("missing" counts each digest of a range) */
	uint64_t digests_valid, digests_changed, digests_missing, digests_signature_invalid, digests_key_unknown,
		digests_no_signature, digests_unverified;
	/* log rows by status */
	uint64_t logs_valid, logs_changed, logs_missing, logs_unlisted, logs_unverified;
	uint64_t gaps;
	uint64_t inputs_failed;              /* files that could not be read or parsed */
	uint64_t files_hashed, bytes_hashed; /* log files hashed, content bytes */
	int64_t first_ms, last_ms;           /* earliest start, latest end of the digests found */
	int64_t valid_ms;                    /* time covered by valid digests (union) */
};

/* 1 (CT_EXIT_FINDINGS) when anything is changed, missing, unlisted or
 * signature_invalid; else 3 (CT_EXIT_INPUT) when an input could not be read
 * or parsed; else 0. */
int ct_verify_exit(const struct ct_verify_summary *s);

struct ct_verify_opts {
	int jobs;        /* threads for inflating and hashing, 0 = one per CPU */
	ct_diag_fn diag; /* per-file problems; may be NULL */
	void *ud;
};

struct ct_verify;

/* opts may be NULL. */
int ct_verify_new(const struct ct_verify_opts *opts, struct ct_verify **ret, struct ct_err *err);
void ct_verify_free(struct ct_verify *v);

/* Adds public keys from a file holding the JSON of `aws cloudtrail
 * list-public-keys` ({"PublicKeyList": [{"Value": base64 DER,
 * "Fingerprint": hex, ...}]}; a bare array works too).  May be called for
 * several files (one per region).  A digest names its key by
 * digestPublicKeyFingerprint, the hex MD5 of the DER bytes of Value; a key
 * whose Fingerprint disagrees with that is warned about and used under
 * the Fingerprint given.  Fails (CT_E_INPUT) when the file cannot be read
 * or is not such JSON. */
int ct_verify_add_keys(struct ct_verify *v, const char *path, struct ct_err *err);

/* Adds digest signatures from a JSON object mapping digest S3 keys (with
 * or without "s3://bucket/") to hex signatures, as `aws s3api head-object`
 * shows them in Metadata.signature; a value may also be an object with a
 * "signature" member.  Lets the newest digest of a chain be verified. */
int ct_verify_add_signatures(struct ct_verify *v, const char *path, struct ct_err *err);

/* Adds a file, or every file under a directory (walked in byte order of
 * names, symbolic links to directories not followed).  Files are told
 * apart by name (..._CloudTrail_... log files, ..._CloudTrail-Digest_...
 * digests) and, for other *.json and *.gz files, a digest by its content;
 * anything else is skipped (a file named directly is warned about).
 * Fails only when `path` itself cannot be read. */
int ct_verify_add_path(struct ct_verify *v, const char *path, struct ct_err *err);

/* Adds a log file already hashed elsewhere (the index's sources): its S3
 * key (or a path ending in one), where it is (may be NULL) and the hex
 * SHA-256 of its inflated content.  The file is not read again; a file
 * under the same path found by ct_verify_add_path is taken from here. */
int ct_verify_add_known_log(struct ct_verify *v, const char *s3key, const char *path, const char *content_sha256_hex,
			    struct ct_err *err);

/* True when the file name part of `path` (or S3 key) is that of a
 * CloudTrail log file, the names ct_verify_add_known_log takes. */
bool ct_verify_is_log_name(const char *path);

/* Verifies everything added and calls `row` for each result whose time
 * meets [since_ms, until_ms] (0 = no bound), in this order: per chain
 * (organization, account, region, trail), the digests oldest first, each
 * preceded by any gap or missing digests before it and followed by the
 * log files it is the first to list; then the log files no digest lists,
 * in key order.  Sets *ret (may be NULL).  Runs once per ct_verify.
 * Returns -1 only for a failure of the whole run (out of memory, a
 * callback that stopped it). */
int ct_verify_run(struct ct_verify *v, int64_t since_ms, int64_t until_ms, ct_verify_row_fn row, void *ud,
		  struct ct_verify_summary *ret, struct ct_err *err);

#endif
