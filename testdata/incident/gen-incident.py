#!/usr/bin/env python3
"""gen-incident.py - writes the sample incident under testdata/incident/.

The committed files are the fixture; this script is how they were made
and how to change them.  Output is deterministic (fixed seed, gzip
mtime 0): running it again rewrites byte-identical files.

    python3 testdata/incident/gen-incident.py [OUTDIR]

The story (all times 2024-03-12, UTC; account 111122223333): see README.txt.
"""
import gzip
import io
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
ACCT = "111122223333"
ORG = "o-7kq3x2m9zp"
DAY = datetime(2024, 3, 12, tzinfo=timezone.utc)
rng = random.Random(20240312)

# ---- the cast ----
ALICE_KEY = "AKIAQXEXAMPLEALICE01"     # dev-alice's long-term key: the leak
OPS_KEY = "ASIAQXEXAMPLEOPSDEP1"       # attacker's ops-deploy session
BRK_KEY = "ASIAQXEXAMPLEBRKGLS2"       # attacker's admin-break-glass session (chained)
BKD_KEY = "AKIAQXEXAMPLEBKDOOR3"       # backdoor-svc's key, made by the attacker
BOB_KEY = "ASIAQXEXAMPLECONSL01"       # dev-bob's console session
WEB_KEYS = ["ASIAQXEXAMPLEWEBAPP1", "ASIAQXEXAMPLEWEBAPP2", "ASIAQXEXAMPLEWEBAPP3"]
CI_KEY = "ASIAQXEXAMPLECIDEP01"
CFG_KEY = "ASIAQXEXAMPLECONFIG1"

ATTACKER_IP = "203.0.113.66"
EXFIL_IP = "198.51.100.23"
OFFICE_IP = "192.0.2.10"
BOB_IP6 = "2001:db8:4f2a::17"
WEB_IP = "10.0.1.25"
VPCE = "vpce-0a1b2c3d4e5f67890"

VPC = "vpc-0a1b2c3d4e5f6a7b8"
SUBNET_WEB = "subnet-0b1c2d3e4f5a6b7c8"
SUBNET_PUB = "subnet-0c1d2e3f4a5b6c7d8"
SG_DEFAULT = "sg-0a1b2c3d4e5f60718"
SG_WEB = "sg-0f1e2d3c4b5a69788"
EVIL_INSTANCE = "i-0abc1234def567890"
EVIL_ENI = "eni-0abc1234def567890"
EVIL_IP = "10.0.5.17"
WEB_INSTANCE = "i-0123456789abcdef0"
WEB_ENI = "eni-0123456789abcdef0"
DB_ENI = "eni-0fedcba9876543210"

ROLE_PIDS = {
    "ops-deploy": "AROAQXEXAMPLEOPSDEPLOY",
    "admin-break-glass": "AROAQXEXAMPLEBREAKGLASS",
    "web-app-role": "AROAQXEXAMPLEWEBAPPROLE",
    "ci-deployer": "AROAQXEXAMPLECIDEPLOYER",
    "AWSServiceRoleForConfig": "AROAQXEXAMPLECONFIGSLR",
}

UA_KALI = ("aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-kali1-amd64 exe/x86_64.kali.2024 "
           "prompt/off command/{cmd}")
UA_BOTO = ("Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.6.9-kali1-amd64 md/arch#x86_64 "
           "lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.60")
UA_ALICE = "aws-cli/2.15.10 Python/3.11.6 Darwin/23.3.0 exe/x86_64 prompt/off command/{cmd}"
UA_CONSOLE = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36")
UA_WEB = ("aws-sdk-java/2.20.162 Linux/5.10.209-198.858.amzn2.x86_64 "
          "OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. "
          "io/sync http/Apache cfg/retry-mode/legacy")
UA_CI = "aws-cli/2.15.10 Python/3.11.6 Linux/5.10.210-201.852.amzn2.x86_64 exe/x86_64.amzn.2 prompt/off command/{cmd}"


def uuid():
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[rng.getrandbits(2)], h[17:20], h[20:32])


def reqid():
    return "%032X" % rng.getrandbits(128)


def at(hms):
    h, m, s = (int(x) for x in hms.split(":"))
    return DAY + timedelta(hours=h, minutes=m, seconds=s)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def aws_date(t):
    # the responseElements date style: "Mar 12, 2024, 2:44:12 PM"
    return t.strftime("%b %d, %Y, ") + t.strftime("%I:%M:%S %p").lstrip("0")


def iam_user(name, key, pid, console_created=None, mfa=False):
    u = {"type": "IAMUser", "principalId": pid, "arn": "arn:aws:iam::%s:user/%s" % (ACCT, name),
         "accountId": ACCT, "accessKeyId": key, "userName": name}
    if console_created:
        u["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {},
                               "attributes": {"creationDate": console_created,
                                              "mfaAuthenticated": "true" if mfa else "false"}}
    return u


def assumed(role, session, key, created):
    pid = ROLE_PIDS[role]
    path = "aws-service-role/config.amazonaws.com/" if role.startswith("AWSServiceRole") else ""
    return {"type": "AssumedRole", "principalId": "%s:%s" % (pid, session),
            "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, session),
            "accountId": ACCT, "accessKeyId": key,
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": pid,
                                                 "arn": "arn:aws:iam::%s:role/%s%s" % (ACCT, path, role),
                                                 "accountId": ACCT, "userName": role},
                               "webIdFederationData": {},
                               "attributes": {"creationDate": created, "mfaAuthenticated": "false"}}}


def aws_service(svc):
    return {"type": "AWSService", "invokedBy": svc}


ALICE = iam_user("dev-alice", ALICE_KEY, "AIDAQXEXAMPLEDEVALICE")
BACKDOOR = iam_user("backdoor-svc", BKD_KEY, "AIDAQXEXAMPLEBACKDOOR")
BOB = iam_user("dev-bob", BOB_KEY, "AIDAQXEXAMPLEDEVBOB01", console_created="2024-03-12T08:02:41Z", mfa=True)

