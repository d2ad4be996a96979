#!/usr/bin/env python3
"""Regenerates testdata/cloudtrail and testdata/bad (ingest shapes and bad
inputs).  Run from the repository root; the outputs are committed."""
import json, gzip, os

def ts(i):
    return "2024-03-12T09:%02d:%02dZ" % (i // 60, i % 60)

def ev(i, name="DescribeInstances", src="ec2.amazonaws.com", **kw):
    e = {"eventVersion": "1.08",
         "userIdentity": {"type": "IAMUser", "principalId": "AIDA5EXAMPLEUSER0001",
                          "arn": "arn:aws:iam::111122223333:user/dev-alice", "accountId": "111122223333",
                          "accessKeyId": "AKIA5EXAMPLEKEY00001", "userName": "dev-alice"},
         "eventTime": ts(i), "eventSource": src, "eventName": name, "awsRegion": "us-east-1",
         "sourceIPAddress": "192.0.2.10",
         "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-instances",
         "requestParameters": {"instancesSet": {}, "filterSet": {}}, "responseElements": None,
         "requestID": "5f0b7a4e-0000-4000-8000-%012d" % i, "eventID": "0a6f5d2e-1111-4a3b-9c8d-%012d" % i,
         "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True,
         "recipientAccountId": "111122223333", "eventCategory": "Management",
         "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                        "clientProvidedHostHeader": "ec2.us-east-1.amazonaws.com"}}
    e.update(kw)
    return e

role = {"type": "AssumedRole", "principalId": "AROA5EXAMPLEROLE0001:ops-session",
        "arn": "arn:aws:sts::111122223333:assumed-role/ops-deploy/ops-session", "accountId": "111122223333",
        "accessKeyId": "ASIA5EXAMPLESESS0001",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROA5EXAMPLEROLE0001",
                                             "arn": "arn:aws:iam::111122223333:role/ops-deploy",
                                             "accountId": "111122223333", "userName": "ops-deploy"},
                           "webIdFederationData": {},
                           "attributes": {"creationDate": "2024-03-12T08:55:00Z", "mfaAuthenticated": "false"}}}
svc = {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"}
compact = dict(separators=(",", ":"))
os.makedirs("testdata/cloudtrail", exist_ok=True)
os.makedirs("testdata/bad", exist_ok=True)

def gz(path, data, level=6):
    with open(path, "wb") as f:
        f.write(gzip.compress(data if isinstance(data, bytes) else data.encode(), level, mtime=0))

recs = [ev(1), ev(2, "ListBuckets", "s3.amazonaws.com", requestParameters={"Host": "s3.amazonaws.com"}),
        ev(3, "PutBucketPolicy", "s3.amazonaws.com", userIdentity=role, readOnly=False,
           requestParameters={"bucketName": "corp-data", "bucketPolicy": {"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corp-data/*"}]}},
           errorCode="AccessDenied",
           errorMessage="User: arn:aws:sts::111122223333:assumed-role/ops-deploy/ops-session is not authorized to perform: s3:PutBucketPolicy \"corp-data\""),
        ev(4, "AssumeRole", "sts.amazonaws.com", userIdentity=svc, sourceIPAddress="lambda.amazonaws.com",
           userAgent="lambda.amazonaws.com", sharedEventID="9d1f2c3b-2222-4444-8888-000000000004")]
open("testdata/cloudtrail/records.json", "w").write(json.dumps({"Records": recs}, **compact))
gz("testdata/cloudtrail/records.json.gz", json.dumps({"Records": recs}, **compact))
open("testdata/cloudtrail/pretty.json", "w").write(json.dumps({"Records": [ev(i) for i in range(10, 13)]}, indent=2))
with open("testdata/cloudtrail/ndjson.jsonl", "w") as f:
    for i in range(20, 23):
        f.write(json.dumps(ev(i)) + "\n\n")

def lookup(es):
    return {"Events": [{"EventId": e["eventID"], "EventName": e["eventName"], "ReadOnly": "true",
                        "AccessKeyId": e["userIdentity"].get("accessKeyId", ""),
                        "EventTime": "2024-03-12T09:00:00+00:00", "EventSource": e["eventSource"],
                        "Username": "dev-alice", "Resources": [],
                        "CloudTrailEvent": json.dumps(e, **compact)} for e in es],
            "NextToken": "eyJ0b2tlbiI6ICJleGFtcGxlIn0="}
with open("testdata/cloudtrail/lookup-events.json", "w") as f:
    f.write(json.dumps(lookup([ev(30), ev(31)]), indent=4) + "\n" + json.dumps(lookup([ev(32), ev(1)]), indent=4) + "\n")
open("testdata/cloudtrail/array.json", "w").write(json.dumps([ev(40), ev(41)], indent=1))
open("testdata/cloudtrail/single-event.json", "w").write(json.dumps(ev(50), indent=2))
open("testdata/cloudtrail/empty-array.json", "w").write("[]\n")
m = [ev(60, sourceIPAddress="AWS Internal"), ev(61, sourceIPAddress="010.001.002.003", awsRegion="xx-future-9"),
     ev(62, sourceIPAddress="10.0.0.300"), ev(63, sourceIPAddress="2001:db8::7")]
