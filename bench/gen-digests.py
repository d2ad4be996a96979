#!/usr/bin/env python3
"""gen-digests.py: CloudTrail digest files for a bench corpus.

    bench/gen-digests.py CORPUS OUTDIR

Walks CORPUS/AWSLogs/<account>/CloudTrail/<region>/... (as gen-cloudtrail
writes it), and writes under OUTDIR/AWSLogs/<account>/CloudTrail-Digest/
one signed digest per account, region and hour from the first delivery to
the last (a tree of its own, so that peers reading CORPUS/**/*.json.gz in
bench-ingest.sh never see a digest):
each lists the log files delivered in its hour with the SHA-256 of their
inflated content and links to the previous digest, as CloudTrail does.
The trail's bucket is "bench-bucket" with no prefix, so the S3 keys are
the paths below CORPUS.  Signing uses a key made once in
OUTDIR/digest-key.pem with the openssl command; OUTDIR/keys.json is
its `aws cloudtrail list-public-keys` record and
OUTDIR/signatures.json the newest digests' signatures (what
`aws s3api head-object` shows as Metadata.signature).

Only Python's standard library and the openssl command: it stays outside
the C build, like the rest of bench/.
"""
import base64
import datetime as dt
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys

BUCKET = "bench-bucket"
TRAIL = "bench"
NAME = re.compile(r"^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$")


def iso(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench/gen-digests.py CORPUS OUTDIR")
    corpus = os.path.abspath(sys.argv[1])
    work = os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    keyfile = os.path.join(work, "digest-key.pem")
    if not os.path.exists(keyfile):
        subprocess.run(["openssl", "genrsa", "-out", keyfile, "2048"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", keyfile, "-RSAPublicKey_out", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    fpr = hashlib.md5(der).hexdigest()
    with open(os.path.join(work, "keys.json"), "w") as f:
        json.dump({"PublicKeyList": [{"Value": base64.b64encode(der).decode(),
                                      "ValidityStartTime": "2020-01-01T00:00:00Z",
                                      "ValidityEndTime": "2030-01-01T00:00:00Z",
                                      "Fingerprint": fpr}]}, f, indent=1)

    # (account, region) -> hour -> [(key, sha256 of the inflated file)]
    chains = {}
    nfiles = 0
    for root, dirs, files in os.walk(os.path.join(corpus, "AWSLogs")):
        dirs.sort()
        for name in sorted(files):
            m = NAME.match(name)
            if not m or "/CloudTrail/" not in root + "/":
                continue
            acct, region, stamp = m.groups()
            t = int(dt.datetime.strptime(stamp, "%Y%m%dT%H%M").replace(tzinfo=dt.timezone.utc).timestamp())
            path = os.path.join(root, name)
            with gzip.open(path, "rb") as g:
                h = hashlib.sha256()
                for block in iter(lambda: g.read(1 << 20), b""):
                    h.update(block)
            key = os.path.relpath(path, corpus)
            chains.setdefault((acct, region), {}).setdefault(t // 3600, []).append((key, h.hexdigest(), t))
            nfiles += 1

    sigs = {}
    ndig = 0
    for (acct, region), hours in sorted(chains.items()):
        prev = None
        for hour in range(min(hours), max(hours) + 1):
            start, end = hour * 3600 + 91, hour * 3600 + 3600 + 91
            logs = hours.get(hour, [])
            day = dt.datetime.fromtimestamp(end, dt.timezone.utc)
            dname = "%s_CloudTrail-Digest_%s_%s_%s_%sZ.json.gz" % (acct, region, TRAIL, region,
                                                                    day.strftime("%Y%m%dT%H%M%S"))
            dkey = "AWSLogs/%s/CloudTrail-Digest/%s/%s/%s" % (acct, region, day.strftime("%Y/%m/%d"), dname)
            doc = {
                "awsAccountId": acct, "digestStartTime": iso(start), "digestEndTime": iso(end),
                "digestS3Bucket": BUCKET, "digestS3Object": dkey,
                "digestPublicKeyFingerprint": fpr, "digestSignatureAlgorithm": "SHA256withRSA",
                "newestEventTime": iso(max(t for _, _, t in logs)) if logs else None,
                "oldestEventTime": iso(min(t for _, _, t in logs) - 300) if logs else None,
                "previousDigestS3Bucket": BUCKET if prev else None,
                "previousDigestS3Object": prev[0] if prev else None,
                "previousDigestHashValue": prev[1] if prev else None,
                "previousDigestHashAlgorithm": "SHA-256" if prev else None,
                "previousDigestSignature": prev[2] if prev else None,
                "logFiles": [{"s3Bucket": BUCKET, "s3Object": k, "hashValue": s, "hashAlgorithm": "SHA-256",
                              "newestEventTime": iso(t), "oldestEventTime": iso(t - 300)} for k, s, t in logs],
            }
            text = json.dumps(doc, separators=(",", ":")).encode()
            sha = hashlib.sha256(text).hexdigest()
            msg = "%s\n%s/%s\n%s\n%s" % (iso(end), BUCKET, dkey, sha, prev[2] if prev else "null")
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", keyfile], input=msg.encode(),
                                 check=True, capture_output=True).stdout.hex()
            out = os.path.join(work, dkey)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "wb") as f:
                f.write(gzip.compress(text, mtime=0))
            prev = (dkey, sha, sig)
            ndig += 1
        sigs[prev[0]] = prev[2]
    with open(os.path.join(work, "signatures.json"), "w") as f:
        json.dump(sigs, f, indent=1)
    print("gen-digests: %d log files, %d digests in %d chains" % (nfiles, ndig, len(chains)), file=sys.stderr)


if __name__ == "__main__":
    main()