READ_PREFIXES = ("Get", "List", "Describe", "Lookup", "Head", "Search", "Filter", "BatchGet")

HOSTS = {"s3.amazonaws.com": None, "ec2.amazonaws.com": "ec2.{r}.amazonaws.com",
         "iam.amazonaws.com": "iam.amazonaws.com", "sts.amazonaws.com": "sts.amazonaws.com",
         "kms.amazonaws.com": "kms.{r}.amazonaws.com",
         "secretsmanager.amazonaws.com": "secretsmanager.{r}.amazonaws.com",
         "ssm.amazonaws.com": "ssm.{r}.amazonaws.com", "logs.amazonaws.com": "logs.{r}.amazonaws.com",
         "lambda.amazonaws.com": "lambda.{r}.amazonaws.com",
         "cloudtrail.amazonaws.com": "cloudtrail.{r}.amazonaws.com",
         "monitoring.amazonaws.com": "monitoring.{r}.amazonaws.com",
         "ecr.amazonaws.com": "api.ecr.{r}.amazonaws.com",
         "signin.amazonaws.com": "signin.aws.amazon.com"}

events = []  # (time, region, record)


def ev(t, source, name, ident, ip, ua, req=None, resp=None, region="us-east-1", err=None,
       ro=None, data=False, resources=None, additional=None, vpce=None, console=False,
       shared=False, etype="AwsApiCall", api_version=None, tls=True):
    if isinstance(t, str):
        t = at(t)
    r = {"eventVersion": "1.09" if not data else "1.08", "userIdentity": ident, "eventTime": iso(t),
         "eventSource": source, "eventName": name, "awsRegion": region, "sourceIPAddress": ip,
         "userAgent": ua}
    if err:
        r["errorCode"], r["errorMessage"] = err
    r["requestParameters"] = req
    r["responseElements"] = None if err else resp
    if additional is not None:
        r["additionalEventData"] = additional
    r["requestID"] = reqid() if source != "s3.amazonaws.com" else "%016X" % rng.getrandbits(64)
    r["eventID"] = uuid()
    if etype == "AwsApiCall" or ro is not None:
        r["readOnly"] = ro if ro is not None else name.startswith(READ_PREFIXES)
    if resources is not None:
        r["resources"] = resources
    r["eventType"] = etype
    if api_version:
        r["apiVersion"] = api_version
    r["managementEvent"] = not data
    r["recipientAccountId"] = ACCT
    if vpce:
        r["vpcEndpointId"] = vpce
    if shared:
        r["sharedEventID"] = uuid()
    r["eventCategory"] = "Data" if data else "Management"
    if tls and ip not in ("AWS Internal",) and not ip.endswith(".amazonaws.com"):
        host = HOSTS.get(source, "{s}")
        if source == "s3.amazonaws.com":
            b = (req or {}).get("bucketName")
            host = ("%s.s3.%s.amazonaws.com" % (b, region)) if b else "s3.amazonaws.com"
        else:
            host = (host or "{s}").format(r=region, s=source)
        r["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                           "clientProvidedHostHeader": host}
    if console:
        r["sessionCredentialFromConsole"] = "true"
    events.append((t, region, r))
    return r


def denied(ident, action, resource):
    who = ident["arn"]
    return ("AccessDenied", "User: %s is not authorized to perform: %s on resource: %s because no "
            "identity-based policy allows the %s action" % (who, action, resource, action))


def s3_extra(bytes_out=0, bytes_in=0):
    return {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": bytes_in, "AuthenticationMethod": "AuthHeader",
            "x-amz-id-2": "%x" % rng.getrandbits(240), "bytesTransferredOut": bytes_out}


def s3_object(t, name, ident, ip, ua, bucket, key, size=0, **kw):
    res = [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (bucket, key)},
           {"accountId": ACCT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % bucket}]
    get = name == "GetObject"
    return ev(t, "s3.amazonaws.com", name, ident, ip, ua,
              req={"bucketName": bucket, "Host": "%s.s3.us-east-1.amazonaws.com" % bucket, "key": key},
              resp=None if get else {"x-amz-server-side-encryption": "AES256"},
              data=True, resources=res,
              additional=s3_extra(size if get else 0, 0 if get else size), **kw)