for x in m:
    x["@timestamp"] = "2024-03-12T09:01:00Z"
    x["forwarder"] = {"host": "fluentbit-7", "pipeline": "ct"}
open("testdata/cloudtrail/forwarder.json", "w").write(json.dumps({"Records": m, "logGroup": "aws-cloudtrail", "owner": "111122223333"}))
digest = {"awsAccountId": "111122223333", "digestStartTime": "2024-03-12T08:00:00Z",
          "digestEndTime": "2024-03-12T09:00:00Z", "digestS3Bucket": "trail-bucket",
          "digestS3Object": "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/12/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240312T090000Z.json.gz",
          "digestPublicKeyFingerprint": "a1b2c3", "digestSignatureAlgorithm": "SHA256withRSA",
          "newestEventTime": None, "oldestEventTime": None, "previousDigestS3Bucket": None,
          "previousDigestS3Object": None, "previousDigestHashValue": None, "previousDigestHashAlgorithm": None,
          "previousDigestSignature": None, "logFiles": []}
gz("testdata/cloudtrail/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240312T090000Z.json.gz", json.dumps(digest))
open("testdata/cloudtrail/README.md", "w").write("# Logs downloaded from s3://trail-bucket on 2024-03-13\n")
open("testdata/cloudtrail/index.html", "w").write("<!doctype html><html><body>S3 listing</body></html>\n")
open("testdata/cloudtrail/sync.sh", "w").write("#!/bin/sh\naws s3 sync s3://trail-bucket/AWSLogs ./AWSLogs\n")
open("testdata/cloudtrail/package.json", "w").write(json.dumps({"name": "not-a-log", "version": "1.0.0"}))

good = json.dumps({"Records": [ev(70), ev(71), ev(72)]}, **compact).encode()
g = gzip.compress(good, 6, mtime=0)
open("testdata/bad/truncated.json.gz", "wb").write(g[:len(g) * 2 // 3])
s = json.dumps({"Records": [ev(73), ev(74), ev(75)]}, **compact)
second = s.index('{"eventVersion"', s.index('{"eventVersion"') + 10)
open("testdata/bad/invalid-json.json", "w").write(s[:second] + '{"eventVersion":"1.08",,' + s[second + 24:])
b = json.dumps({"Records": [ev(76), ev(77, userAgent="UA_PLACEHOLDER"), ev(78)]}, **compact).encode()
open("testdata/bad/bad-utf8.json", "wb").write(b.replace(b"UA_PLACEHOLDER", b"curl/\xff\xfe"))
b = json.dumps({"Records": [ev(79), ev(80, userAgent="NULPLACEHOLDER")]}, **compact).encode()
open("testdata/bad/nul-byte.json", "wb").write(b.replace(b"NULPLACEHOLDER", b"a\x00b"))
big = ev(81)
big["requestParameters"] = {"blob": "X" * (100 * 1024 * 1024)}
gz("testdata/bad/big-string.json.gz", json.dumps({"Records": [ev(82), big, ev(83)]}, **compact), 9)
open("testdata/bad/deep.json", "w").write('{"Records":[' + json.dumps(ev(84)) + ',{"eventVersion":"1.08","eventTime":"' + ts(85) +
                                          '","requestParameters":' + "[" * 100000 + "]" * 100000 + '},' + json.dumps(ev(86)) + ']}')
w1 = ev(87); w1["eventTime"] = 1710234000
w2 = ev(88); w2["userIdentity"] = "arn:aws:iam::111122223333:user/dev-alice"
w3 = ev(89); del w3["eventTime"]
w4 = ev(90); w4["eventTime"] = "yesterday"
open("testdata/bad/wrong-types.json", "w").write(json.dumps({"Records": [w1, w2, w3, w4, ev(91)]}))
open("testdata/bad/empty.json", "w").write("")
with open("testdata/bad/ndjson-bad-line.jsonl", "w") as f:
    f.write(json.dumps(ev(92)) + "\n" + json.dumps(ev(93))[:200] + "\n" + json.dumps(ev(94)) + "\n")

# ---- dedupe: overlapping exports of the same events ----
os.makedirs("testdata/dedupe", exist_ok=True)
a = json.dumps({"Records": [ev(1), ev(2), ev(3)]}, **compact)
open("testdata/dedupe/a-trail1.json", "w").write(a)
open("testdata/dedupe/a-trail2-copy.json", "w").write(a)           # the same file twice
gz("testdata/dedupe/b-recompressed.json.gz", json.dumps({"Records": [ev(1), ev(2)]}, indent=1))
with open("testdata/dedupe/c-export.jsonl", "w") as f:               # NDJSON export
    for i in (2, 3, 4):
        f.write(json.dumps(ev(i)) + "\n")
open("testdata/dedupe/d-lookup.json", "w").write(json.dumps(lookup([ev(3), ev(4), ev(5)])))
noid = [ev(6), ev(7)]
for x in noid:
    del x["eventID"]
open("testdata/dedupe/e-noid.json", "w").write(json.dumps({"Records": noid}, **compact))
open("testdata/dedupe/f-noid-again.jsonl", "w").write("\n".join(json.dumps(x, **compact) for x in noid) + "\n")
other = ev(1)
other["recipientAccountId"] = "444455556666"
open("testdata/dedupe/g-other-account.json", "w").write(json.dumps({"Records": [other]}))