def assume_role(t, ident, ip, ua, role, session, newkey, **kw):
    exp = t + timedelta(hours=1)
    ev(t, "sts.amazonaws.com", "AssumeRole", ident, ip, ua,
       req={"roleArn": "arn:aws:iam::%s:role/%s" % (ACCT, role), "roleSessionName": session,
            "durationSeconds": 3600},
       resp={"credentials": {"accessKeyId": newkey,
                             "sessionToken": "IQoJb3JpZ2luX2VjE" + "%x" % rng.getrandbits(400),
                             "expiration": aws_date(exp)},
             "assumedRoleUser": {"assumedRoleId": "%s:%s" % (ROLE_PIDS[role], session),
                                 "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, session)}},
       resources=[{"accountId": ACCT, "type": "AWS::IAM::Role",
                   "ARN": "arn:aws:iam::%s:role/%s" % (ACCT, role)}],
       shared=True, **kw)


# ================= background: an ordinary Tuesday =================

# dev-bob signs in to the console (IPv6, with MFA) and looks around
ev("08:02:41", "signin.amazonaws.com", "ConsoleLogin",
   {"type": "IAMUser", "principalId": "AIDAQXEXAMPLEDEVBOB01",
    "arn": "arn:aws:iam::%s:user/dev-bob" % ACCT, "accountId": ACCT, "userName": "dev-bob"},
   BOB_IP6, UA_CONSOLE, req=None, resp={"ConsoleLogin": "Success"},
   additional={"LoginTo": "https://console.aws.amazon.com/console/home?region=us-east-1",
               "MobileVersion": "No", "MFAIdentifier": "arn:aws:iam::%s:mfa/dev-bob" % ACCT,
               "MFAUsed": "Yes"},
   ro=False, etype="AwsConsoleSignIn", tls=False)
bob_console = [
    ("08:03:10", "ec2.amazonaws.com", "DescribeInstances",
     {"instancesSet": {}, "filterSet": {}, "includeAllInstances": False}),
    ("08:03:12", "ec2.amazonaws.com", "DescribeSecurityGroups",
     {"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {}}),
    ("08:04:55", "monitoring.amazonaws.com", "GetMetricData", {"startTime": "Mar 12, 2024, 5:04:00 AM",
                                                               "endTime": "Mar 12, 2024, 8:04:00 AM"}),
    ("08:05:30", "s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"}),
    ("08:05:44", "s3.amazonaws.com", "GetBucketPolicy",
     {"bucketName": "acme-prod-customer-data", "Host": "s3.amazonaws.com", "policy": ""}),
    ("08:06:02", "lambda.amazonaws.com", "ListFunctions20150331", {"functionVersion": "ALL"}),
    ("08:07:19", "cloudtrail.amazonaws.com", "GetTrailStatus", {"name": "management-events"}),
    ("08:07:20", "cloudtrail.amazonaws.com", "DescribeTrails", {"includeShadowTrails": True}),
]
for t, src, name, req in bob_console:
    ev(t, src, name, BOB, BOB_IP6, UA_CONSOLE, req=req, resp=None, console=True,
       additional=s3_extra() if src == "s3.amazonaws.com" else None)
# bob opens HTTPS from the office to the web security group: an ordinary change
ev("08:12:37", "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", BOB, BOB_IP6, UA_CONSOLE,
   req={"groupId": SG_WEB, "ipPermissions": {"items": [
       {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "groups": {},
        "ipRanges": {"items": [{"cidrIp": "192.0.2.0/24", "description": "office"}]},
        "ipv6Ranges": {}, "prefixListIds": {}}]}},
   resp={"requestId": uuid(), "_return": True, "securityGroupRuleSet": {"items": [
       {"groupOwnerId": ACCT, "groupId": SG_WEB, "securityGroupRuleId": "sgr-0a9b8c7d6e5f40312",
        "isEgress": False, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
        "cidrIpv4": "192.0.2.0/24", "description": "office"}]}}, console=True)
# and is refused when he tries to read the secrets of prod
ev("08:15:02", "secretsmanager.amazonaws.com", "GetSecretValue", BOB, BOB_IP6, UA_CONSOLE,
   req={"secretId": "prod/web/db"},
   err=denied(BOB, "secretsmanager:GetSecretValue",
              "arn:aws:secretsmanager:us-east-1:%s:secret:prod/web/db-Xy12Ab" % ACCT), console=True)

# dev-alice works from the office with her CLI key
alice_work = [
    ("09:02:11", "s3.amazonaws.com", "ListObjects", "s3.ls"),
    ("09:02:14", "s3.amazonaws.com", "GetObject", "s3.cp"),
    ("09:02:15", "s3.amazonaws.com", "GetObject", "s3.cp"),
    ("09:31:40", "ec2.amazonaws.com", "DescribeInstances", "ec2.describe-instances"),
    ("09:48:05", "logs.amazonaws.com", "FilterLogEvents", "logs.filter-log-events"),
    ("10:15:51", "lambda.amazonaws.com", "UpdateFunctionCode20150331v2", "lambda.update-function-code"),
    ("10:16:30", "lambda.amazonaws.com", "GetFunction20150331v2", "lambda.get-function"),
    ("11:05:02", "s3.amazonaws.com", "PutObject", "s3.cp"),
    ("11:05:03", "s3.amazonaws.com", "PutObject", "s3.cp"),
    ("11:40:27", "ec2.amazonaws.com", "DescribeInstances", "ec2.describe-instances"),
    ("12:20:14", "logs.amazonaws.com", "FilterLogEvents", "logs.filter-log-events"),
    ("15:33:09", "s3.amazonaws.com", "GetObject", "s3.cp"),
    ("15:58:44", "ec2.amazonaws.com", "DescribeInstances", "ec2.describe-instances"),
    ("16:40:18", "s3.amazonaws.com", "PutObject", "s3.cp"),
]
for i, (t, src, name, cmd) in enumerate(alice_work):
    ua = UA_ALICE.format(cmd=cmd)
    if name in ("GetObject", "PutObject"):
        key = "builds/thumbnailer/%s/thumbnailer-%d.zip" % ("2024-03-11" if name == "GetObject" else "2024-03-12", i)
        s3_object(t, name, ALICE, OFFICE_IP, ua, "acme-dev-artifacts", key, size=4_812_338 + i * 1337)
    elif name == "ListObjects":
        ev(t, src, name, ALICE, OFFICE_IP, ua,
           req={"list-type": "2", "bucketName": "acme-dev-artifacts", "encoding-type": "url",
                "prefix": "builds/thumbnailer/", "delimiter": "/",
                "Host": "acme-dev-artifacts.s3.us-east-1.amazonaws.com"},
           data=True, additional=s3_extra(2211),
           resources=[{"accountId": ACCT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-dev-artifacts"}])
    elif name == "DescribeInstances":
        ev(t, src, name, ALICE, OFFICE_IP, ua,
           req={"instancesSet": {}, "filterSet": {"items": [{"name": "tag:env", "valueSet": {"items": [{"value": "dev"}]}}]}})
    elif name == "FilterLogEvents":
        ev(t, src, name, ALICE, OFFICE_IP, ua,
           req={"logGroupName": "/aws/lambda/dev-thumbnailer", "startTime": 1710230400000, "filterPattern": "ERROR"})
    elif name.startswith("UpdateFunctionCode"):
        ev(t, src, name, ALICE, OFFICE_IP, ua,
           req={"functionName": "dev-thumbnailer", "publish": False, "dryRun": False,
                "s3Bucket": "acme-dev-artifacts", "s3Key": "builds/thumbnailer/2024-03-12/thumbnailer-5.zip"},
           resp={"functionName": "dev-thumbnailer",
                 "functionArn": "arn:aws:lambda:us-east-1:%s:function:dev-thumbnailer" % ACCT,
                 "runtime": "python3.12", "handler": "app.handler", "codeSize": 4812338,
                 "lastModified": "2024-03-12T10:15:51.402+0000", "version": "$LATEST", "state": "Active"},
           api_version="2015-03-31")
    else:
        ev(t, src, name, ALICE, OFFICE_IP, ua, req={"functionName": "dev-thumbnailer"}, api_version="2015-03-31")

# the web application's instance role, through the VPC endpoint, all day
web_created = {0: "2024-03-12T07:58:02Z", 1: "2024-03-12T11:58:03Z", 2: "2024-03-12T15:58:02Z"}
for h in (8, 12, 16):  # EC2 refreshes the instance profile credentials
    k = (h - 8) // 4
    t = DAY + timedelta(hours=h - 1, minutes=58, seconds=2 + k % 2)
    assume_role(t, aws_service("ec2.amazonaws.com"), "ec2.amazonaws.com", "ec2.amazonaws.com",
                "web-app-role", WEB_INSTANCE, WEB_KEYS[k])
t = DAY + timedelta(hours=8, minutes=1)
while t < DAY + timedelta(hours=18, minutes=30):
    k = min(2, max(0, (t.hour - 8) // 4))
    who = assumed("web-app-role", WEB_INSTANCE, WEB_KEYS[k], web_created[k])
    n = rng.randrange(4)
    if n == 0:
        ev(t, "kms.amazonaws.com", "Decrypt", who, WEB_IP, UA_WEB,
           req={"encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                "encryptionContext": {"aws:secretsmanager:arn": "arn:aws:secretsmanager:us-east-1:%s:secret:prod/web/db-Xy12Ab" % ACCT}},
           resources=[{"accountId": ACCT, "type": "AWS::KMS::Key",
                       "ARN": "arn:aws:kms:us-east-1:%s:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b" % ACCT}],
           vpce=VPCE, ro=True)
    elif n == 1:
        ev(t, "secretsmanager.amazonaws.com", "GetSecretValue", who, WEB_IP, UA_WEB,
           req={"secretId": "prod/web/db"}, vpce=VPCE)
    elif n == 2:
        ev(t, "ssm.amazonaws.com", "GetParameters", who, WEB_IP, UA_WEB,
           req={"names": ["/web/prod/feature-flags", "/web/prod/log-level"], "withDecryption": False}, vpce=VPCE)
    else:
        s3_object(t, "GetObject", who, WEB_IP, UA_WEB, "acme-app-config", "web/prod/config.json", size=3412,
                  vpce=VPCE)
    t += timedelta(minutes=rng.randrange(5, 11), seconds=rng.randrange(60))

# CI deploys twice (CodeBuild assumes ci-deployer)
for base, build in (("10:42:00", "b7d1"), ("16:05:00", "c9e4")):
    t0 = at(base)
    assume_role(t0, aws_service("codebuild.amazonaws.com"), "codebuild.amazonaws.com", "codebuild.amazonaws.com",
                "ci-deployer", "AWSCodeBuild-%s" % build, CI_KEY if build == "b7d1" else "ASIAQXEXAMPLECIDEP02")
    key = CI_KEY if build == "b7d1" else "ASIAQXEXAMPLECIDEP02"
    ci = assumed("ci-deployer", "AWSCodeBuild-%s" % build, key, iso(t0))
    ev(t0 + timedelta(seconds=31), "ecr.amazonaws.com", "GetAuthorizationToken", ci, "3.91.17.200",
       UA_CI.format(cmd="ecr.get-login-password"), req={})
    ev(t0 + timedelta(seconds=95), "ecr.amazonaws.com", "PutImage", ci, "3.91.17.200", UA_CI.format(cmd="ecr.put-image"),
       req={"repositoryName": "web", "imageTag": "2024.03.12-%s" % build, "imageManifest": "{...}"},
       resp={"image": {"registryId": ACCT, "repositoryName": "web",
                       "imageId": {"imageDigest": "sha256:%064x" % rng.getrandbits(256),
                                   "imageTag": "2024.03.12-%s" % build}}})
    ev(t0 + timedelta(seconds=140), "lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", ci,
       "3.91.17.200", UA_CI.format(cmd="lambda.update-function-configuration"),
       req={"functionName": "prod-image-resizer", "memorySize": 512}, api_version="2015-03-31")

# AWS Config records configuration through its service-linked role
for hms in ("09:00:12", "12:00:09", "15:00:14", "18:00:11"):
    cfg = assumed("AWSServiceRoleForConfig", "AWSConfig-Describe", CFG_KEY, "2024-03-12T06:00:03Z")
    for i, (src, name, req) in enumerate([
            ("ec2.amazonaws.com", "DescribeSecurityGroups", {"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {}}),
            ("ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {}, "filterSet": {}}),
            ("iam.amazonaws.com", "GetAccountAuthorizationDetails", {"filter": ["User", "Role", "Group", "LocalManagedPolicy"]}),
            ("s3.amazonaws.com", "GetBucketAcl", {"bucketName": "acme-prod-customer-data", "Host": "acme-prod-customer-data.s3.amazonaws.com", "acl": ""})]):
        ev(at(hms) + timedelta(seconds=i * 3), src, name, cfg, "config.amazonaws.com", "config.amazonaws.com",
           req=req, additional=s3_extra() if src == "s3.amazonaws.com" else None)

# an AWS-internal KMS call with no caller to speak of
ev("13:05:00", "kms.amazonaws.com", "RotateKey", aws_service("kms.amazonaws.com"), "kms.amazonaws.com",
   "kms.amazonaws.com", req=None, resp=None, etype="AwsServiceEvent", ro=False,
   resources=[{"accountId": ACCT, "type": "AWS::KMS::Key",
               "ARN": "arn:aws:kms:us-east-1:%s:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b" % ACCT}])

# ================= the intrusion =================
A = ALICE
kali = lambda cmd: UA_KALI.format(cmd=cmd)
ev("13:41:07", "sts.amazonaws.com", "GetCallerIdentity", A, ATTACKER_IP, kali("sts.get-caller-identity"), req=None,
   resp=None)
ev("13:41:38", "iam.amazonaws.com", "ListUsers", A, ATTACKER_IP, kali("iam.list-users"), req=None,
   err=denied(A, "iam:ListUsers", "arn:aws:iam::%s:user/" % ACCT))
ev("13:41:52", "iam.amazonaws.com", "GetAccountAuthorizationDetails", A, ATTACKER_IP,
   kali("iam.get-account-authorization-details"), req=None,
   err=denied(A, "iam:GetAccountAuthorizationDetails", "*"))
ev("13:42:05", "iam.amazonaws.com", "ListAttachedUserPolicies", A, ATTACKER_IP,
   kali("iam.list-attached-user-policies"), req={"userName": "dev-alice"},
   err=denied(A, "iam:ListAttachedUserPolicies", "arn:aws:iam::%s:user/dev-alice" % ACCT))
ev("13:42:20", "iam.amazonaws.com", "ListRoles", A, ATTACKER_IP, kali("iam.list-roles"), req=None)
ev("13:42:41", "s3.amazonaws.com", "ListBuckets", A, ATTACKER_IP, kali("s3.ls"),
   req={"Host": "s3.amazonaws.com"}, additional=s3_extra())
ev("13:42:58", "s3.amazonaws.com", "ListObjects", A, ATTACKER_IP, kali("s3.ls"),
   req={"list-type": "2", "bucketName": "acme-prod-customer-data", "encoding-type": "url", "prefix": "",
        "delimiter": "/", "Host": "acme-prod-customer-data.s3.us-east-1.amazonaws.com"},
   err=("AccessDenied", "Access Denied"), data=True, additional=s3_extra(),
   resources=[{"accountId": ACCT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-prod-customer-data"}])
for i, region in enumerate(("us-east-1", "us-west-2", "eu-west-1")):
    ev(at("13:43:10") + timedelta(seconds=7 * i), "ec2.amazonaws.com", "DescribeInstances", A, ATTACKER_IP,
       kali("ec2.describe-instances"), req={"instancesSet": {}, "filterSet": {}}, region=region)
ev("13:43:40", "secretsmanager.amazonaws.com", "ListSecrets", A, ATTACKER_IP, kali("secretsmanager.list-secrets"),
   req=None, err=denied(A, "secretsmanager:ListSecrets", "*"))
ev("13:43:51", "lambda.amazonaws.com", "ListFunctions20150331", A, ATTACKER_IP, kali("lambda.list-functions"),
   req={"functionVersion": "ALL"}, api_version="2015-03-31")

# into ops-deploy (alice is in the group allowed to assume it)
assume_role(at("13:44:12"), A, ATTACKER_IP, kali("sts.assume-role"), "ops-deploy", "alice", OPS_KEY)
OPS = assumed("ops-deploy", "alice", OPS_KEY, "2024-03-12T13:44:12Z")
ev("13:44:30", "sts.amazonaws.com", "GetCallerIdentity", OPS, ATTACKER_IP, kali("sts.get-caller-identity"))
ev("13:44:47", "iam.amazonaws.com", "ListAttachedRolePolicies", OPS, ATTACKER_IP,
   kali("iam.list-attached-role-policies"), req={"roleName": "ops-deploy"})
ev("13:45:03", "iam.amazonaws.com", "GetRole", OPS, ATTACKER_IP, kali("iam.get-role"),
   req={"roleName": "admin-break-glass"})
ev("13:45:20", "iam.amazonaws.com", "CreateUser", OPS, ATTACKER_IP, kali("iam.create-user"),
   req={"userName": "svc-monitor"},
   err=("AccessDenied", "User: arn:aws:sts::%s:assumed-role/ops-deploy/alice is not authorized to perform: "
        "iam:CreateUser on resource: arn:aws:iam::%s:user/svc-monitor because no identity-based policy "
        "allows the iam:CreateUser action" % (ACCT, ACCT)))
# role chaining: ops-deploy may assume admin-break-glass
assume_role(at("13:46:02"), OPS, ATTACKER_IP, kali("sts.assume-role"), "admin-break-glass", "maint", BRK_KEY)
BRK = assumed("admin-break-glass", "maint", BRK_KEY, "2024-03-12T13:46:02Z")
ev("13:46:19", "sts.amazonaws.com", "GetCallerIdentity", BRK, ATTACKER_IP, kali("sts.get-caller-identity"))
ev("13:47:05", "iam.amazonaws.com", "CreateUser", BRK, ATTACKER_IP, kali("iam.create-user"),
   req={"userName": "backdoor-svc", "path": "/system/"},
   resp={"user": {"path": "/system/", "userName": "backdoor-svc", "userId": "AIDAQXEXAMPLEBACKDOOR",
                  "arn": "arn:aws:iam::%s:user/system/backdoor-svc" % ACCT, "createDate": "Mar 12, 2024, 1:47:05 PM"}})
ev("13:47:31", "iam.amazonaws.com", "CreateAccessKey", BRK, ATTACKER_IP, kali("iam.create-access-key"),
   req={"userName": "backdoor-svc"},
   resp={"accessKey": {"userName": "backdoor-svc", "accessKeyId": BKD_KEY, "status": "Active",
                       "createDate": "Mar 12, 2024, 1:47:31 PM"}})
ev("13:47:52", "iam.amazonaws.com", "AttachUserPolicy", BRK, ATTACKER_IP, kali("iam.attach-user-policy"),
   req={"userName": "backdoor-svc", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
ev("13:48:14", "ec2.amazonaws.com", "ImportKeyPair", BRK, ATTACKER_IP, kali("ec2.import-key-pair"),
   req={"keyName": "maint-key", "publicKeyMaterial": "<sensitiveDataRemoved>"},
   resp={"requestId": uuid(), "keyName": "maint-key",
         "keyFingerprint": "3b:6f:29:e2:5c:8b:0a:71:9d:4e:10:cf:62:a8:37:54", "keyPairId": "key-0d1e2f3a4b5c6d7e8"})

# the backdoor user's key, from the exfiltration host
B = BACKDOOR
B = dict(B, arn="arn:aws:iam::%s:user/system/backdoor-svc" % ACCT)
ev("13:52:09", "sts.amazonaws.com", "GetCallerIdentity", B, EXFIL_IP, UA_BOTO)
ev("13:52:33", "s3.amazonaws.com", "ListBuckets", B, EXFIL_IP, UA_BOTO, req={"Host": "s3.amazonaws.com"},
   additional=s3_extra())
ev("13:52:47", "s3.amazonaws.com", "ListObjects", B, EXFIL_IP, UA_BOTO,
   req={"list-type": "2", "bucketName": "acme-prod-customer-data", "encoding-type": "url", "prefix": "exports/",
        "Host": "acme-prod-customer-data.s3.us-east-1.amazonaws.com"},
   data=True, additional=s3_extra(5120),
   resources=[{"accountId": ACCT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-prod-customer-data"}])
for i, key in enumerate(["exports/customers-2024-02.csv.gz", "exports/customers-2024-03.csv.gz",
                         "exports/payment-methods-2024-03.csv.gz", "backups/crm/crm-db-2024-03-11.sql.gz"]):
    s3_object(at("13:53:05") + timedelta(seconds=19 * i), "GetObject", B, EXFIL_IP, UA_BOTO,
              "acme-prod-customer-data", key, size=[88_213_004, 91_550_871, 12_004_577, 1_337_008_442][i])
ev("13:55:40", "s3.amazonaws.com", "DeleteBucketPublicAccessBlock", B, EXFIL_IP, UA_BOTO,
   req={"publicAccessBlock": "", "bucketName": "acme-prod-customer-data",
        "Host": "acme-prod-customer-data.s3.amazonaws.com"},
   additional=s3_extra(),
   resources=[{"accountId": ACCT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-prod-customer-data"}])
ev("13:55:58", "s3.amazonaws.com", "PutBucketPolicy", B, EXFIL_IP, UA_BOTO,
   req={"bucketPolicy": {"Version": "2012-10-17", "Statement": [
       {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::acme-prod-customer-data/*"}]},
        "bucketName": "acme-prod-customer-data", "Host": "acme-prod-customer-data.s3.amazonaws.com", "policy": ""},
   additional=s3_extra(),
   resources=[{"accountId": ACCT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-prod-customer-data"}])
ev("13:57:12", "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", B, EXFIL_IP, UA_BOTO,
   req={"groupId": SG_DEFAULT, "ipPermissions": {"items": [
       {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}},
   resp={"requestId": uuid(), "_return": True, "securityGroupRuleSet": {"items": [
       {"groupOwnerId": ACCT, "groupId": SG_DEFAULT, "securityGroupRuleId": "sgr-0f1e2d3c4b5a69781",
        "isEgress": False, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0"}]}})
launch = at("13:58:40")
ev(launch, "ec2.amazonaws.com", "RunInstances", B, EXFIL_IP, UA_BOTO,
   req={"instancesSet": {"items": [{"imageId": "ami-0c101f26f147fa7fd", "minCount": 1, "maxCount": 1,
                                    "keyName": "maint-key"}]},
        "userData": "<sensitiveDataRemoved>", "instanceType": "t3.large", "blockDeviceMapping": {},
        "monitoring": {"enabled": False}, "disableApiTermination": False, "disableApiStop": False,
        "clientToken": uuid(),
        "networkInterfaceSet": {"items": [{"deviceIndex": 0, "subnetId": SUBNET_PUB,
                                           "associatePublicIpAddress": True,
                                           "groupSet": {"items": [{"groupId": SG_DEFAULT}]}}]}},
   resp={"requestId": uuid(), "reservationId": "r-0a9b8c7d6e5f43210", "ownerId": ACCT, "groupSet": {},
         "instancesSet": {"items": [{
             "instanceId": EVIL_INSTANCE, "imageId": "ami-0c101f26f147fa7fd",
             "instanceState": {"code": 0, "name": "pending"}, "privateDnsName": "ip-10-0-5-17.ec2.internal",
             "keyName": "maint-key", "amiLaunchIndex": 0, "productCodes": {}, "instanceType": "t3.large",
             "launchTime": int(launch.timestamp() * 1000),
             "placement": {"availabilityZone": "us-east-1a", "tenancy": "default"},
             "monitoring": {"state": "disabled"}, "subnetId": SUBNET_PUB, "vpcId": VPC,
             "privateIpAddress": EVIL_IP, "stateReason": {"code": "pending", "message": "pending"},
             "architecture": "x86_64", "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda",
             "blockDeviceMapping": {}, "virtualizationType": "hvm", "hypervisor": "xen",
             "groupSet": {"items": [{"groupId": SG_DEFAULT, "groupName": "default"}]},
             "networkInterfaceSet": {"items": [{
                 "networkInterfaceId": EVIL_ENI, "subnetId": SUBNET_PUB, "vpcId": VPC, "ownerId": ACCT,
                 "status": "in-use", "macAddress": "0a:5f:3e:21:9c:d7", "privateIpAddress": EVIL_IP,
                 "privateDnsName": "ip-10-0-5-17.ec2.internal", "sourceDestCheck": True,
                 "interfaceType": "interface",
                 "groupSet": {"items": [{"groupId": SG_DEFAULT, "groupName": "default"}]},
                 "attachment": {"attachmentId": "eni-attach-0b1c2d3e4f5a6b7c8", "deviceIndex": 0,
                                "networkCardIndex": 0, "status": "attaching",
                                "attachTime": int(launch.timestamp() * 1000), "deleteOnTermination": True},
                 "privateIpAddressesSet": {"item": [{"privateIpAddress": EVIL_IP,
                                                     "privateDnsName": "ip-10-0-5-17.ec2.internal",
                                                     "primary": True}]},
                 "ipv6AddressesSet": {}, "tagSet": {}}]},
             "ebsOptimized": False, "enaSupport": True,
             "cpuOptions": {"coreCount": 1, "threadsPerCore": 2},
             "capacityReservationSpecification": {"capacityReservationPreference": "open"},
             "enclaveOptions": {"enabled": False},
             "metadataOptions": {"state": "pending", "httpTokens": "optional", "httpPutResponseHopLimit": 1,
                                 "httpEndpoint": "enabled", "httpProtocolIpv6": "disabled",
                                 "instanceMetadataTags": "disabled"},
             "maintenanceOptions": {"autoRecovery": "default"}, "currentInstanceBootMode": "legacy-bios"}]}})
ev("13:59:31", "ec2.amazonaws.com", "DescribeInstances", B, EXFIL_IP, UA_BOTO,
   req={"instancesSet": {"items": [{"instanceId": EVIL_INSTANCE}]}, "filterSet": {}})
ev("14:20:45", "s3.amazonaws.com", "GetBucketPolicyStatus", B, EXFIL_IP, UA_BOTO,
   req={"bucketName": "acme-prod-customer-data", "Host": "acme-prod-customer-data.s3.amazonaws.com",
        "policyStatus": ""}, additional=s3_extra())

# ================= delivery files =================


def name16():
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(16))


def write_gz(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as g:
        g.write(data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def dumps(o):
    return json.dumps(o, separators=(",", ":"))


def records_file(recs):
    return ('{"Records":[' + ",".join(dumps(r) for r in recs) + "]}").encode()


events.sort(key=lambda e: e[0])
files = {}  # (region, hour) -> records
for t, region, r in events:
    files.setdefault((region, t.hour), []).append((t, r))
delivered = []  # (path, [records])
for (region, hour), lst in sorted(files.items()):
    recs = [r for _, r in lst]
    # CloudTrail files are not strictly in time order: swap a pair in bigger files
    if len(recs) > 6:
        i = rng.randrange(1, len(recs) - 1)
        recs[i], recs[i + 1] = recs[i + 1], recs[i]
    last = max(t for t, _ in lst)
    deliver = last + timedelta(minutes=5 - last.minute % 5)
    stamp = deliver.strftime("%Y%m%dT%H%MZ")
    d = os.path.join(OUT, "AWSLogs", ACCT, "CloudTrail", region, "2024", "03", "12")
    path = os.path.join(d, "%s_CloudTrail_%s_%s_%s.json.gz" % (ACCT, region, stamp, name16()))
    write_gz(path, records_file(recs))
    delivered.append((region, hour, recs))

# the organization trail delivers the 13:00 us-east-1 hour again, under its
# own prefix: the same events (same eventIDs), another file
org_recs = [r for region, hour, recs in delivered if region == "us-east-1" and hour == 13 for r in recs]
d = os.path.join(OUT, "org-trail", "AWSLogs", ORG, ACCT, "CloudTrail", "us-east-1", "2024", "03", "12")
write_gz(os.path.join(d, "%s_CloudTrail_us-east-1_20240312T1400Z_%s.json.gz" % (ACCT, name16())),
         records_file(sorted(org_recs, key=lambda r: r["eventTime"])))

# an `aws cloudtrail lookup-events` export of the IAM part of the intrusion
look = []
for t, region, r in events:
    if r["eventSource"] == "iam.amazonaws.com" and r["eventName"] in ("CreateUser", "CreateAccessKey",
                                                                       "AttachUserPolicy") and "errorCode" not in r:
        ui = r["userIdentity"]
        resources = []
        rp = r.get("requestParameters") or {}
        if "userName" in rp:
            resources.append({"ResourceType": "AWS::IAM::User", "ResourceName": rp["userName"]})
        if "policyArn" in rp:
            resources.append({"ResourceType": "AWS::IAM::Policy", "ResourceName": rp["policyArn"]})
        if r["eventName"] == "CreateAccessKey":
            resources.append({"ResourceType": "AWS::IAM::AccessKey",
                              "ResourceName": r["responseElements"]["accessKey"]["accessKeyId"]})
        look.append({"EventId": r["eventID"], "EventName": r["eventName"], "ReadOnly": "false",
                     "AccessKeyId": ui.get("accessKeyId"), "EventTime": t.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                     "EventSource": r["eventSource"], "Username": ui["arn"].rsplit("/", 1)[1],
                     "Resources": resources, "CloudTrailEvent": dumps(r)})
look.sort(key=lambda x: x["EventTime"], reverse=True)  # lookup-events lists newest first
os.makedirs(os.path.join(OUT, "exports"), exist_ok=True)
with open(os.path.join(OUT, "exports", "lookup-events.json"), "w") as f:
    json.dump({"Events": look}, f, indent=4)
    f.write("\n")

# ================= VPC flow logs =================


def epoch(t):
    return int(t.timestamp())


flows = []  # dicts of fields


def flow(t0, secs, eni, src, dst, sport, dport, proto, packets, nbytes, action="ACCEPT", status="OK",
         instance=None, subnet=SUBNET_WEB, direction=None, flags=None):
    flows.append({"version": 5, "account-id": ACCT, "interface-id": eni, "srcaddr": src, "dstaddr": dst,
                  "srcport": sport, "dstport": dport, "protocol": proto, "packets": packets,
                  "bytes": nbytes, "start": epoch(t0), "end": epoch(t0) + secs, "action": action,
                  "log-status": status, "vpc-id": VPC, "subnet-id": subnet, "instance-id": instance,
                  "tcp-flags": flags, "type": "IPv4", "pkt-srcaddr": src, "pkt-dstaddr": dst,
                  "region": "us-east-1", "az-id": "use1-az1", "flow-direction": direction})


t = at("13:50:00")
while t < at("14:30:00"):
    # the web server: HTTPS from the office and customers, and its replies
    for c in ("192.0.2.10", "192.0.2.44", "203.0.113.201"):
        if rng.random() < 0.6:
            sport = rng.randrange(49152, 65535)
            p = rng.randrange(8, 40)
            flow(t, 60, WEB_ENI, c, WEB_IP, sport, 443, 6, p, p * rng.randrange(90, 700), instance=WEB_INSTANCE,
                 direction="ingress", flags=19)
            flow(t, 60, WEB_ENI, WEB_IP, c, 443, sport, 6, p + 2, (p + 2) * rng.randrange(600, 1400),
                 instance=WEB_INSTANCE, direction="egress", flags=19)
    # internet noise refused by the security group
    if rng.random() < 0.5:
        scanner = "198.18.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))
        flow(t, 60, WEB_ENI, scanner, WEB_IP, rng.randrange(1024, 65535), rng.choice([23, 3389, 445, 8080]), 6, 1,
             44, action="REJECT", instance=WEB_INSTANCE, direction="ingress", flags=2)
    # the database host is idle
    if t.minute % 10 == 0:
        flows.append({"version": 5, "account-id": ACCT, "interface-id": DB_ENI, "srcaddr": None, "dstaddr": None,
                      "srcport": None, "dstport": None, "protocol": None, "packets": None, "bytes": None,
                      "start": epoch(t), "end": epoch(t) + 600, "action": None, "log-status": "NODATA",
                      "vpc-id": VPC, "subnet-id": SUBNET_WEB, "instance-id": None, "tcp-flags": None,
                      "type": None, "pkt-srcaddr": None, "pkt-dstaddr": None, "region": "us-east-1",
                      "az-id": "use1-az1", "flow-direction": None})
    t += timedelta(minutes=1)

# the attacker's instance: SSH in from 203.0.113.66, then a long upload to 198.51.100.23:443
ssh_sport = 51234
for m in range(4, 26):
    t = at("14:00:00") + timedelta(minutes=m)
    if m < 24:
        flow(t, 60, EVIL_ENI, ATTACKER_IP, EVIL_IP, ssh_sport, 22, 6, 40 + m, 4200 + 97 * m, instance=EVIL_INSTANCE,
             subnet=SUBNET_PUB, direction="ingress", flags=27 if m == 4 else 24)
        flow(t, 60, EVIL_ENI, EVIL_IP, ATTACKER_IP, 22, ssh_sport, 6, 38 + m, 9800 + 211 * m, instance=EVIL_INSTANCE,
             subnet=SUBNET_PUB, direction="egress", flags=27 if m == 4 else 24)
    if 6 <= m <= 24:
        flow(t, 60, EVIL_ENI, EVIL_IP, EXFIL_IP, 40112, 443, 6, 61000 + 37 * m, 88_000_000 + 1_234_567 * m,
             instance=EVIL_INSTANCE, subnet=SUBNET_PUB, direction="egress", flags=24 if m > 6 else 26)
        flow(t, 60, EVIL_ENI, EXFIL_IP, EVIL_IP, 443, 40112, 6, 30000 + 11 * m, 1_560_000 + 321 * m,
             instance=EVIL_INSTANCE, subnet=SUBNET_PUB, direction="ingress", flags=24 if m > 6 else 26)
flows.sort(key=lambda f: (f["start"], f["interface-id"], f["srcaddr"] or ""))


def flow_line(f, fields):
    return " ".join("-" if f.get(k) is None else str(f[k]) for k in fields)


V2 = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
      "packets", "bytes", "start", "end", "action", "log-status"]
V5 = V2 + ["vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region",
           "az-id", "flow-direction"]
d = os.path.join(OUT, "AWSLogs", ACCT, "vpcflowlogs", "us-east-1", "2024", "03", "12")
cut = epoch(at("14:10:00"))
first = [f for f in flows if f["start"] < cut]
second = [f for f in flows if f["start"] >= cut]
# the first flow log kept the default format (version 2 fields)
text = "\n".join([" ".join(V2)] + [flow_line(dict(f, version=2), V2) for f in first]) + "\n"
write_gz(os.path.join(d, "%s_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20240312T1410Z_%08x.log.gz"
                      % (ACCT, rng.getrandbits(32))), text.encode())
# after 14:10 the flow log was replaced by one with a custom (version 5) format
text = "\n".join([" ".join(V5)] + [flow_line(f, V5) for f in second]) + "\n"
write_gz(os.path.join(d, "%s_vpcflowlogs_us-east-1_fl-0f9e8d7c6b5a43210_20240312T1430Z_%08x.log.gz"
                      % (ACCT, rng.getrandbits(32))), text.encode())

print("%d events in %d trail files (+%d duplicated by the org trail, %d in lookup-events), %d flow records"
      % (len(events), len(delivered), len(org_recs), len(look), len(flows)), file=sys.stderr)
